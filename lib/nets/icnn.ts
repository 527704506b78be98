import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { mapPerRun, perRunOperand, perRunValues, type PerRun } from '../runs';
import { activate, CONVEX_NONDECREASING, type ActivationName } from './activations';
import { applyDense, denseLayer, denseParams, selectDense, type Dense } from './dense';
import { disposeParams, perRunVariable, runRngs, selectVariable, squeezeLast, type Param, type Potential } from './module';

export interface IcnnOptions {
  readonly hidden: readonly number[];
  /** Convex, non-decreasing activation of the z-path (default softplus). */
  readonly activation?: ActivationName;
  /** The cost's α: V(y) = α‖y‖² − f(y) (OTP Eq. 40); one per run of a group where they differ. */
  readonly alpha: PerRun;
  /** s of the strong-convexity term (s/2)‖y‖² of f (default 0.01·α, relative to the cost's own curvature 2α). */
  readonly strongConvexity?: PerRun;
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
export function icnnPotential(rng: Rng | readonly Rng[], dim: number, options: IcnnOptions): Potential {
  const act = options.activation ?? 'softplus';
  if (!CONVEX_NONDECREASING.includes(act)) {
    throw new Error(`icnn: activation '${act}' is not convex and non-decreasing; use one of ${CONVEX_NONDECREASING.join(', ')}`);
  }
  if (options.hidden.length === 0) throw new Error('icnn: at least one hidden layer is needed');
  const rngs = runRngs(rng);
  const widths = options.hidden;
  // y-path: one dense layer from y into every hidden layer and into the output.
  const yLayers: Dense[] = [...widths, 1].map((w) => denseLayer(rngs, dim, w));
  // Rank-1 quadratic features of the first layer, one per unit, small at initialisation.
  const q0 = perRunVariable(rngs, [dim, widths[0]], (r, size) => r.fillNormal(new Float32Array(size), 0, 0.5 / Math.sqrt(dim)));
  // z-path raw weights; softplus(raw) is initialised near U(0, 1/√fan_in) so that activations keep their scale.
  const zRaw = [...widths.slice(1), 1].map((w, i) =>
    perRunVariable(rngs, [widths[i], w], (r, size) => {
      const raw = new Float32Array(size);
      for (let j = 0; j < raw.length; j++) {
        const target = Math.max(1e-4, r.uniform() / Math.sqrt(widths[i]));
        raw[j] = Math.log(Math.expm1(target)); // softplus⁻¹
      }
      return raw;
    }),
  );
  const alphas = perRunValues(options.alpha, rngs.length);
  const strong = options.strongConvexity ?? mapPerRun(options.alpha, (a) => 0.01 * a);
  if (!perRunValues(strong, rngs.length).every((s) => s > 0)) throw new Error(`icnn: strongConvexity must be > 0, got ${strong}`);
  if (!alphas.every((a) => a > 0)) throw new Error(`icnn: alpha must be > 0, got ${options.alpha}`);
  return icnnOf({ yLayers, q0, zRaw }, dim, act, options.alpha, strong);
}

interface IcnnWeights {
  readonly yLayers: readonly Dense[];
  readonly q0: tf.Variable;
  readonly zRaw: readonly tf.Variable[];
}

function icnnOf(w: IcnnWeights, dim: number, act: ActivationName, alpha: PerRun, strong: PerRun): Potential {
  const { yLayers, q0, zRaw } = w;
  const params: Param[] = [
    ...yLayers.flatMap((l, i) => denseParams(`f.y${i}`, l)),
    { name: 'f.q0', variable: q0 },
    ...zRaw.map((v, i) => ({ name: `f.z${i}.rawW`, variable: v })),
  ];
  const hidden = zRaw.length;

  const f = (y: tf.Tensor3D): tf.Tensor2D => {
    let z = activate(act, tf.add(applyDense(yLayers[0], y), tf.square(tf.matMul(y, q0 as tf.Tensor3D))) as tf.Tensor3D);
    for (let k = 1; k < hidden; k++) {
      z = activate(act, tf.add(tf.matMul(z, tf.softplus(zRaw[k - 1]) as tf.Tensor3D), applyDense(yLayers[k], y)) as tf.Tensor3D);
    }
    const out = tf.add(tf.matMul(z, tf.softplus(zRaw[hidden - 1]) as tf.Tensor3D), applyDense(yLayers[yLayers.length - 1], y)) as tf.Tensor3D;
    return tf.add(squeezeLast(out), tf.mul(perRunOperand(mapPerRun(strong, (s) => s / 2), 2), tf.sum(tf.square(y), -1))) as tf.Tensor2D;
  };

  return {
    kind: 'icnn',
    dim,
    runs: q0.shape[0],
    params,
    // OTP Eq. 40
    value: (y) => tf.sub(tf.mul(perRunOperand(alpha, 2), tf.sum(tf.square(y), -1)), f(y)) as tf.Tensor2D,
    select: (run) =>
      icnnOf(
        { yLayers: yLayers.map((l) => selectDense(l, run)), q0: selectVariable(q0, run), zRaw: zRaw.map((v) => selectVariable(v, run)) },
        dim,
        act,
        perRunValues(alpha, q0.shape[0])[run],
        perRunValues(strong, q0.shape[0])[run],
      ),
    dispose: () => disposeParams(params),
  };
}
