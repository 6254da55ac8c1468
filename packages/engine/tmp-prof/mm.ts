import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend.ts";
process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
process.env.XDG_RUNTIME_DIR ??= "/tmp";
await initBackend("webgpu");
const a = tf.randomNormal([200, 2000]);
const w = tf.randomNormal([2000, 512]);
for (const type of [0, 1, 2, 3]) {
  tf.env().set("WEBGPU_MATMUL_PROGRAM_TYPE", type);
  for (let r = 0; r < 2; r++) {
    const t0 = performance.now();
    const out = tf.matMul(a, w);
    await out.data();
    out.dispose();
    console.log("type", type, r, (performance.now() - t0).toFixed(0), "ms");
  }
}
