import * as tf from "@tensorflow/tfjs-core";

/** Lanczos coefficients (g = 7, n = 9), as in Numerical Recipes / Boost: ~1e-15 relative in double precision. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log Γ(x) for x > 0 from differentiable ops (tfjs has no lgamma): Lanczos for Γ(x + 1), then
 * log Γ(x) = log Γ(x + 1) − log x, which keeps the approximation in its accurate range for any x > 0.
 * Its gradient (the digamma function) comes from the ops.
 */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let series: tf.Tensor = tf.fill(x.shape, LANCZOS[0]!);
    for (let i = 1; i < LANCZOS.length; i++) series = tf.add(series, tf.div(LANCZOS[i]!, tf.add(x, i)));
    const t = tf.add(x, 7.5);
    const logGammaXPlus1 = tf.add(tf.sub(tf.mul(tf.add(x, 0.5), tf.log(t)), t), tf.add(tf.log(series), HALF_LOG_2PI));
    return tf.sub(logGammaXPlus1, tf.log(x));
  });
}

/** log Γ(x) of a plain number, same approximation (for constants such as log Γ(counts + 1)). */
export function lgammaNumber(x: number): number {
  let series = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) series += LANCZOS[i]! / (x + i);
  const t = x + 7.5;
  return (x + 0.5) * Math.log(t) - t + Math.log(series) + HALF_LOG_2PI - Math.log(x);
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
 * @param x observed counts [cells, genes] (no gradient)
 * @param mean μ, already multiplied by each cell's size factor [cells, genes]
 * @param dispersion θ > 0 [cells, genes]
 * @param pi dropout probability in (0, 1) [cells, genes]
 */
export function zinbLoss(x: tf.Tensor2D, mean: tf.Tensor2D, dispersion: tf.Tensor2D, pi: tf.Tensor2D, options: ZinbLossOptions = {}): tf.Scalar {
  const { ridge = 0 } = options;
  return tf.tidy(() => {
    const theta = tf.add(dispersion, EPS);
    // log Γ(x + 1) is a constant of the data: computed once on the host rather than through the graph.
    const logFactorial = tf.tensor2d(Float32Array.from(x.dataSync(), (v) => (v > 1 ? lgammaNumber(v + 1) : 0)), x.shape);
    const t1 = tf.add(tf.sub(lgamma(theta), lgamma(tf.add(x, theta))), logFactorial);
    const t2 = tf.add(
      tf.mul(tf.add(theta, x), tf.log(tf.add(1, tf.div(mean, theta)))),
      tf.mul(x, tf.sub(tf.log(theta), tf.log(tf.add(mean, EPS)))),
    );
    const nbCase = tf.sub(tf.add(t1, t2), tf.log(tf.add(tf.sub(1, pi), EPS)));
    // (θ/(θ + μ))^θ written as exp(θ·(log θ − log(θ + μ))) so its gradient in θ is defined everywhere.
    const zeroNb = tf.exp(tf.mul(theta, tf.sub(tf.log(theta), tf.log(tf.add(theta, mean)))));
    const zeroCase = tf.neg(tf.log(tf.add(tf.add(pi, tf.mul(tf.sub(1, pi), zeroNb)), EPS)));
    let nll = tf.where(tf.lessEqual(x, 1e-8), zeroCase, nbCase);
    if (ridge > 0) nll = tf.add(nll, tf.mul(ridge, tf.square(pi)));
    return tf.mean(nll) as tf.Scalar;
  });
}
