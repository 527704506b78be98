import type * as tf from '@tensorflow/tfjs-core';
import type { Module, Param } from '../nets';
import type { StepContext } from './context';
import type { MethodName } from './method-name';
import type { TransportPlan } from './plan';

export { METHOD_NAMES, type MethodName } from './method-name';

/** A batch handed to a loss: source points (already smoothed for OTP) and, when drawn, target points. */
export interface Batch {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
}

/** A loss to minimise, and named terms to log (all scalars, all inside the step's tidy scope). */
export interface LossTerms {
  readonly total: tf.Scalar;
  readonly terms: Readonly<Record<string, tf.Scalar>>;
}

/**
 * What makes a method different, and nothing else: its networks, its two losses (the potential or critic
 * step, and the map step repeated K_T times per outer iteration), how it draws its source batch (OTP's
 * smoothing), and the plan it has learned. Optimisers, iteration, checkpoints, logging,
 * progress and divergence checks belong to the loop (lib/solvers/loop.ts).
 */
export interface Method<N extends Record<string, Module> = Record<string, Module>> {
  readonly name: MethodName;
  readonly nets: N;
  /** Parameters updated by the potential (critic) step; the map step updates `mapParams`. */
  readonly potentialParams: readonly Param[];
  readonly mapParams: readonly Param[];
  /** Whether the map step needs target samples (DIOTM's backward map does; OTM's map step does not). */
  readonly mapStepUsesTarget: boolean;
  /** Loss minimised by the potential step (the negative of the objective the potential maximises). */
  potentialLoss(batch: Batch, ctx: StepContext): LossTerms;
  mapLoss(batch: Batch, ctx: StepContext): LossTerms;
  /** Draws the source batch the losses see; default: x itself. OTP returns x + σ_k z (Alg. 1, lines 3 and 7). */
  prepareSource?(x: tf.Tensor2D, ctx: StepContext): tf.Tensor2D;
  /**
   * The learned plan (lib/solvers/plan.ts), for evaluation, `otbook map` and figures: the method's own networks
   * behind it, so it is valid while the method is.
   */
  plan(): TransportPlan;
  /** Values of schedules at this iteration, for logs and progress (e.g. σ_k, γ_k). */
  scheduleValues?(iteration: number): Readonly<Record<string, number>>;
}

export function disposeMethod(m: Method): void {
  for (const net of Object.values(m.nets)) net.dispose();
}
