import * as tf from '@tensorflow/tfjs-core';
import { noiseAt, smoothTensor, type NoiseSchedule } from '../schedules';
import type { StepContext } from './context';
import type { Method } from './method';
import { otmMethod, type SemiDualNets } from './otm';
import type { SemiDualOptions } from './semi-dual';

/** x̃ at the noise level of outer iteration k (OTP Eq. 21, Alg. 1 lines 3 and 7), z drawn from the run's stream. */
export function smoothSourceAt(x: tf.Tensor2D, schedule: NoiseSchedule, iteration: number, ctx: StepContext): tf.Tensor2D {
  const level = noiseAt(iteration, schedule);
  if (level.epsilon <= 0) return x;
  return smoothTensor(x, ctx.normal2d(x.shape[0], x.shape[1]), level.epsilon, level.smoothing);
}

export interface OtpOptions extends SemiDualOptions {
  /** ε_k over the outer iterations (lib/schedules: Eq. 38 linear, Eq. 39 VP, or constant for OTP-CNS). */
  readonly schedule: NoiseSchedule;
  /** Total outer iterations K: the plan is evaluated at the last level, ε_min (Sec. 4, 'Algorithm'). */
  readonly totalIterations: number;
}

/**
 * OTP: semi-dual neural OT between the smoothed source μ_{ε_k} and ν, with ε_k decreasing over training
 * (OTP Eq. 20, Algorithm 1). The learned plan is x ↦ x̃ at ε_min ↦ T(x̃), as the paper evaluates it.
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
    transport: (x, ctx) => base.transport(smoothSourceAt(x, schedule, last, ctx), ctx),
    scheduleValues: (k) => ({ sigma: noiseAt(k, schedule).sigma }),
  };
}
