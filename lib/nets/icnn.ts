import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { activate, CONVEX_NONDECREASING, type ActivationName } from './activations';
import { applyDense, denseLayer, denseParams, type Dense } from './dense';
import { disposeParams, type Param, type Potential } from './module';

export interface IcnnOptions {
  readonly hidden: readonly number[];
  /** Convex, non-decreasing activation of the z-path (default softplus). */
  readonly activation?: ActivationName;
  /** The cost's α: V(y) = α‖y‖² − f(y) (OTP Eq. 40). */
  readonly alpha: number;
}

/**
 * Input-convex network f (Amos et al. 2017) and the c-concave potential V(y) = α‖y‖² − f(y) of OTP App. F.1,
 * Eq. 40: α‖y‖² − V = f is convex, so V is c-concave for c = α‖x − y‖².
 *
 * Convexity holds by construction, for every value of the raw parameters:
 *   z₁ = σ(A₀ y + b₀),  z_{k+1} = σ(W_k⁺ z_k + A_k y + b_k),  f(y) = w⁺·z_L + a·y + c,
 * where W_k⁺ = softplus(raw W_k) ≥ 0 and w⁺ = softplus(raw w) ≥ 0 (the z-path), and σ is convex and
 * non-decreasing: a non-negative combination of convex functions composed with a convex non-decreasing σ is convex.
 * The y-path (A_k, a) is unconstrained, since affine terms keep convexity.
 */
export function icnnPotential(rng: Rng, dim: number, options: IcnnOptions): Potential {
  const act = options.activation ?? 'softplus';
  if (!CONVEX_NONDECREASING.includes(act)) {
    throw new Error(`icnn: activation '${act}' is not convex and non-decreasing; use one of ${CONVEX_NONDECREASING.join(', ')}`);
  }
  if (options.hidden.length === 0) throw new Error('icnn: at least one hidden layer is needed');
  const widths = options.hidden;
  // y-path: one dense layer from y into every hidden layer and into the output.
  const yLayers: Dense[] = [...widths, 1].map((w) => denseLayer(rng, dim, w));
  // z-path raw weights; softplus(raw) is initialised near U(0, 1/√fan_in) so that activations keep their scale.
  const zRaw: tf.Variable<tf.Rank.R2>[] = [...widths.slice(1), 1].map((w, i) => {
    const fanIn = widths[i];
    const raw = new Float32Array(fanIn * w);
    for (let j = 0; j < raw.length; j++) {
      const target = Math.max(1e-4, rng.uniform() / Math.sqrt(fanIn));
      raw[j] = Math.log(Math.expm1(target)); // softplus⁻¹
    }
    return tf.variable(tf.tensor2d(raw, [fanIn, w]));
  });
  const params: Param[] = [
    ...yLayers.flatMap((l, i) => denseParams(`f.y${i}`, l)),
    ...zRaw.map((v, i) => ({ name: `f.z${i}.rawW`, variable: v })),
  ];
  const alpha = options.alpha;

  const f = (y: tf.Tensor2D): tf.Tensor1D => {
    let z = activate(act, applyDense(yLayers[0], y));
    for (let k = 1; k < widths.length; k++) {
      z = activate(act, tf.add(tf.matMul(z, tf.softplus(zRaw[k - 1])), applyDense(yLayers[k], y)));
    }
    const out = tf.add(tf.matMul(z, tf.softplus(zRaw[zRaw.length - 1])), applyDense(yLayers[yLayers.length - 1], y));
    return tf.reshape(out, [y.shape[0]]) as tf.Tensor1D;
  };

  return {
    kind: 'icnn',
    dim,
    params,
    // OTP Eq. 40
    value: (y) => tf.sub(tf.mul(alpha, tf.sum(tf.square(y), 1)), f(y)) as tf.Tensor1D,
    dispose: () => disposeParams(params),
  };
}
