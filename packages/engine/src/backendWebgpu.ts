/**
 * The WebGPU backend in Node: `@tensorflow/tfjs-backend-webgpu` on Dawn (`webgpu` on npm, whose
 * package carries its native module, so nothing is downloaded at install). Dawn drives the GPU
 * through Vulkan: on a GPU host the vendor's Vulkan driver (NVIDIA's needs
 * `NVIDIA_DRIVER_CAPABILITIES` to include `graphics` in a container); on a CPU machine Chromium's
 * SwiftShader (`VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`) gives a software
 * adapter, about as slow as the cpu backend, which is used only when asked for by name.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";

const require = createRequire(import.meta.url);

export interface GpuAdapter {
  vendor: string;
  architecture: string;
  /** Dawn's device string, e.g. `swiftshader-device-subzero-` or the GPU's PCI name. */
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, lavapipe, llvmpipe, WARP): correct, not fast. */
  software: boolean;
}

/** What the adapter reports, in one line: `nvidia ampere (NVIDIA H100 …)`, `google swiftshader (…, software)`. */
export function adapterLine(a: GpuAdapter): string {
  const what = [a.description || a.device, a.software ? "software" : ""].filter(Boolean).join(", ");
  return `${a.vendor || "unknown vendor"} ${a.architecture || "unknown architecture"}${what ? ` (${what})` : ""}`;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp/i;

/** Adapter info as WebGPU gives it (`adapter.info`), with Dawn's `isFallbackAdapter` where present. */
export function describeAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }): GpuAdapter {
  const a = {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
  };
  const software = info.isFallbackAdapter === true || SOFTWARE.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`);
  return { ...a, software };
}

/**
 * Whether this machine could have a GPU for Dawn: a device node of a kernel GPU driver (NVIDIA's
 * `/dev/nvidia0`, or a DRM render node), or a Vulkan driver named in the environment. Looked at
 * before the automatic selection tries Dawn, because where there is none Dawn still walks the
 * installed Vulkan drivers and prints their refusals (lavapipe's, Mesa's) to stderr on every run.
 */
export function mayHaveGpu(): boolean {
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return true;
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return list("/dev").some((d) => /^nvidia\d+$/.test(d)) || list("/dev/dri").some((d) => d.startsWith("renderD")) || existsSync("/dev/dxg");
}

export interface WebgpuLoad {
  detail: string;
  adapter: GpuAdapter;
}

type DawnModule = { create: (flags: string[]) => GPU; globals: Record<string, unknown> };

let gpu: GPU | null = null;
let registered: WebgpuLoad | null = null;

/**
 * Register the `webgpu` backend on Dawn's best adapter. Returns why not where it cannot: no Dawn
 * for this platform, no adapter, or (unless `allowSoftware`) a software one.
 */
export async function loadWebgpu(allowSoftware: boolean): Promise<WebgpuLoad | { reason: string }> {
  if (registered) return registered;
  let dawn: DawnModule;
  try {
    dawn = (await import("webgpu")) as unknown as DawnModule;
  } catch (err) {
    return { reason: `Dawn (the webgpu package) does not load on ${process.platform}-${process.arch}: ${(err as Error).message.split("\n")[0]}` };
  }
  // The WebGPU classes and constants (GPUBufferUsage, …) the backend reads as globals, as in a browser.
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  // Imported before navigator.gpu exists, so the package does not register its own factory (ours picks the adapter).
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  gpu ??= dawn.create([]);
  // The backend checks for navigator.gpu as a browser has it (Node ≥ 21 has a navigator, 20 none).
  const g = globalThis as { navigator?: object };
  g.navigator ??= {};
  Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    return {
      reason:
        "Dawn found no GPU adapter (no Vulkan driver it accepts; Mesa's lavapipe is refused). On a GPU host install the vendor's Vulkan driver " +
        "(NVIDIA: NVIDIA_DRIVER_CAPABILITIES must include graphics); on a CPU machine SwiftShader works: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json",
    };
  }
  const info = describeAdapter(adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean });
  if (info.software && !allowSoftware) {
    return { reason: `the only adapter is a software one (${adapterLine(info)}); it is used only with --backend webgpu` };
  }
  // The same device request as the package's own registration (which needs a global navigator.gpu).
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  // Small kernels whose inputs sit on the host would otherwise run on tfjs's cpu backend, which reads
  // back synchronously (impossible here) once an input is a scalar a kernel made on the GPU.
  tf.env().set("WEBGPU_CPU_FORWARD", false);
  tf.registerBackend("webgpu", () => {
    const backend = new WebGPUBackend(device, adapter.info);
    // The package reads synchronously through an OffscreenCanvas, which Node lacks: say what to do instead.
    backend.readSync = () => {
      throw new Error("webgpu: a synchronous read (dataSync) from the GPU is not possible in Node; this code path needs --backend wasm (or await tensor.data())");
    };
    return backend;
  });
  const version = (require("webgpu/package.json") as { version: string }).version;
  registered = { detail: `@tensorflow/tfjs-backend-webgpu on Dawn (webgpu ${version}), adapter ${adapterLine(info)}`, adapter: info };
  return registered;
}

/**
 * Let the process exit: Dawn keeps Node's event loop alive while its GPU object is referenced.
 * Removes the backend (destroying its device); the next selection loads it again.
 */
export function releaseWebgpu(): void {
  if (!registered) return;
  if (tf.findBackend("webgpu")) tf.removeBackend("webgpu");
  registered = null;
  gpu = null;
  delete (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
}
