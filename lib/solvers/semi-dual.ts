import * as tf from '@tensorflow/tfjs-core';
import { quadraticCostMean } from '../costs';
import type { Potential, TransportMap } from '../nets';
import { mapPerRun, perRunOperand, sharedTest, type PerRun } from '../runs';
import type { StepContext } from './context';
import type { Batch, LossTerms } from './method';

export interface SemiDualOptions {
  /** The cost's α in c(x, y) = α‖x − y‖² (App. E.1: 1, or 0.01 at d = 256); one per run where a group's differ. */
  readonly alpha: PerRun;
  /**
   * Weight λ of the R1 penalty (λ/2)·E‖∇V(y)‖² on target samples, as λ is used in the authors' public code
   * (App. E.1: λ = 1 at d = 256, else 0). The runs of a group agree on whether λ > 0.
   */
  readonly r1: PerRun;
}

/** Draws the map's noise input when it is stochastic (OTM-s, NOT): z ~ N(0, noiseStd² I), [R, rows, noiseDim]. */
export function mapNoise(map: TransportMap, rows: number, ctx: StepContext): tf.Tensor3D | undefined {
  return map.noiseDim > 0 ? ctx.normals(rows, map.noiseDim, map.noiseStd) : undefined;
}

/** (λ/2)·E‖∇_y V(y)‖² for each run ([R]), differentiable with respect to V's parameters (a gradient of a gradient). */
export function r1Penalty(potential: Potential, y: tf.Tensor3D, lambda: PerRun): tf.Tensor1D {
  // Σ over all runs' values: each run's gradient is its own (the runs share no parameter).
  const g = tf.grad((yy: tf.Tensor) => tf.sum(potential.value(yy as tf.Tensor3D)))(y);
  return tf.mul(perRunOperand(mapPerRun(lambda, (l) => l / 2), 1), tf.mean(tf.sum(tf.square(g), -1), -1)) as tf.Tensor1D;
}

/**
 * Potential step of semi-dual neural OT (OTP Eq. 9, Alg. 1 line 4): V maximises −E V(T(x)) + E V(y), so the
 * loop minimises E V(T(x)) − E V(y) (+ the R1 penalty). T is held fixed (only V's variables get gradients).
 */
export function semiDualPotentialLoss(potential: Potential, map: TransportMap, batch: Batch, ctx: StepContext, options: SemiDualOptions): LossTerms {
  const tx = map.apply(batch.x, mapNoise(map, batch.x.shape[1], ctx));
  const vT = tf.mean(potential.value(tx), -1) as tf.Tensor1D;
  const vY = tf.mean(potential.value(batch.y), -1) as tf.Tensor1D;
  let total = tf.sub(vT, vY) as tf.Tensor1D;
  const terms: Record<string, tf.Tensor1D> = { vT, vY };
  if (sharedTest(options.r1, (l) => l > 0, 'whether the R1 penalty is on (λ > 0)')) {
    terms.r1 = r1Penalty(potential, batch.y, options.r1);
    total = tf.add(total, terms.r1) as tf.Tensor1D;
  }
  return { total, terms };
}

/**
 * Map step (Eq. 9 inner problem, Alg. 1 line 8): T minimises E[c(x, T(x)) − V(T(x))]. The + E V(y) of line 8
 * does not depend on T and is left out.
 */
export function semiDualMapLoss(potential: Potential, map: TransportMap, batch: Batch, ctx: StepContext, options: SemiDualOptions): LossTerms {
  const tx = map.apply(batch.x, mapNoise(map, batch.x.shape[1], ctx));
  const cost = quadraticCostMean(batch.x, tx, options.alpha);
  const vT = tf.mean(potential.value(tx), -1) as tf.Tensor1D;
  return { total: tf.sub(cost, vT) as tf.Tensor1D, terms: { cost } };
}
