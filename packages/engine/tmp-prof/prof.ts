import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend.ts";
import { createModel, resolveConfig } from "../src/nn/train.ts";
import { adamStep } from "../src/nn/adam.ts";
import { encode, instanceHead, clusterHead } from "../src/model/forward.ts";
import { fnInstanceLoss } from "../src/losses/fn-instance-loss.ts";
import { correlationClusterLoss } from "../src/losses/cluster-losses.ts";
import { createRng } from "../src/random.ts";
process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
process.env.XDG_RUNTIME_DIR ??= "/tmp";
const name = (process.argv[2] ?? "webgpu") as "webgpu" | "wasm";
await initBackend(name);
const b = 200, g = 2000;
const cfg = resolveConfig({ k: 8 });
const model = createModel(g, cfg);
const p = model.params;
const rng = createRng(1);
const x1d = Float32Array.from({ length: b * g }, () => (rng.next() < 0.1 ? 1 : 0));
const trainable = tf.engine().state.registeredVariables;
const vars = Object.fromEntries(Object.entries(trainable).filter(([, v]) => v.trainable));
const sync = async (t: tf.Tensor) => { await t.data(); };
const time = async (label: string, f: () => tf.Tensor) => {
  const t0 = performance.now();
  const out = f();
  await sync(out);
  const ms = performance.now() - t0;
  out.dispose();
  console.log(label, ms.toFixed(0), "ms");
};
const mode = { training: true, attentionDropout: 0.8, rng };
for (let rep = 0; rep < 2; rep++) {
  console.log("rep", rep, "kernels:");
  await time("upload+encode", () => tf.tidy(() => encode(p.encoder, tf.tensor2d(x1d, [b, g]), mode)));
  await time("encode+heads", () => tf.tidy(() => { const h = encode(p.encoder, tf.tensor2d(x1d, [b, g]), mode); return tf.add(tf.sum(instanceHead(p, h)), tf.sum(clusterHead(p, h, mode))); }));
  await time("losses fwd", () => tf.tidy(() => {
    const h = encode(p.encoder, tf.tensor2d(x1d, [b, g]), mode); const hk = encode(p.keyEncoder, tf.tensor2d(x1d, [b, g]), { ...mode, trackRunningStats: false });
    const inst = fnInstanceLoss(instanceHead(p, h), instanceHead(p, hk), { temperature: 0.07, phi: 0.95, maxDropped: 25 });
    const clu = correlationClusterLoss(clusterHead(p, h, mode), clusterHead(p, hk, mode), { entropyWeight: 1 });
    return tf.add(inst.loss, clu.loss);
  }));
  const t0 = performance.now();
  let nk = 0;
  const prof = await tf.profile(async () => {
    tf.tidy(() => {
      const hk = encode(p.keyEncoder, tf.tensor2d(x1d, [b, g]), { ...mode, trackRunningStats: false });
      const zk = instanceHead(p, hk); const pk = clusterHead(p, hk, mode);
      const { grads } = tf.variableGrads(() => {
        const h = encode(p.encoder, tf.tensor2d(x1d, [b, g]), mode);
        const inst = fnInstanceLoss(instanceHead(p, h), zk, { temperature: 0.07, phi: 0.95, maxDropped: 25 });
        const clu = correlationClusterLoss(clusterHead(p, h, mode), pk, { entropyWeight: 1 });
        return tf.add(inst.loss, clu.loss) as tf.Scalar;
      }, vars as Record<string, tf.Variable>);
      adamStep(model.adam, grads, 0.2);
    });
    await tf.zeros([1]).data();
  });
  nk = prof.kernels.length;
  const counts: Record<string, number> = {};
  for (const k of prof.kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
  console.log("full step", (performance.now() - t0).toFixed(0), "ms", nk, "kernels", JSON.stringify(counts));
}
