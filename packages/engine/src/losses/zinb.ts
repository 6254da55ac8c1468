import * as tf from "@tensorflow/tfjs-core";

/** Lanczos coefficients (g = 7, n = 9), as in Numerical Recipes / Boost. */
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.61503916999186, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Γ(x) for x > 0: Lanczos for Γ(x + 1), then log Γ(x) = log Γ(x + 1) − log x (accurate for any x > 0). */
export function lgamma(x: number): number {
  let series = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) series += LANCZOS[i]! / (x + i);
  const t = x + 7.5;
  return (x + 0.5) * Math.log(t) - t + Math.log(series) + HALF_LOG_2PI - Math.log(x);
}

/** ψ(x) = d/dx log Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 6, then the asymptotic series. */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 6) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))));
}

export interface ZinbLossOptions {
  /** Weight of the ridge penalty on the dropout probability, ridge·π² (DCA's ridge_lambda). Default 0. */
  ridge?: number;
}

const EPS = 1e-10;

/**
 * Negative log-likelihood of counts under a zero-inflated negative binomial, averaged over every
 * entry, as DCA and scDeepCluster define it:
 *   x > 0:  −log(1 − π) − log NB(x; μ, θ)
 *   x = 0:  −log(π + (1 − π)(θ/(θ + μ))^θ)
 * with NB(x; μ, θ) = Γ(x + θ)/(Γ(θ) x!) (θ/(θ + μ))^θ (μ/(θ + μ))^x.
 *
 * Value and gradient are computed together in one pass over the entries on the host, with the
 * gradient written out analytically (digamma for the Γ terms). Built from tensor ops instead
 * (tfjs has no lgamma), the log Γ series alone was ~60 elementwise kernels over a [256, 2000]
 * batch and its backward pass: ~1 s per batch on wasm against ~30 ms this way.
 *
 * @param x observed counts [cells, genes] (no gradient)
 * @param mean μ > 0, already multiplied by each cell's size factor [cells, genes]
 * @param dispersion θ > 0 [cells, genes]
 * @param pi dropout probability in (0, 1) [cells, genes]
 */
export function zinbLoss(x: tf.Tensor2D, mean: tf.Tensor2D, dispersion: tf.Tensor2D, pi: tf.Tensor2D, options: ZinbLossOptions = {}): tf.Scalar {
  const { ridge = 0 } = options;
  const counts = x.dataSync();
  const f = tf.customGrad((m, d, p, save) => {
    const mu = (m as tf.Tensor).dataSync();
    const th = (d as tf.Tensor).dataSync();
    const pr = (p as tf.Tensor).dataSync();
    const n = mu.length;
    if (counts.length !== n || th.length !== n || pr.length !== n) throw new Error("zinbLoss: counts, mean, dispersion and pi must have one shape");
    const gMu = new Float32Array(n);
    const gTh = new Float32Array(n);
    const gPi = new Float32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const y = counts[i]!;
      const u = mu[i]!;
      const t = th[i]! + EPS;
      const q = pr[i]!;
      const logRatio = Math.log(t) - Math.log(t + u); // log(θ/(θ+μ))
      if (y <= 1e-8) {
        const r = Math.exp(t * logRatio); // (θ/(θ+μ))^θ
        const dens = q + (1 - q) * r + EPS;
        total -= Math.log(dens);
        gPi[i] = -(1 - r) / dens;
        gMu[i] = ((1 - q) * t * r) / ((t + u) * dens);
        gTh[i] = (-(1 - q) * r * (logRatio + u / (t + u))) / dens;
      } else {
        total +=
          lgamma(t) - lgamma(y + t) + lgamma(y + 1) - (t + y) * logRatio + y * (Math.log(t) - Math.log(u + EPS)) - Math.log(1 - q + EPS);
        gMu[i] = (t + y) / (t + u) - y / (u + EPS);
        gTh[i] = digamma(t) - digamma(y + t) - logRatio - ((t + y) * u) / (t * (t + u)) + y / t;
        gPi[i] = 1 / (1 - q + EPS);
      }
      if (ridge > 0) {
        total += ridge * q * q;
        gPi[i]! += 2 * ridge * q;
      }
    }
    void save;
    const shape = (m as tf.Tensor).shape;
    return {
      value: tf.scalar(total / n),
      gradFunc: (dy: tf.Tensor) => {
        const scale = tf.div(dy, n);
        return [tf.mul(tf.tensor(gMu, shape), scale), tf.mul(tf.tensor(gTh, shape), scale), tf.mul(tf.tensor(gPi, shape), scale)];
      },
    };
  });
  return f(mean, dispersion, pi) as tf.Scalar;
}
