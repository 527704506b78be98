import * as tf from '@tensorflow/tfjs-core';
import { gammaWeakCostMean } from '../costs';
import type { Potential, TransportMap } from '../nets';
import { mapPerRun, perRunOperand, perRunValues, type PerRun } from '../runs';
import type { StepContext } from './context';
import type { Method } from './method';
import { mapPlan } from './plan';
import { mapNoise } from './semi-dual';

export interface NotOptions {
  /** α of the transport cost α‖x − y‖² (NOT's ½‖x − y‖² is α = ½); one per run where a group's differ. */
  readonly alpha: PerRun;
  /** γ of the γ-weak cost (NOT's 2-D toy: γ = 1). */
  readonly gamma: PerRun;
  /** γ grows linearly from 0 to `gamma` over this many outer iterations (NOT's images: 25K); 0 for none. */
  readonly gammaWarmup: PerRun;
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

/** γ_k of one run: γ, or its linear warm-up. */
export function gammaAt(options: { readonly gamma: number; readonly gammaWarmup: number }, iteration: number): number {
  if (options.gammaWarmup <= 0) return options.gamma;
  return options.gamma * Math.min(1, iteration / options.gammaWarmup);
}

/** Z draws of T(x, z) for every x: [R, B, Z, d]. */
function drawPlan(map: TransportMap, x: tf.Tensor3D, zSize: number, ctx: StepContext): tf.Tensor4D {
  const [runs, b, d] = x.shape;
  const xs = tf.reshape(tf.tile(tf.expandDims(x, 2), [1, 1, zSize, 1]), [runs, b * zSize, d]) as tf.Tensor3D;
  return tf.reshape(map.apply(xs, mapNoise(map, b * zSize, ctx)), [runs, b, zSize, d]) as tf.Tensor4D;
}

/**
 * NOT's γ-weak cost scaled by α: α·(E_z‖x − T(x, z)‖² − γ·Var_z T(x, z)) = 2α·C_γ, with C_γ of lib/costs
 * (½E‖x − y‖² − (γ/2)Var, NOT's own convention, which is α = ½). x [R, B, d], plan [R, B, Z, d] → [R].
 */
export function weakQuadraticCostMean(x: tf.Tensor3D, plan: tf.Tensor4D, alpha: PerRun, gamma: PerRun): tf.Tensor1D {
  return tf.mul(perRunOperand(mapPerRun(alpha, (a) => 2 * a), 1), gammaWeakCostMean(x, plan, gamma)) as tf.Tensor1D;
}

/**
 * NOT: neural optimal transport with the γ-weak quadratic cost (see not-weak-ot-report.txt). The map loss is
 * E_x[ C_γ(x, T(x, ·)) − E_z f(T(x, z)) ], the potential loss E f(T(x, z)) − E f(y) (f maximises
 * E f(y) − E f(T(x, z))). With γ = 0 and one draw this is OTM-s.
 */
export function notMethod(nets: NotNets, options: NotOptions): Method<NotNets> {
  const { potential, map } = nets;
  if (map.noiseDim <= 0) throw new Error('NOT needs a stochastic map T(x, z) (noiseDim > 0)');
  const runs = map.runs;
  const perRun = perRunValues(options.gamma, runs).map((gamma, r) => ({ gamma, gammaWarmup: perRunValues(options.gammaWarmup, runs)[r] }));
  const gammasAt = (k: number): number[] => perRun.map((o) => gammaAt(o, k));
  const meanOverDraws = (plan: tf.Tensor4D) => tf.mean(potential.value(tf.reshape(plan, [runs, -1, plan.shape[3]]) as tf.Tensor3D), -1) as tf.Tensor1D;
  return {
    name: 'not',
    runs,
    nets,
    potentialParams: potential.params,
    mapParams: map.params,
    mapStepUsesTarget: false,
    potentialLoss({ x, y }, ctx) {
      const fT = meanOverDraws(drawPlan(map, x, options.zSize, ctx));
      const fY = tf.mean(potential.value(y), -1) as tf.Tensor1D;
      return { total: tf.sub(fT, fY) as tf.Tensor1D, terms: { fT, fY } };
    },
    mapLoss({ x }, ctx) {
      const plan = drawPlan(map, x, options.zSize, ctx);
      const cost = weakQuadraticCostMean(x, plan, options.alpha, gammasAt(ctx.iteration));
      const fT = meanOverDraws(plan);
      return { total: tf.sub(cost, fT) as tf.Tensor1D, terms: { cost } };
    },
    plan: (run = 0) => mapPlan('not', map.select(run)),
    scheduleValues: (k, run) => ({ gamma: gammaAt(perRun[run], k) }),
  };
}
