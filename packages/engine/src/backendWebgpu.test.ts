/**
 * The webgpu backend against wasm, on SwiftShader (Chromium's CPU Vulkan driver, which .ci/run
 * installs): what a GPU worker runs, checked on a machine without a GPU. SwiftShader takes seconds
 * a step, so the inputs are tiny.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import h5wasm from "h5wasm/node";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, releaseBackend } from "./backend.ts";
import { adapterLine, describeAdapter } from "./backendWebgpu.ts";
import { main } from "./cli/main.ts";
import { loadH5wasm, type H5Dataset } from "./io/hdf5.ts";
import { makeTempDir, writeH5 } from "./io/testFiles.ts";
import { ccClusterLoss, correlationClusterLoss } from "./losses/cluster-losses.ts";
import { fnInstanceLoss } from "./losses/fn-instance-loss.ts";
import { clusterHead, encode, instanceHead } from "./model/forward.ts";
import { createRng } from "./random.ts";
import { sharedData } from "./test-support/sharedData.ts";
import { createModel, disposeModel, resolveConfig, train } from "./nn/train.ts";

const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";
// The Vulkan loader reads these when Dawn first looks for adapters, which is after this line.
process.env.VK_ICD_FILENAMES ??= SWIFTSHADER;
process.env.XDG_RUNTIME_DIR ??= tmpdir();

const tmp = makeTempDir("scfnccl-webgpu-");
afterAll(() => {
  releaseBackend();
  tmp.cleanup();
});

beforeAll(() => {
  if (!existsSync(SWIFTSHADER)) throw new Error(`${SWIFTSHADER} is missing: install Debian's chromium (its SwiftShader is the test's adapter), as .ci/run does`);
});

/** `f` run on each backend from the same host inputs: each tensor it returns becomes one row of values. */
async function onBoth(f: () => tf.Tensor[] | Promise<number[][]>): Promise<{ wasm: number[][]; webgpu: number[][] }> {
  const out = { wasm: [] as number[][], webgpu: [] as number[][] };
  for (const name of ["wasm", "webgpu"] as const) {
    await initBackend(name);
    const r = await f();
    out[name] = r.every((t) => t instanceof tf.Tensor) ? await Promise.all((r as tf.Tensor[]).map(async (t) => Array.from(await t.data()))) : (r as number[][]);
    if (r.every((t) => t instanceof tf.Tensor)) tf.dispose(r as tf.Tensor[]);
  }
  return out;
}

function expectClose(a: number[][], b: number[][], tol: number): void {
  expect(b.length).toBe(a.length);
  a.forEach((row, i) => {
    expect(b[i]!.length).toBe(row.length);
    const worst = Math.max(...row.map((v, j) => Math.abs(v - b[i]![j]!)));
    expect(worst, `entry ${i}`).toBeLessThan(tol);
  });
}

describe("adapter", () => {
  it("tells a software adapter (SwiftShader, llvmpipe) from a GPU", () => {
    const swift = describeAdapter({ vendor: "google", architecture: "swiftshader", device: "swiftshader-device-subzero-", description: "SwiftShader driver 5.0.0", isFallbackAdapter: true });
    expect(swift.software).toBe(true);
    expect(adapterLine(swift)).toBe("google swiftshader (SwiftShader driver 5.0.0, software)");
    expect(describeAdapter({ vendor: "mesa", architecture: "", description: "llvmpipe (LLVM 15.0.6, 256 bits)" }).software).toBe(true);
    const h100 = describeAdapter({ vendor: "nvidia", architecture: "hopper", device: "", description: "NVIDIA H100 80GB HBM3" });
    expect(h100.software).toBe(false);
    expect(adapterLine(h100)).toBe("nvidia hopper (NVIDIA H100 80GB HBM3)");
  });
});

describe("backend selection with only a software adapter", () => {
  it("never picks SwiftShader by itself: the best backend here is wasm", async () => {
    expect((await initBackend()).name).toBe("wasm");
  });

  it("uses it when asked for by name and names the adapter", async () => {
    const info = await initBackend("webgpu");
    expect(info.name).toBe("webgpu");
    expect(info.adapter).toMatchObject({ vendor: "google", architecture: "swiftshader", software: true });
    expect(info.detail).toContain("adapter google swiftshader");
    // A synchronous read has no way to wait for the GPU in Node: the error says what to do.
    expect(() => tf.ones([2]).dataSync()).toThrow(/synchronous read.*--backend wasm/);
  });
});

