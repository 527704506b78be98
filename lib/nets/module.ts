import * as tf from '@tensorflow/tfjs-core';

/** A named trainable parameter. Names are ours (stable, for checkpoints); tfjs variable names stay unique. */
export interface Param {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** Anything with trainable parameters. */
export interface Module {
  readonly params: readonly Param[];
  dispose(): void;
}

export function variablesOf(m: Module): tf.Variable[] {
  return m.params.map((p) => p.variable);
}

export function countParameters(m: Module): number {
  return m.params.reduce((s, p) => s + p.variable.size, 0);
}

export function disposeParams(params: readonly Param[]): void {
  for (const p of params) p.variable.dispose();
}

/** A potential V: R^d → R, evaluated on a batch [B, d] → [B]. */
export interface Potential extends Module {
  readonly kind: string;
  readonly dim: number;
  value(y: tf.Tensor2D): tf.Tensor1D;
}

/**
 * A transport map T: R^d → R^d, deterministic (noiseDim = 0) or stochastic T(x, z) with z ~ N(0, noiseStd² I)
 * of dimension noiseDim concatenated to the input (OTP App. E.1: noiseDim = d; NOT: z of dimension 2, std 0.1).
 */
export interface TransportMap extends Module {
  readonly kind: string;
  readonly dim: number;
  readonly noiseDim: number;
  readonly noiseStd: number;
  apply(x: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D;
}

/** A time-conditioned potential V(t, x) (DIOTM), t of shape [B] in [0, 1]. */
export interface TimePotential extends Module {
  readonly kind: string;
  readonly dim: number;
  value(t: tf.Tensor1D, x: tf.Tensor2D): tf.Tensor1D;
}
