/**
 * Backend selection. TensorFlow.js runs the same engine code on several backends; we take the
 * fastest that loads on this machine and always say which one ran, because speed (and the last
 * bits of floating-point results) depend on it.
 *
 * Order: tensorflow (native libtensorflow through @tensorflow/tfjs-node-gpu, then
 * @tensorflow/tfjs-node; both optional dependencies whose install downloads libtensorflow, so
 * they are absent on many machines) > webgpu (Dawn; a hardware adapter only, a software one such
 * as SwiftShader only when asked for by name) > wasm (SIMD) > cpu (plain JS).
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core registers no gradients itself, and its ESM build cannot be imported piecemeal by
// Node; the union package's Node bundle registers them all in the global registry.
import "@tensorflow/tfjs";
import { loadWebgpu, mayHaveGpu, releaseWebgpu, type GpuAdapter } from "./backendWebgpu.ts";

export { adapterLine, type GpuAdapter } from "./backendWebgpu.ts";

const require = createRequire(import.meta.url);

export const BACKENDS = ["tensorflow", "webgpu", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: BackendName;
  /** Which package provided it, e.g. `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-backend-wasm (simd)`. */
  detail: string;
  /** The GPU adapter the webgpu backend runs on (also named in `detail`). */
  adapter?: GpuAdapter;
}

let current: BackendInfo | null = null;

/**
 * Whether the package's native binding was built. Its install script downloads libtensorflow;
 * where that could not run, importing the package registers its kernels and then fails, which
 * is slow and floods stderr with duplicate-registration warnings, so we look before importing.
 */
function hasNativeBinding(pkg: string): boolean {
  try {
    const root = dirname(require.resolve(`${pkg}/package.json`));
    return existsSync(join(root, "lib")) && readdirSync(join(root, "lib")).some((d) => existsSync(join(root, "lib", d, "tfjs_binding.node")));
  } catch {
    return false;
  }
}

async function tryTensorflow(): Promise<string | null> {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    if (!hasNativeBinding(pkg)) continue;
    try {
      await import(pkg);
      if (tf.findBackend("tensorflow")) return pkg;
    } catch {
      // Not installed, or libtensorflow missing: try the next one.
    }
  }
  return null;
}

/** Why the last try of each backend failed, for the error when one was asked for by name. */
const failures = new Map<BackendName, string>();
let webgpuAdapter: GpuAdapter | undefined;

async function tryWebgpu(byName: boolean): Promise<string | null> {
  if (!byName && !mayHaveGpu()) return null;
  try {
    const load = await loadWebgpu(byName);
    if ("reason" in load) {
      failures.set("webgpu", load.reason);
      return null;
    }
    webgpuAdapter = load.adapter;
    return load.detail;
  } catch (err) {
    failures.set("webgpu", (err as Error).message);
    return null;
  }
}

async function tryWasm(): Promise<string | null> {
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    // Node has no worker-based threads for this backend; one thread with SIMD is what runs.
    wasm.setThreadsCount?.(1);
    return "@tensorflow/tfjs-backend-wasm";
  } catch {
    return null;
  }
}

async function tryCpu(): Promise<string | null> {
  await import("@tensorflow/tfjs-backend-cpu");
  return "@tensorflow/tfjs-backend-cpu";
}

const loaders: Record<BackendName, (byName: boolean) => Promise<string | null>> = {
  tensorflow: tryTensorflow,
  webgpu: tryWebgpu,
  wasm: tryWasm,
  cpu: tryCpu,
};

/**
 * Select and initialise a backend. With `preferred`, only that one is tried and failing to load
 * it is an error (a user who asks for the GPU should not silently get wasm).
 */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  if (current && (!preferred || preferred === current.name)) return current;
  const order = preferred ? [preferred] : BACKENDS;
  for (const name of order) {
    const detail = await loaders[name](name === preferred);
    if (!detail) continue;
    if (await tf.setBackend(name)) {
      await tf.ready();
      current = { name, detail: await describe(name, detail), ...(name === "webgpu" ? { adapter: webgpuAdapter } : {}) };
      return current;
    }
    failures.set(name, "it failed to initialise (tfjs printed why above)");
  }
  const tried = order.join(", ");
  if (preferred === "tensorflow") {
    throw new Error("backend 'tensorflow' is not available: install @tensorflow/tfjs-node (or -gpu) with its libtensorflow download, or use --backend wasm");
  }
  if (preferred) throw new Error(`backend '${preferred}' is not available: ${failures.get(preferred) ?? "it did not initialise"}`);
  throw new Error(`no TensorFlow.js backend could be initialised (tried ${tried})`);
}

/**
 * Free what the active backend holds outside the JS heap and let the process exit (Dawn's GPU
 * object keeps Node's event loop alive); the next `initBackend` selects again.
 */
export function releaseBackend(): void {
  if (current?.name === "webgpu") releaseWebgpu();
  current = null;
}

async function describe(name: BackendName, detail: string): Promise<string> {
  if (name !== "wasm") return detail;
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  return `${detail} (simd ${simd ? "on" : "off"}, ${threads ? "multi" : "single"}-threaded)`;
}

/** The backend in use; initialises the default one if none was chosen yet. */
export async function activeBackend(): Promise<BackendInfo> {
  return current ?? initBackend();
}
