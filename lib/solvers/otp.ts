import * as tf from '@tensorflow/tfjs-core';
import { noiseAt, type NoiseSchedule } from '../schedules';
import type { StepContext } from './context';
import type { Method } from './method';
import { otmMethod, type SemiDualNets } from './otm';
import { mapPlan, smoothAtLevel } from './plan';
import type { SemiDualOptions } from './semi-dual';

/** x̃ at the noise level of outer iteration k (OTP Eq. 21, Alg. 1 lines 3 and 7), z drawn from the run's stream. */
export function smoothSourceAt(x: tf.Tensor2D, schedule: NoiseSchedule, iteration: number, ctx: StepContext): tf.Tensor2D {
  return smoothAtLevel(x, noiseAt(iteration, schedule), ctx.rng);
}

export interface OtpOptions extends SemiDualOptions {
  /** ε_k over the outer iterations (lib/schedules: Eq. 38 linear, Eq. 39 VP, or constant for OTP-CNS). */
  readonly schedule: NoiseSchedule;
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
  const { schedule } = options;
  const last = Math.max(0, options.totalIterations - 1);
  return {
    ...base,
    name: 'otp',
    prepareSource: (x, ctx) => smoothSourceAt(x, schedule, ctx.iteration, ctx),
    plan: () => mapPlan('otp', nets.map, { smoothing: noiseAt(last, schedule) }),
    scheduleValues: (k) => ({ sigma: noiseAt(k, schedule).sigma }),
  };
}
