import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.ts";
import { createRng } from "../random.ts";
import { separatedGroups } from "../test-support/synthetic.ts";
import { embed } from "../tl/embed.ts";
import { disposeModel, train } from "../tl/train.ts";
import { defaultThreads, matMulThreads, setMatMulThreads, splitProducts, threadedMatMul, threadedMatMulAT } from "./matmulThreads.ts";

const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

beforeAll(async () => {
  await initBackend("wasm");
});
afterAll(async () => {
  await setMatMulThreads(defaultThreads());
});

describe("first-layer products split across threads", () => {
  const rng = createRng(5);
  const host = (r: number, c: number) => tf.tensor2d(Float32Array.from({ length: r * c }, () => rng.normal()), [r, c]);

  it.each([2, 3])("give the same bits as one tf.matMul with %i threads, for x·W and xᵀ·dy", async (threads) => {
    await setMatMulThreads(threads);
    expect(matMulThreads()).toBe(threads);
    for (const [m, k, n] of [[200, 2000, 200], [171, 300, 200]] as const) {
      const x = host(m, k);
      const w = host(k, n);
      const dy = host(m, n);
      expect(bits(threadedMatMul(x, w))).toEqual(bits(tf.matMul(x, w)));
      expect(bits(threadedMatMulAT(x, dy))).toEqual(bits(tf.matMul(tf.transpose(x), dy)));
    }
  });

  it("leave small products to one plain matMul", async () => {
    await setMatMulThreads(2);
    const a = host(8, 5);
    const b = host(5, 3);
    const before = splitProducts();
    expect(bits(threadedMatMul(a, b))).toEqual(bits(tf.matMul(a, b)));
    expect(splitProducts()).toBe(before);
  });

  it("train to the same bits with one thread and with two", async () => {
    // 300 genes and a 200-unit first layer: large enough for the split.
    const cells = 420;
    const genes = 300;
    const { x } = separatedGroups({ cells, genes, k: 3, seed: 2 });
    const run = async (threads: number) => {
      await setMatMulThreads(threads);
      const { model } = await train(x, cells, genes, { k: 3, epochs: 2, seed: 4 });
      const { z, h } = embed(model, x, cells, genes);
      disposeModel(model);
      return { z: Array.from(z), h: Array.from(h) };
    };
    const one = await run(1);
    const before = splitProducts();
    const two = await run(2);
    // Two epochs of two batches: a query and a key product and a weight gradient per step, plus the embedding.
    expect(splitProducts() - before).toBeGreaterThanOrEqual(12);
    expect(two.h).toEqual(one.h);
    expect(two.z).toEqual(one.z);
  });
});
