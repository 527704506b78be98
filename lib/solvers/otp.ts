import type * as tf from '@tensorflow/tfjs-core';
import { noiseAt, smoothTensor, type NoiseLevel, type NoiseSchedule } from '../schedules';
import { sharedTest } from '../runs';
import type { StepContext } from './context';
import type { Method } from './method';
import { otmMethod, type SemiDualNets } from './otm';
import { mapPlan } from './plan';
import type { SemiDualOptions } from './semi-dual';

/**
 * x̃ of each run at its noise level (OTP Eq. 21, Alg. 1 lines 3 and 7), z drawn from each run's stream. The runs
 * of a group share the smoothing form and whether ε_k > 0 (a run at ε_k = 0 draws no z).
 */
export function smoothRuns(x: tf.Tensor3D, levels: readonly NoiseLevel[], ctx: StepContext): tf.Tensor3D {
  const epsilons = levels.map((l) => l.epsilon);
  if (!sharedTest(epsilons, (e) => e > 0, 'whether the source is smoothed at this iteration (ε_k > 0)')) return x;
  if (levels.some((l) => l.smoothing !== levels[0].smoothing)) throw new Error('the runs of a group must share the smoothing form (gaussian or variance-preserving)');
  return smoothTensor(x, ctx.normals(x.shape[1], x.shape[2]), epsilons, levels[0].smoothing);
}

export interface OtpOptions extends SemiDualOptions {
  /** ε_k over the outer iterations (lib/schedules: Eq. 38 linear, Eq. 39 VP, or constant for OTP-CNS); one per run where a group's differ. */
  readonly schedule: NoiseSchedule | readonly NoiseSchedule[];
  /** Total outer iterations K: the plan is evaluated at the last level, ε_min (Sec. 4, 'Algorithm'). */
  readonly totalIterations: number;
}

/**
 * OTP: semi-dual neural OT between the smoothed source μ_{ε_k} and ν, with ε_k decreasing over training
 * (OTP Eq. 20, Algorithm 1). The learned plan is x ↦ x̃ at ε_min ↦ T(x̃), as the paper evaluates it: the plan
 * owns that smoothing (the level of the last outer iteration K − 1).
 * OTP-CNS (App. F.2) is the constant schedule at σ_min; the ICNN variant (App. F.1) uses the ICNN potential.
 */
export function otpMethod(nets: SemiDualNets, options: OtpOptions): Method<SemiDualNets> {
  const base = otmMethod(nets, options);
  const schedules: readonly NoiseSchedule[] = Array.isArray(options.schedule) ? options.schedule : new Array<NoiseSchedule>(base.runs).fill(options.schedule as NoiseSchedule);
  if (schedules.length !== base.runs) throw new Error(`otp: ${schedules.length} noise schedules for ${base.runs} runs`);
  const last = Math.max(0, options.totalIterations - 1);
  return {
    ...base,
    name: 'otp',
    prepareSource: (x, ctx) => smoothRuns(x, schedules.map((s) => noiseAt(ctx.iteration, s)), ctx),
    plan: (run = 0) => mapPlan('otp', nets.map.select(run), { smoothing: noiseAt(last, schedules[run]) }),
    scheduleValues: (k, run) => ({ sigma: noiseAt(k, schedules[run]).sigma }),
  };
}
