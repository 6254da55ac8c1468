import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend.ts";
process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
process.env.XDG_RUNTIME_DIR ??= "/tmp";
await initBackend((process.argv[2] ?? "webgpu") as "webgpu");
const time = async (label: string, f: () => tf.Tensor) => {
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const out = f();
    await out.data();
    out.dispose();
    console.log(label, r, (performance.now() - t0).toFixed(0), "ms");
  }
};
const a = tf.randomNormal([200, 2000]);
const w = tf.randomNormal([2000, 512]);
const s = tf.randomNormal([200, 200]);
await time("add 200x2000", () => tf.add(a, 1));
await time("matMul 200x2000x512", () => tf.matMul(a, w));
await time("matMul AT 2000x200x512", () => tf.matMul(a, tf.randomNormal([200, 512]), true, false));
await time("sum 200x2000", () => tf.sum(a, 0));
await time("moments", () => tf.moments(a, 0).variance);
await time("topk 200x400", () => tf.topk(tf.randomNormal([200, 400]), 25).values);
await time("upload 200x2000", () => tf.tensor2d(new Float32Array(400000), [200, 2000]));
await time("softmax 200x200", () => tf.softmax(s));
