/**
 * The γ-weak quadratic cost of NOT (Korotin et al. 2023b; report: not-weak-ot-report.txt, Eq. 4):
 *   C_γ(x, π(·|x)) = ½ ∫‖x − y‖² dπ(y|x) − (γ/2)·Var(π(·|x)),
 * Var(μ) = E‖y − E y‖² = the trace of the covariance. With a stochastic map y = T(x, z), z ~ ζ, and Z draws
 * per x, both terms are Monte-Carlo estimates over the draws; the variance uses the unbiased (Z − 1) normalisation
 * (as torch.var does in the NOT code), so Z ≥ 2 when γ > 0. γ = 0 is the strong quadratic cost with α = ½.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors';

function check(x: tf.Tensor, draws: tf.Tensor, gamma: number): number {
  if (!Number.isFinite(gamma) || gamma < 0) throw new UserError(`weak cost: gamma must be a finite number ≥ 0, got ${gamma}`);
  if (x.rank !== 2 || draws.rank !== 3 || draws.shape[0] !== x.shape[0] || draws.shape[2] !== x.shape[1]) {
    throw new UserError(`weak cost: x must be [B, d] and draws [B, Z, d] with the same B and d, got [${x.shape}] and [${draws.shape}]`);
  }
  const z = draws.shape[1] as number;
  if (z < 2 && gamma > 0) throw new UserError(`weak cost: the unbiased variance needs Z ≥ 2 draws per x, got Z = ${z}`);
  return z;
}

/** C_γ(x_i, π(·|x_i)) for each row: [B]. x [B, d], draws T(x_i, z_ij) as [B, Z, d]. */
export function gammaWeakCostPerSample(x: tf.Tensor2D, draws: tf.Tensor3D, gamma: number): tf.Tensor1D {
  const z = check(x, draws, gamma);
  return tf.tidy(() => {
    const transport = tf.mul(tf.mean(tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), draws)), 2), 1), 0.5);
    if (gamma === 0) return transport as tf.Tensor1D; // the strong cost: no variance term (Z = 1 allowed)
    const centred = tf.sub(draws, tf.mean(draws, 1, true));
    const variance = tf.div(tf.sum(tf.square(centred), [1, 2]), z - 1); // Σ_j unbiased Var_z T_j
    return tf.sub(transport, tf.mul(variance, gamma / 2)) as tf.Tensor1D;
  });
}

/** Batch mean of C_γ: a scalar. */
export function gammaWeakCostMean(x: tf.Tensor2D, draws: tf.Tensor3D, gamma: number): tf.Scalar {
  return tf.tidy(() => tf.mean(gammaWeakCostPerSample(x, draws, gamma)) as tf.Scalar);
}
