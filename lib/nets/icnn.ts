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
  /** s of the strong-convexity term (s/2)‖y‖² of f (default 0.01·α, relative to the cost's own curvature 2α). */
  readonly strongConvexity?: number;
}

/**
 * Input-convex network f (Amos et al. 2017) and the c-concave potential V(y) = α‖y‖² − f(y) of OTP App. F.1,
 * Eq. 40: α‖y‖² − V = f is convex, so V is c-concave for c = α‖x − y‖².
 *
 * Convexity holds by construction, for every value of the raw parameters:
 *   z₁ = σ(A₀ y + b₀ + (Q₀ᵀy)²),  z_{k+1} = σ(W_k⁺ z_k + A_k y + b_k),  f(y) = w⁺·z_L + a·y + c + (s/2)‖y‖²,
 * where W_k⁺ = softplus(raw W_k) ≥ 0 and w⁺ = softplus(raw w) ≥ 0 (the z-path), σ is convex and non-decreasing,
 * (Q₀ᵀy)² is taken elementwise (one rank-1 quadratic feature per unit) and s > 0: a non-negative combination of
 * convex functions composed with a convex non-decreasing σ is convex, and affine terms keep convexity.
 *
 * Why the quadratic features and the strong-convexity term s (as in the DenseICNN of Korotin et al. 2021, whose
 * potentials define the W2 benchmark): the map step minimises α‖x − T‖² − V(T) = α‖x‖² − 2α⟨x, T⟩ + f(T), which
 * is unbounded below unless f grows at least quadratically. Softplus layers alone grow linearly, and without
 * these terms the map runs off to infinity (measured: D_target in the hundreds on the 2-D pairs of Fig. 5).
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
  // Rank-1 quadratic features of the first layer, one per unit, small at initialisation.
  const q0 = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(dim * widths[0]), 0, 0.5 / Math.sqrt(dim)), [dim, widths[0]]));
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
    { name: 'f.q0', variable: q0 },
    ...zRaw.map((v, i) => ({ name: `f.z${i}.rawW`, variable: v })),
  ];
  const alpha = options.alpha;
  const strong = options.strongConvexity ?? 0.01 * alpha;
  if (!(strong > 0)) throw new Error(`icnn: strongConvexity must be > 0, got ${strong}`);

  const f = (y: tf.Tensor2D): tf.Tensor1D => {
    let z = activate(act, tf.add(applyDense(yLayers[0], y), tf.square(tf.matMul(y, q0))) as tf.Tensor2D);
    for (let k = 1; k < widths.length; k++) {
      z = activate(act, tf.add(tf.matMul(z, tf.softplus(zRaw[k - 1])), applyDense(yLayers[k], y)) as tf.Tensor2D);
    }
    const out = tf.add(tf.matMul(z, tf.softplus(zRaw[zRaw.length - 1])), applyDense(yLayers[yLayers.length - 1], y));
    return tf.add(tf.reshape(out, [y.shape[0]]), tf.mul(strong / 2, tf.sum(tf.square(y), 1))) as tf.Tensor1D;
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
