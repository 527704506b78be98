/**
 * The γ-weak quadratic cost of NOT (Korotin et al. 2023b; report: not-weak-ot-report.txt, Eq. 4):
 *   C_γ(x, π(·|x)) = ½ ∫‖x − y‖² dπ(y|x) − (γ/2)·Var(π(·|x)),
 * Var(μ) = E‖y − E y‖² = the trace of the covariance. With a stochastic map y = T(x, z), z ~ ζ, and Z draws
 * per x, both terms are Monte-Carlo estimates over the draws; the variance uses the unbiased (Z − 1) normalisation
 * (as torch.var does in the NOT code), so Z ≥ 2 when γ > 0. γ = 0 is the strong quadratic cost with α = ½.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors';
import { mapPerRun, perRunOperand, sharedTest, type PerRun } from '../runs';

function check(x: tf.Tensor, draws: tf.Tensor, gamma: PerRun): number {
  for (const g of typeof gamma === 'number' ? [gamma] : gamma) {
    if (!Number.isFinite(g) || g < 0) throw new UserError(`weak cost: gamma must be a finite number ≥ 0, got ${g}`);
  }
  const lead = x.shape.slice(0, -1);
  if (x.rank < 2 || draws.rank !== x.rank + 1 || !tf.util.arraysEqual(draws.shape.slice(0, -2), lead) || draws.shape[draws.rank - 1] !== x.shape[x.rank - 1]) {
    throw new UserError(`weak cost: x must be [B, d] and draws [B, Z, d] (or [R, B, d] and [R, B, Z, d]) with the same B and d, got [${x.shape}] and [${draws.shape}]`);
  }
  const z = draws.shape[draws.rank - 2];
  if (z < 2 && !sharedTest(gamma, (g) => g === 0, 'whether γ = 0')) throw new UserError(`weak cost: the unbiased variance needs Z ≥ 2 draws per x, got Z = ${z}`);
  return z;
}

/**
 * C_γ(x_i, π(·|x_i)) for each row: [B] (or [R, B]). x [B, d], draws T(x_i, z_ij) as [B, Z, d] (or with a leading
 * run axis, γ one per run or shared).
 */
export function gammaWeakCostPerSample(x: tf.Tensor, draws: tf.Tensor, gamma: PerRun): tf.Tensor {
  const z = check(x, draws, gamma);
  return tf.tidy(() => {
    const transport = tf.mul(tf.mean(tf.sum(tf.square(tf.sub(tf.expandDims(x, -2), draws)), -1), -1), 0.5);
    if (sharedTest(gamma, (g) => g === 0, 'whether γ = 0')) return transport; // the strong cost: no variance term (Z = 1 allowed)
    const centred = tf.sub(draws, tf.mean(draws, -2, true));
    const variance = tf.div(tf.sum(tf.square(centred), [-2, -1]), z - 1); // Σ_j unbiased Var_z T_j
    return tf.sub(transport, tf.mul(variance, perRunOperand(mapPerRun(gamma, (g) => g / 2), x.rank - 1)));
  });
}

/** Batch mean of C_γ: a scalar (or one per run). */
export function gammaWeakCostMean(x: tf.Tensor, draws: tf.Tensor, gamma: PerRun): tf.Tensor {
  return tf.tidy(() => tf.mean(gammaWeakCostPerSample(x, draws, gamma), -1));
}
