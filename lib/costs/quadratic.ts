/**
 * The quadratic cost, and THE place where otbook's conventions for it are written down.
 *
 *  • Training cost (OTP Sec. 2, App. E): c(x, y) = α‖x − y‖². App. E.1 uses α = 1 (α = 0.01 at d = 256),
 *    App. E.2 α = 0.1 (MNIST) and 0.001 (image-to-image). `alpha` below is this α.
 *  • The theorems and Examples 1–3 of OTP Sec. 3 use c = ½‖x − y‖², i.e. α = ½ (so their "𝒯(μ, ν) = 1/3" for
 *    Perpendicular at d = 2 is ½·W2² = ½·(2/3)).
 *  • W2² has no α and no ½: W2²(μ, ν) = min_π E_π‖x − y‖² (lib/data/closed-forms.ts).
 *    Minimising E α‖x − y‖² gives the same plan for every α > 0; only the value scales by α.
 *  • OTP's metrics (Sec. 5.1) are in W2² units, without α:
 *      D_cost = |W2²(μ, ν) − E_μ‖T(x) − x‖²|  (lib/metrics/discrete.ts: costError, meanTransportCost),
 *      D_target = W2²(T#μ, ν).
 *    A solver trained with α reports its learned transport cost as α·E‖T(x) − x‖²: divide by α before comparing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors';
import { perRunOperand, type PerRun } from '../runs';

function checkAlpha(alpha: PerRun): void {
  for (const a of typeof alpha === 'number' ? [alpha] : alpha) {
    if (!(a > 0) || !Number.isFinite(a)) throw new UserError(`quadratic cost: alpha must be a finite number > 0, got ${a}`);
  }
}

function checkShapes(x: tf.Tensor, y: tf.Tensor): void {
  if (x.rank < 2 || !tf.util.arraysEqual(x.shape, y.shape)) {
    throw new UserError(`quadratic cost: x and y must both be [B, d] (or [R, B, d] for R runs) with equal shapes, got [${x.shape}] and [${y.shape}]`);
  }
}

/** α‖x_i − y_i‖² for each row i: [B] (or [R, B] for R runs, α one per run or shared). */
export function quadraticCostPerSample<T extends tf.Tensor2D | tf.Tensor3D>(x: T, y: T, alpha: PerRun = 1): tf.Tensor {
  checkAlpha(alpha);
  checkShapes(x, y);
  return tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(x, y)), -1), perRunOperand(alpha, x.rank - 1)));
}

/**
 * (1/B) Σ_i α‖x_i − y_i‖², the batch estimate of E c(x, T(x)): a scalar for [B, d], or one per run [R] for
 * [R, B, d].
 */
export function quadraticCostMean(x: tf.Tensor2D, y: tf.Tensor2D, alpha?: number): tf.Scalar;
export function quadraticCostMean(x: tf.Tensor3D, y: tf.Tensor3D, alpha?: PerRun): tf.Tensor1D;
export function quadraticCostMean(x: tf.Tensor2D | tf.Tensor3D, y: tf.Tensor2D | tf.Tensor3D, alpha: PerRun = 1): tf.Tensor {
  checkAlpha(alpha);
  checkShapes(x, y);
  return tf.tidy(() => tf.mul(tf.mean(tf.sum(tf.square(tf.sub(x, y)), -1), -1), perRunOperand(alpha, x.rank - 2)));
}
