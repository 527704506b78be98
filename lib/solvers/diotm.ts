import * as tf from '@tensorflow/tfjs-core';
import type { TimePotential, TransportMap } from '../nets';
import { mapPerRun, perRunOperand, sharedTest, type PerRun } from '../runs';
import type { StepContext } from './context';
import type { Method } from './method';
import { mapPlan } from './plan';
import { mapNoise } from './semi-dual';

/** Regularizers of the value function compared in DIOTM Table 3 (line 4 of its Algorithm 1). */
export const DIOTM_REGULARIZER_NAMES = ['hjb', 'r1', 'otm', 'none'] as const;
export type DiotmRegularizer = (typeof DIOTM_REGULARIZER_NAMES)[number];

export interface DiotmOptions {
  /** α of the cost α‖x − y‖²; one per run where a group's differ. */
  readonly alpha: PerRun;
  /** Weight λ of the regularizer (DIOTM's study: λ ∈ {0.1, 0.2, 1, 10}); the runs of a group agree on λ > 0. */
  readonly lambda: PerRun;
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
function interpolants(nets: DiotmNets, x: tf.Tensor3D, y: tf.Tensor3D, ctx: StepContext) {
  const tx = ctx.uniforms(x.shape[1]);
  const ty = ctx.uniforms(y.shape[1]);
  const Tx = nets.forward.apply(x, mapNoise(nets.forward, x.shape[1], ctx));
  const Sy = nets.backward.apply(y, mapNoise(nets.backward, y.shape[1], ctx));
  const wx = tf.expandDims(tx, -1);
  const wy = tf.expandDims(ty, -1);
  const xt = tf.add(tf.mul(tf.sub(1, wx), x), tf.mul(wx, Tx)) as tf.Tensor3D;
  const yt = tf.add(tf.mul(tf.sub(1, wy), Sy), tf.mul(wy, y)) as tf.Tensor3D;
  return { tx, ty, Tx, Sy, xt, yt };
}

/**
 * HJB residual of the value function, E|2α·∂_t V + ½‖∇_x V‖²| at the points (t, x) ([R, B], [R, B, d] → [R]):
 * zero for the optimal V (the HJB equation of the displacement interpolation's value function). Differentiable
 * in V's parameters.
 */
export function hjbResidual(potential: TimePotential, t: tf.Tensor2D, x: tf.Tensor3D, alpha: PerRun): tf.Tensor1D {
  const [dt, dx] = tf.grads((tt: tf.Tensor, xx: tf.Tensor) => tf.sum(potential.value(tt as tf.Tensor2D, xx as tf.Tensor3D)))([t, x]);
  const residual = tf.add(tf.mul(perRunOperand(mapPerRun(alpha, (a) => 2 * a), 2), dt), tf.mul(0.5, tf.sum(tf.square(dx), -1)));
  return tf.mean(tf.abs(residual), -1) as tf.Tensor1D;
}

/** E‖∇_x V(t, x)‖² at the points (t, x), per run. */
function gradientNormSquared(potential: TimePotential, t: tf.Tensor2D, x: tf.Tensor3D): tf.Tensor1D {
  const g = tf.grad((xx: tf.Tensor) => tf.sum(potential.value(t, xx as tf.Tensor3D)))(x);
  return tf.mean(tf.sum(tf.square(g), -1), -1) as tf.Tensor1D;
}

/**
 * The regularizer of line 4 of DIOTM's Algorithm 1 (weighted by λ by the caller), per run:
 * - 'hjb': the HJB residual on both sides' generated interpolants (DIOTM Eq. 19), averaged over the two sides;
 * - 'r1': R1 (Roth et al. 2017), ½E‖∇_x V(t, ·)‖² on the same interpolants (our reading: the same points as
 *   HJB, so that only the form of the penalty differs);
 * - 'otm': the regularizer of OTM's public code, ½E‖∇_y V(1, y)‖² on target samples (V at t = 1 plays OTM's V).
 */
export function diotmRegularizer(
  kind: DiotmRegularizer,
  potential: TimePotential,
  points: { tx: tf.Tensor2D; xt: tf.Tensor3D; ty: tf.Tensor2D; yt: tf.Tensor3D; y: tf.Tensor3D },
  alpha: PerRun,
): tf.Tensor1D | null {
  switch (kind) {
    case 'hjb':
      return tf.mul(0.5, tf.add(hjbResidual(potential, points.tx, points.xt, alpha), hjbResidual(potential, points.ty, points.yt, alpha))) as tf.Tensor1D;
    case 'r1':
      return tf.mul(0.25, tf.add(gradientNormSquared(potential, points.tx, points.xt), gradientNormSquared(potential, points.ty, points.yt))) as tf.Tensor1D;
    case 'otm':
      return tf.mul(0.5, gradientNormSquared(potential, tf.ones([points.y.shape[0], points.y.shape[1]]) as tf.Tensor2D, points.y)) as tf.Tensor1D;
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
    runs: forward.runs,
    nets,
    potentialParams: potential.params,
    mapParams: [...forward.params, ...backward.params],
    mapStepUsesTarget: true,
    potentialLoss({ x, y }, ctx) {
      const p = interpolants(nets, x, y, ctx);
      const vx = tf.mean(potential.value(p.tx, p.xt), -1) as tf.Tensor1D;
      const vy = tf.mean(potential.value(p.ty, p.yt), -1) as tf.Tensor1D;
      let total = tf.sub(vx, vy) as tf.Tensor1D;
      const terms: Record<string, tf.Tensor1D> = { vx, vy };
      const reg = sharedTest(options.lambda, (l) => l > 0, 'whether the regularizer is on (λ > 0)') ? diotmRegularizer(options.regularizer, potential, { ...p, y }, alpha) : null;
      if (reg) {
        terms[options.regularizer] = reg;
        total = tf.add(total, tf.mul(perRunOperand(options.lambda, 1), reg)) as tf.Tensor1D;
      }
      return { total, terms };
    },
    mapLoss({ x, y }, ctx) {
      const p = interpolants(nets, x, y, ctx);
      const costX = tf.mean(tf.mul(p.tx, tf.sum(tf.square(tf.sub(x, p.Tx)), -1)), -1);
      const costY = tf.mean(tf.mul(tf.sub(1, p.ty), tf.sum(tf.square(tf.sub(p.Sy, y)), -1)), -1);
      const cost = tf.mul(perRunOperand(alpha, 1), tf.add(costX, costY)) as tf.Tensor1D;
      const vx = tf.mean(potential.value(p.tx, p.xt), -1);
      const vy = tf.mean(potential.value(p.ty, p.yt), -1);
      return { total: tf.add(tf.sub(cost, vx), vy) as tf.Tensor1D, terms: { cost } };
    },
    plan: (run = 0) => mapPlan('diotm', forward.select(run)),
  };
}
