import * as tf from '@tensorflow/tfjs-core';
import type { TimePotential, TransportMap } from '../nets';
import type { StepContext } from './context';
import type { Method } from './method';
import { mapPlan } from './plan';
import { mapNoise } from './semi-dual';

/** Regularizers of the value function compared in DIOTM Table 3 (line 4 of its Algorithm 1). */
export type DiotmRegularizer = 'hjb' | 'r1' | 'otm' | 'none';
export const DIOTM_REGULARIZERS: readonly DiotmRegularizer[] = ['hjb', 'r1', 'otm', 'none'];

export interface DiotmOptions {
  /** α of the cost α‖x − y‖². */
  readonly alpha: number;
  /** Weight λ of the regularizer (DIOTM's study: λ ∈ {0.1, 0.2, 1, 10}). */
  readonly lambda: number;
  readonly regularizer: DiotmRegularizer;
}

export interface DiotmNets {
  /** V(t, x). */
  readonly potential: TimePotential;
  /** T: μ → ν. */
  readonly forward: TransportMap;
  /** S: ν → μ. */
  readonly backward: TransportMap;
  [name: string]: TimePotential | TransportMap;
}

/**
 * The generated interpolants of DIOTM: x_t = (1 − t)x + t·T(x) and y_t = (1 − t)S(y) + t·y, with t ~ U[0, 1]
 * drawn independently for the two sides. (diotm.txt lost its equations; these are the project's derived forms.)
 */
function interpolants(nets: DiotmNets, x: tf.Tensor2D, y: tf.Tensor2D, ctx: StepContext) {
  const tx = ctx.uniform1d(x.shape[0]);
  const ty = ctx.uniform1d(y.shape[0]);
  const Tx = nets.forward.apply(x, mapNoise(nets.forward, x.shape[0], ctx));
  const Sy = nets.backward.apply(y, mapNoise(nets.backward, y.shape[0], ctx));
  const wx = tf.reshape(tx, [-1, 1]);
  const wy = tf.reshape(ty, [-1, 1]);
  const xt = tf.add(tf.mul(tf.sub(1, wx), x), tf.mul(wx, Tx)) as tf.Tensor2D;
  const yt = tf.add(tf.mul(tf.sub(1, wy), Sy), tf.mul(wy, y)) as tf.Tensor2D;
  return { tx, ty, Tx, Sy, xt, yt };
}

/**
 * HJB residual of the value function, E|2α·∂_t V + ½‖∇_x V‖²| at the points (t, x): zero for the optimal V
 * (the HJB equation of the displacement interpolation's value function). Differentiable in V's parameters.
 */
export function hjbResidual(potential: TimePotential, t: tf.Tensor1D, x: tf.Tensor2D, alpha: number): tf.Scalar {
  const [dt, dx] = tf.grads((tt: tf.Tensor, xx: tf.Tensor) => tf.sum(potential.value(tt as tf.Tensor1D, xx as tf.Tensor2D)))([t, x]);
  const residual = tf.add(tf.mul(2 * alpha, dt), tf.mul(0.5, tf.sum(tf.square(dx), 1)));
  return tf.mean(tf.abs(residual)) as tf.Scalar;
}

/** E‖∇_x V(t, x)‖² at the points (t, x). */
function gradientNormSquared(potential: TimePotential, t: tf.Tensor1D, x: tf.Tensor2D): tf.Scalar {
  const g = tf.grad((xx: tf.Tensor) => tf.sum(potential.value(t, xx as tf.Tensor2D)))(x);
  return tf.mean(tf.sum(tf.square(g), 1)) as tf.Scalar;
}

/**
 * The regularizer of line 4 of DIOTM's Algorithm 1 (weighted by λ by the caller):
 * - 'hjb': the HJB residual on both sides' generated interpolants (DIOTM Eq. 19), averaged over the two sides;
 * - 'r1': R1 (Roth et al. 2017), ½E‖∇_x V(t, ·)‖² on the same interpolants (our reading: the same points as
 *   HJB, so that only the form of the penalty differs);
 * - 'otm': the regularizer of OTM's public code, ½E‖∇_y V(1, y)‖² on target samples (V at t = 1 plays OTM's V).
 */
export function diotmRegularizer(
  kind: DiotmRegularizer,
  potential: TimePotential,
  points: { tx: tf.Tensor1D; xt: tf.Tensor2D; ty: tf.Tensor1D; yt: tf.Tensor2D; y: tf.Tensor2D },
  alpha: number,
): tf.Scalar | null {
  switch (kind) {
    case 'hjb':
      return tf.mul(0.5, tf.add(hjbResidual(potential, points.tx, points.xt, alpha), hjbResidual(potential, points.ty, points.yt, alpha))) as tf.Scalar;
    case 'r1':
      return tf.mul(0.25, tf.add(gradientNormSquared(potential, points.tx, points.xt), gradientNormSquared(potential, points.ty, points.yt))) as tf.Scalar;
    case 'otm':
      return tf.mul(0.5, gradientNormSquared(potential, tf.ones([points.y.shape[0]]) as tf.Tensor1D, points.y)) as tf.Scalar;
    case 'none':
      return null;
  }
}

/**
 * DIOTM (Choi, Chen & Choi 2024): displacement-interpolation OT. With x_t, y_t the interpolants above,
 *   sup_V inf_{T,S} E_{t,x}[α·t‖x − T(x)‖² − V(t, x_t)] + E_{t,y}[α(1 − t)‖S(y) − y‖² + V(t, y_t)].
 * At t = 1 the x-term is OTM's map loss. Map step: T and S minimise the objective; potential step: V
 * maximises it (minimises E V(t, x_t) − E V(t, y_t)) plus λ·R(V).
 */
export function diotmMethod(nets: DiotmNets, options: DiotmOptions): Method<DiotmNets> {
  const { potential, forward, backward } = nets;
  const alpha = options.alpha;
  return {
    name: 'diotm',
    nets,
    potentialParams: potential.params,
    mapParams: [...forward.params, ...backward.params],
    mapStepUsesTarget: true,
    potentialLoss({ x, y }, ctx) {
      const p = interpolants(nets, x, y, ctx);
      const vx = tf.mean(potential.value(p.tx, p.xt)) as tf.Scalar;
      const vy = tf.mean(potential.value(p.ty, p.yt)) as tf.Scalar;
      let total = tf.sub(vx, vy) as tf.Scalar;
      const terms: Record<string, tf.Scalar> = { vx, vy };
      const reg = options.lambda > 0 ? diotmRegularizer(options.regularizer, potential, { ...p, y }, alpha) : null;
      if (reg) {
        terms[options.regularizer] = reg;
        total = tf.add(total, tf.mul(options.lambda, reg)) as tf.Scalar;
      }
      return { total, terms };
    },
    mapLoss({ x, y }, ctx) {
      const p = interpolants(nets, x, y, ctx);
      const costX = tf.mean(tf.mul(p.tx, tf.sum(tf.square(tf.sub(x, p.Tx)), 1)));
      const costY = tf.mean(tf.mul(tf.sub(1, p.ty), tf.sum(tf.square(tf.sub(p.Sy, y)), 1)));
      const cost = tf.mul(alpha, tf.add(costX, costY)) as tf.Scalar;
      const vx = tf.mean(potential.value(p.tx, p.xt));
      const vy = tf.mean(potential.value(p.ty, p.yt));
      return { total: tf.add(tf.sub(cost, vx), vy) as tf.Scalar, terms: { cost } };
    },
    plan: () => mapPlan('diotm', forward),
  };
}