describe("--backend webgpu without an adapter", () => {
  it("stops with one line naming the backend and what is missing, and writes nothing", () => {
    const engine = fileURLToPath(new URL("../", import.meta.url));
    execFileSync(process.execPath, [`${engine}/scripts/build.mjs`]);
    const out = tmp.path("no-adapter");
    const r = spawnSync(process.execPath, [`${engine}/dist/cli.js`, "train", tmp.path("none.h5"), "--out", out, "--backend", "webgpu"], {
      encoding: "utf8",
      env: { ...process.env, VK_ICD_FILENAMES: tmp.path("no-such-icd.json") },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(1);
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors).toEqual([expect.stringMatching(/^error: backend 'webgpu' is not available: Dawn found no GPU adapter .*VK_ICD_FILENAMES=/)]);
    expect(existsSync(out)).toBe(false);
  });
});

describe("webgpu against wasm on tiny inputs", () => {
  const rng = createRng(3);
  const rows = (n: number, d: number) => Float32Array.from({ length: n * d }, () => rng.normal());
  const b = 6;
  const zq = rows(b, 5);
  const zk = rows(b, 5);
  const pq = rows(b, 3);
  const pk = rows(b, 3);

  it("gives the same losses to 1e-4", async () => {
    const r = await onBoth(() =>
      tf.tidy(() => {
        const q = tf.tensor2d(zq, [b, 5]);
        const k = tf.tensor2d(zk, [b, 5]);
        const sq = tf.softmax(tf.tensor2d(pq, [b, 3])) as tf.Tensor2D;
        const sk = tf.softmax(tf.tensor2d(pk, [b, 3])) as tf.Tensor2D;
        const capped = fnInstanceLoss(q, k, { temperature: 0.5, phi: 0.3, maxDropped: 2 });
        const plain = fnInstanceLoss(q, k, { temperature: 0.07, phi: Infinity });
        const corr = correlationClusterLoss(sq, sk);
        const cc = ccClusterLoss(sq, sk);
        return [tf.stack([capped.loss, capped.droppedShare, plain.loss, corr.loss, corr.entropy, cc.loss])];
      }),
    );
    expectClose(r.wasm, r.webgpu, 1e-4);
  });

  it("gives the same gradients of a whole training step to 1e-4", async () => {
    const genes = 12;
    const x1 = rows(b, genes);
    const x2 = rows(b, genes);
    const r = await onBoth(() => {
      const cfg = resolveConfig({ k: 3, encoderDims: [10, 8, 6], instanceHidden: 7, instanceDim: 5, clusterHidden: 4, seed: 2 });
      const model = createModel(genes, cfg);
      const p = model.params;
      const mode = { training: true, attentionDropout: cfg.attentionDropout, rng: createRng(4) };
      const grads = tf.tidy(() => {
        const hk = encode(p.keyEncoder, tf.tensor2d(x2, [b, genes]), { ...mode, trackRunningStats: false });
        const zkT = instanceHead(p, hk);
        const pkT = clusterHead(p, hk, mode);
        const { value, grads } = tf.variableGrads(() => {
          const hq = encode(p.encoder, tf.tensor2d(x1, [b, genes]), mode);
          const inst = fnInstanceLoss(instanceHead(p, hq), zkT, { phi: 0.5, maxDropped: 2 });
          return tf.add(inst.loss, correlationClusterLoss(clusterHead(p, hq, mode), pkT).loss) as tf.Scalar;
        }, model.adam.vars);
        return [value, ...model.adam.vars.map((v) => grads[v.name]!)];
      });
      disposeModel(model);
      return grads;
    });
    const wasm = r.wasm;
    expect(wasm.length).toBeGreaterThan(20);
    expect(wasm.flat().some((g) => Math.abs(g) > 1e-3)).toBe(true);
    expectClose(wasm, r.webgpu, 1e-4);
  });

  it("trains two epochs to the same losses to 1e-4", async () => {
    const cells = 16;
    const genes = 12;
    const x = rows(cells, genes);
    const r = await onBoth(async () => {
      const { model, history } = await train(x, cells, genes, {
        k: 3, epochs: 2, batchSize: 16, seed: 1, augmentThread: false, augmentDropout: 0.5,
        encoderDims: [10, 8, 6], instanceHidden: 7, instanceDim: 5, clusterHidden: 4,
      });
      disposeModel(model);
      return history.map((h) => [h.loss, h.instanceLoss, h.clusterLoss, h.entropy, h.droppedShare]);
    });
    expectClose(r.wasm, r.webgpu, 1e-4);
  });
});

describe("scfnccl train --backend webgpu", () => {
  it("runs two epochs and says webgpu with its adapter in metrics.json", async () => {
    await loadH5wasm();
    // One batch of 200 cells a step: SwiftShader compiles a shader set for each batch shape.
    const CELLS = 200;
    const f = new h5wasm.File(sharedData("10X_PBMC_top2000.h5"), "r");
    const counts = Float32Array.from((f.get("X") as H5Dataset).slice([[0, CELLS], []]) as Float32Array);
    const labels = Int32Array.from((f.get("Y") as H5Dataset).slice([[0, CELLS]]) as Int32Array);
    f.close();
    await writeH5(tmp.path("small.h5"), [
      { name: "X", data: counts, shape: [CELLS, 2000], dtype: "<f4" },
      { name: "Y", data: labels, shape: [CELLS], dtype: "<i4" },
    ]);
    let stderr = "";
    const out = tmp.path("run");
    const code = await main(["train", tmp.path("small.h5"), "--out", out, "--epochs", "2", "--backend", "webgpu"], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => ((stderr += s), true) },
    });
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/backend: webgpu .*adapter google swiftshader/);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8"));
    expect(metrics.backend).toBe("webgpu");
    expect(metrics.backendAdapter).toMatchObject({ vendor: "google", architecture: "swiftshader", software: true });
    expect(metrics.epochs).toBe(2);
    expect(Number.isFinite(metrics.history[1].loss)).toBe(true);
  }, 900_000);
});
