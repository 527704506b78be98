import type * as tf from '@tensorflow/tfjs-core';
import type { Module, Param } from '../nets';
import type { StepContext } from './context';
import type { MethodName } from './method-name';
import type { TransportPlan } from './plan';

export { METHOD_NAMES, type MethodName } from './method-name';

/**
 * A batch handed to a loss, for the R runs of a group (R = 1: a run alone): source points [R, B, d] (already
 * smoothed for OTP) and, when drawn, target points [R, B, d]. Run r's rows are run r's own draws.
 */
export interface Batch {
  readonly x: tf.Tensor3D;
  readonly y: tf.Tensor3D;
}

/**
 * A loss to minimise, one value per run ([R]), and named terms to log (also [R]); all inside the step's tidy
 * scope. The loop descends Σ_r total_r: each run's parameters get exactly the gradient of its own loss.
 */
export interface LossTerms {
  readonly total: tf.Tensor1D;
  readonly terms: Readonly<Record<string, tf.Tensor1D>>;
}

/**
 * What makes a method different, and nothing else: its networks, its two losses (the potential or critic
 * step, and the map step repeated K_T times per outer iteration), how it draws its source batch (OTP's
 * smoothing), and the plan it has learned. Optimisers, iteration, checkpoints, logging, progress and divergence
 * checks belong to the loop (lib/solvers/loop.ts).
 *
 * A method is built for a group of `runs` runs (lib/runs.ts): its networks carry a leading run axis and its
 * losses reduce over samples only (axis −1 of per-sample values), never over runs. Written that way once, the
 * same code trains one run or many.
 */
export interface Method<N extends Record<string, Module> = Record<string, Module>> {
  readonly name: MethodName;
  readonly runs: number;
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
  prepareSource?(x: tf.Tensor3D, ctx: StepContext): tf.Tensor3D;
  /**
   * The plan learned by run `run` (default 0), for evaluation, `otbook map` and figures (lib/solvers/plan.ts):
   * it holds its own copy of that run's map, so it stays valid after the method is disposed.
   */
  plan(run?: number): TransportPlan;
  /** Values of schedules at this iteration for a run, for logs and progress (e.g. σ_k, γ_k). */
  scheduleValues?(iteration: number, run: number): Readonly<Record<string, number>>;
}

export function disposeMethod(m: Method): void {
  for (const net of Object.values(m.nets)) net.dispose();
}
