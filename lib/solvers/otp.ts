import * as tf from '@tensorflow/tfjs-core';
import type { Method } from './method';
import type { StepContext } from './context';
import { otmMethod, type SemiDualNets } from './otm';
import type { SemiDualOptions } from './semi-dual';

/**
 * How OTP smooths the source (OTP Eq. 21, Alg. 1 lines 3 and 7): x̃ = x + √ε_k z ('additive', μ ∗ N(0, ε_k I)),
 * or x̃ = √(1 − ε_k) x + √ε_k z ('vp', variance preserving). ε_k = σ_k² for the σ schedules of App. E.1.
 */
export interface SourceSmoothing {
  readonly form: 'additive' | 'vp';
  /** ε_k at outer iteration k (0-based). */
  epsilon(iteration: number): number;
  /** ε used to evaluate the learned plan: the last, smallest level (ε_min; Sec. 4, 'Algorithm'). */
  readonly epsilonEval: number;
  /** Name of the schedule, for logs ('linear', 'vp', 'constant'). */
  readonly schedule: string;
}

export function smoothSource(x: tf.Tensor2D, epsilon: number, form: SourceSmoothing['form'], ctx: StepContext): tf.Tensor2D {
  if (epsilon <= 0) return x;
  const z = ctx.normal2d(x.shape[0], x.shape[1]);
  const scaled = form === 'vp' ? tf.mul(x, Math.sqrt(1 - epsilon)) : x;
  return tf.add(scaled, tf.mul(z, Math.sqrt(epsilon))) as tf.Tensor2D; // OTP Eq. 21
}

/**
 * OTP: semi-dual neural OT between the smoothed source μ_{ε_k} and ν, with ε_k decreasing over training
 * (OTP Eq. 20, Algorithm 1). The learned plan is x ↦ x̃ at ε_min ↦ T(x̃), as the paper evaluates it (Sec. 4).
 * OTP-CNS (App. F.2) is the constant schedule at ε_min; the ICNN variant (App. F.1) uses the ICNN potential.
 */
export function otpMethod(nets: SemiDualNets, options: SemiDualOptions & { readonly smoothing: SourceSmoothing }): Method<SemiDualNets> {
  const base = otmMethod(nets, options);
  const { smoothing } = options;
  return {
    ...base,
    name: 'otp',
    prepareSource: (x, ctx) => smoothSource(x, smoothing.epsilon(ctx.iteration), smoothing.form, ctx),
    transport: (x, ctx) => base.transport(smoothSource(x, smoothing.epsilonEval, smoothing.form, ctx), ctx),
    scheduleValues: (k) => ({ sigma: Math.sqrt(smoothing.epsilon(k)) }),
  };
}
