import * as tf from '@tensorflow/tfjs-core';
import { gammaWeakCostMean } from '../costs';
import type { Potential, TransportMap } from '../nets';
import type { StepContext } from './context';
import type { Method } from './method';
import { mapPlan } from './plan';
import { mapNoise } from './semi-dual';

export interface NotOptions {
  /** α of the transport cost α‖x − y‖² (NOT's ½‖x − y‖² is α = ½). */
  readonly alpha: number;
  /** γ of the γ-weak cost (NOT's 2-D toy: γ = 1). */
  readonly gamma: number;
  /** γ grows linearly from 0 to `gamma` over this many outer iterations (NOT's images: 25K); 0 for none. */
  readonly gammaWarmup: number;
  /** Draws of T(x, z) per x (NOT: Z_SIZE = 4 for the toy, 8 for images). */
  readonly zSize: number;
}

export interface NotNets {
  /** NOT's f (the potential). */
  readonly potential: Potential;
  /** The stochastic map T(x, z). */
  readonly map: TransportMap;
  [name: string]: Potential | TransportMap;
}

export function gammaAt(options: NotOptions, iteration: number): number {
  if (options.gammaWarmup <= 0) return options.gamma;
  return options.gamma * Math.min(1, iteration / options.gammaWarmup);
}

/** Z draws of T(x, z) for every x: [B, Z, d]. */
function drawPlan(map: TransportMap, x: tf.Tensor2D, zSize: number, ctx: StepContext): tf.Tensor3D {
  const [b, d] = x.shape;
  const xs = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, zSize, 1]), [b * zSize, d]) as tf.Tensor2D;
  return tf.reshape(map.apply(xs, mapNoise(map, b * zSize, ctx)), [b, zSize, d]) as tf.Tensor3D;
}

/**
 * NOT's γ-weak cost scaled by α: α·(E_z‖x − T(x, z)‖² − γ·Var_z T(x, z)) = 2α·C_γ, with C_γ of lib/costs
 * (½E‖x − y‖² − (γ/2)Var, NOT's own convention, which is α = ½).
 */
export function weakQuadraticCostMean(x: tf.Tensor2D, plan: tf.Tensor3D, alpha: number, gamma: number): tf.Scalar {
  return tf.mul(2 * alpha, gammaWeakCostMean(x, plan, gamma)) as tf.Scalar;
}

/**
 * NOT: neural optimal transport with the γ-weak quadratic cost (see not-weak-ot-report.txt). The map loss is
 * E_x[ C_γ(x, T(x, ·)) − E_z f(T(x, z)) ], the potential loss E f(T(x, z)) − E f(y) (f maximises
 * E f(y) − E f(T(x, z))). With γ = 0 and one draw this is OTM-s.
 */
export function notMethod(nets: NotNets, options: NotOptions): Method<NotNets> {
  const { potential, map } = nets;
  if (map.noiseDim <= 0) throw new Error('NOT needs a stochastic map T(x, z) (noiseDim > 0)');
  return {
    name: 'not',
    nets,
    potentialParams: potential.params,
    mapParams: map.params,
    mapStepUsesTarget: false,
    potentialLoss({ x, y }, ctx) {
      const plan = drawPlan(map, x, options.zSize, ctx);
      const fT = tf.mean(potential.value(tf.reshape(plan, [-1, plan.shape[2]]) as tf.Tensor2D)) as tf.Scalar;
      const fY = tf.mean(potential.value(y)) as tf.Scalar;
      return { total: tf.sub(fT, fY) as tf.Scalar, terms: { fT, fY } };
    },
    mapLoss({ x }, ctx) {
      const plan = drawPlan(map, x, options.zSize, ctx);
      const cost = weakQuadraticCostMean(x, plan, options.alpha, gammaAt(options, ctx.iteration));
      const fT = tf.mean(potential.value(tf.reshape(plan, [-1, plan.shape[2]]) as tf.Tensor2D)) as tf.Scalar;
      return { total: tf.sub(cost, fT) as tf.Scalar, terms: { cost } };
    },
    plan: () => mapPlan('not', map),
    scheduleValues: (k) => ({ gamma: gammaAt(options, k) }),
  };
}
