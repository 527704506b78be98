import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../nets';
import type { PointCloud } from '../points';
import { Rng } from '../random';
import type { BatchSource } from './batch-source';

/**
 * When a run counts as diverged. A run diverges at the first outer iteration whose logged losses (any term) are
 * NaN or ±Inf or exceed the bound below in magnitude, or whose update leaves a parameter NaN or ±Inf.
 *
 * The bound: |loss term| > DIVERGENCE_FACTOR · max(1, S), with S = E‖x‖² + E‖y‖² the data's second moment,
 * estimated on SCALE_SAMPLES points of each side drawn from a stream of their own (so the training stream is
 * untouched and a resumed run gets the same bound). Every loss of the methods here is, for a run that trains, of
 * the order of α·S at most: the transport cost α·E‖x − T(x)‖² ≤ 2α(E‖x‖² + E‖T(x)‖²) with T#μ near ν, and a
 * c-concave potential's values on the data's scale; α ≤ 1 in every configuration of the papers. A factor of a
 * million above that is out of reach of any run that learns, and reached within a few iterations by one whose
 * step size explodes (lr 1e6 on One-to-Many: losses of 1e28 without ever becoming NaN).
 */
export const DIVERGENCE_FACTOR = 1e6;
export const SCALE_SAMPLES = 1024;

function meanSquaredNorm(p: PointCloud): number {
  let s = 0;
  for (let i = 0; i < p.data.length; i++) s += p.data[i] * p.data[i];
  return s / p.n;
}

/** The loss bound of a run (see DIVERGENCE_FACTOR); its stream is seeded from the run's seed only. */
export function lossBound(source: BatchSource, target: BatchSource, seed: number): number {
  const rng = new Rng(4_000_037 + seed);
  const scale = meanSquaredNorm(source.sample(SCALE_SAMPLES, rng)) + meanSquaredNorm(target.sample(SCALE_SAMPLES, rng));
  return DIVERGENCE_FACTOR * Math.max(1, Number.isFinite(scale) ? scale : 1);
}

/** Whether a logged value is acceptable: finite and within the bound. */
export function withinBound(value: number, bound: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= bound;
}

/**
 * Per run of a group ([R]): 0 when every parameter of the run is finite and NaN otherwise (x·0 is NaN exactly
 * for x = ±Inf or NaN), computed on the device so that checking the weights costs a read-back of R numbers.
 */
export function nonFiniteProbe(params: readonly Param[]): tf.Tensor1D {
  return tf.tidy(() => tf.addN(params.map((p) => tf.sum(tf.mul(p.variable, 0), p.variable.shape.slice(1).map((_, i) => i + 1)))) as tf.Tensor1D);
}
