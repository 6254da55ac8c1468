import * as tf from "@tensorflow/tfjs-core";
import { sureShrinkageLoss } from "../losses/sure.ts";
import type { ClusterMethod } from "./method.ts";
import { setting } from "./settings.ts";
import { contrastiveOutput, contrastiveSettings, SCCCL_LOSSES, SCCCL_SETTINGS, trainerOptions } from "./contrastiveMethods.ts";
import { kmeans } from "../tl/kmeans.ts";
import { runScfnccl } from "./scfnccl.ts";
import type { ExtraLoss } from "../nn/train.ts";

/** JojoSCL's own settings on top of ScCCL's: its wider encoder (paper and public code: 512 → 256 → 128). */
export const JOJOSCL_DEFAULTS = { encoderDims: [512, 256, 128], sureWeight: 1 };

/** JojoSCL's `--set` settings: ScCCL's and the SURE weight. */
export const JOJOSCL_SETTINGS = { ...SCCCL_SETTINGS, sureWeight: setting("sureWeight", JOJOSCL_DEFAULTS.sureWeight) };

/**
 * JojoSCL's step: k-means on the batch's instance embeddings (one k-means++ start, seeded from the
 * epoch's generator; the public code runs sklearn's KMeans on every batch the same way), then the
 * SURE shrinkage term of `sureShrinkageLoss` on those clusters, times `weight`. A batch with fewer
 * cells than clusters contributes nothing.
 */
export function sureStepLoss(k: number, weight: number): ExtraLoss {
  return ({ zq, rng }) => {
    const [b, p] = zq.shape;
    if (b < k || weight === 0) return tf.scalar(0);
    const km = kmeans(zq.dataSync() as Float32Array, { n: b, d: p, k, nInit: 1, maxIter: 100, seed: rng.int(0x7fffffff) });
    const { loss } = sureShrinkageLoss(zq, km.labels, k);
    return weight === 1 ? loss : tf.mul(loss, weight);
  };
}

/** JojoSCL = ScCCL (scFNCCL's pipeline with NT-Xent and the CC cluster loss) + the SURE step + its encoder. */
export const runJojoscl: ClusterMethod["run"] = async (data, o) => {
  // tl.cluster checked the settings against JOJOSCL_SETTINGS (sureWeight a number ≥ 0).
  const { sureWeight = JOJOSCL_DEFAULTS.sureWeight, ...settings } = o.settings as { sureWeight?: number };
  const k = o.k!;
  const r = await runScfnccl(data, {
    encoderDims: JOJOSCL_DEFAULTS.encoderDims,
    ...contrastiveSettings(settings),
    ...SCCCL_LOSSES,
    extraLoss: sureStepLoss(k, sureWeight),
    k,
    ...trainerOptions(o),
  });
  return contrastiveOutput(r, { sureWeight, sureLoss: r.history.at(-1)?.extraLoss ?? null });
};
