import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { Mlp } from './mlp';
import { squeezeLast, type TimePotential } from './module';

export interface TimePotentialOptions {
  /** Width of every layer (DIOTM 2-D: 128). */
  readonly width?: number;
  /** Dimension of the sinusoidal time embedding (DIOTM 2-D: 128). */
  readonly embeddingDim?: number;
}

/**
 * Sinusoidal embedding of t ∈ [0, 1] (as in diffusion models): [sin(ω_k s), cos(ω_k s)] with s = 1000 t and
 * ω_k = 10000^(−k/(m/2 − 1)). The factor 1000 puts t on the scale these frequencies were designed for.
 * t [R, B] → [R, B, m].
 */
export function sinusoidalEmbedding(t: tf.Tensor2D, embeddingDim: number): tf.Tensor3D {
  const half = embeddingDim / 2;
  if (!Number.isInteger(half) || half < 2) throw new Error(`time embedding dimension must be an even number ≥ 4, got ${embeddingDim}`);
  const freqs = new Float32Array(half);
  for (let k = 0; k < half; k++) freqs[k] = Math.exp((-Math.log(10000) * k) / (half - 1));
  const s = tf.mul(tf.expandDims(t, -1), 1000);
  // s ω as the product [R, B, 1]·[1, 1, m/2]: each angle is the one product s·ω_k either way, but a broadcast
  // Multiply of this layout falls back to tfjs's generic JS loop (measured 3.4 ms per call at B = 256, a sixth of a
  // DIOTM step), and the matMul is one native call.
  const angles = tf.matMul(s, tf.tensor3d(freqs, [1, 1, half]));
  return tf.concat([tf.sin(angles), tf.cos(angles)], -1) as tf.Tensor3D;
}

/**
 * DIOTM's time-conditioned potential V(t, x) for the 2-D tasks (per the authors' public code, as summarised
 * in the project's solver issue): x through a 2-layer MLP of width 128; t through a 128-dimensional
 * sinusoidal embedding and a 2-layer MLP; the two are added, then a 3-layer MLP to a scalar; SiLU throughout.
 */
export function timePotential(rng: Rng | readonly Rng[], dim: number, options: TimePotentialOptions = {}): TimePotential {
  const w = options.width ?? 128;
  const m = options.embeddingDim ?? 128;
  const xNet = new Mlp(rng, { inputDim: dim, hidden: [w], outputDim: w, activation: 'silu', name: 'V.x' });
  const tNet = new Mlp(rng, { inputDim: m, hidden: [w], outputDim: w, activation: 'silu', name: 'V.t' });
  const head = new Mlp(rng, { inputDim: w, hidden: [w, w], outputDim: 1, activation: 'silu', name: 'V.head' });
  return timePotentialOf(xNet, tNet, head, dim, m);
}

function timePotentialOf(xNet: Mlp, tNet: Mlp, head: Mlp, dim: number, m: number): TimePotential {
  return {
    kind: 'time-mlp',
    dim,
    runs: xNet.runs,
    params: [...xNet.params, ...tNet.params, ...head.params],
    value(t, x) {
      const h = tf.add(xNet.forward(x), tNet.forward(sinusoidalEmbedding(t, m)));
      const a = tf.mul(h, tf.sigmoid(h)) as tf.Tensor3D;
      return squeezeLast(head.forward(a));
    },
    select: (run) => timePotentialOf(xNet.select(run), tNet.select(run), head.select(run), dim, m),
    dispose() {
      xNet.dispose();
      tNet.dispose();
      head.dispose();
    },
  };
}
