import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

/**
 * A named trainable parameter. Names are ours (stable, for checkpoints); tfjs variable names stay unique. Its
 * variable has a leading run axis: [R, …shape of one run's parameter] (lib/runs.ts).
 */
export interface Param {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** Anything with trainable parameters, for a group of `runs` independent runs (1: a run alone). */
export interface Module {
  readonly params: readonly Param[];
  readonly runs: number;
  dispose(): void;
}

export function variablesOf(m: Module): tf.Variable[] {
  return m.params.map((p) => p.variable);
}

/** Parameters of one run. */
export function countParameters(m: Module): number {
  return m.params.reduce((s, p) => s + p.variable.size, 0) / m.runs;
}

export function disposeParams(params: readonly Param[]): void {
  for (const p of params) p.variable.dispose();
}

/** One Rng per run: a single Rng is a group of one. */
export function runRngs(rng: Rng | readonly Rng[]): readonly Rng[] {
  return Array.isArray(rng) ? (rng as readonly Rng[]) : [rng as Rng];
}

/**
 * A parameter of R runs initialised run by run: run r's values are `draw(rngs[r])`, drawn in the order a run alone
 * draws them, so a run's initial weights do not depend on the group it is in.
 */
export function perRunVariable(rngs: readonly Rng[], shape: readonly number[], draw: (rng: Rng, size: number) => Float32Array): tf.Variable {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(rngs.length * size);
  rngs.forEach((rng, r) => values.set(draw(rng, size), r * size));
  return tf.variable(tf.tensor(values, [rngs.length, ...shape]));
}

/** A copy of run r's slice of a parameter, as a variable of one run ([1, …]). */
export function selectVariable(v: tf.Variable, run: number): tf.Variable {
  const runs = v.shape[0];
  if (!Number.isInteger(run) || run < 0 || run >= runs) throw new Error(`select: run ${run} of a group of ${runs}`);
  return tf.tidy(() => tf.variable(tf.slice(v, [run, ...v.shape.slice(1).map(() => 0)], [1, ...v.shape.slice(1)]), v.trainable));
}

/** Evaluated on a batch [R, B, d] → [R, B]; `select(r)` is run r alone, with its own copy of the weights. */
export interface Potential extends Module {
  readonly kind: string;
  readonly dim: number;
  value(y: tf.Tensor3D): tf.Tensor2D;
  select(run: number): Potential;
}

/**
 * A transport map T: R^d → R^d on batches [R, B, d], deterministic (noiseDim = 0) or stochastic T(x, z) with
 * z ~ N(0, noiseStd² I) of dimension noiseDim concatenated to the input (OTP App. E.1: noiseDim = d; NOT: z of
 * dimension 2, std 0.1).
 */
export interface TransportMap extends Module {
  readonly kind: string;
  readonly dim: number;
  readonly noiseDim: number;
  readonly noiseStd: number;
  apply(x: tf.Tensor3D, z?: tf.Tensor3D): tf.Tensor3D;
  select(run: number): TransportMap;
}

/** A time-conditioned potential V(t, x) (DIOTM), t of shape [R, B] in [0, 1], x [R, B, d] → [R, B]. */
export interface TimePotential extends Module {
  readonly kind: string;
  readonly dim: number;
  value(t: tf.Tensor2D, x: tf.Tensor3D): tf.Tensor2D;
  select(run: number): TimePotential;
}

/** Drops the trailing axis of size 1: [R, B, 1] → [R, B]. */
export function squeezeLast(t: tf.Tensor3D): tf.Tensor2D {
  return tf.reshape(t, [t.shape[0], t.shape[1]]);
}
