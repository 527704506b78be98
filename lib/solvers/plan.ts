import * as tf from '@tensorflow/tfjs-core';
import type { PointCloud } from '../points';
import type { Rng } from '../random';
import { smoothTensor, type NoiseLevel } from '../schedules';
import type { TransportMap } from '../nets';
import type { MethodName } from './method-name';

/**
 * The learned transport plan of a trained run: what a solver hands back after training, in the manner of
 * OTT-JAX's `DualPotentials` (the caller transports with the output, not with the solver). Evaluation,
 * `otbook map`, reports and figures use it; nothing outside lib/solvers needs to know how a method draws its
 * plan (OTP's smoothing at its last noise level, a stochastic map's z).
 *
 * `transport(x, rng)` draws one y ~ π(·|x) for every row of x ([n, d] → [n, d]); a deterministic plan is the map
 * T(x) and ignores `rng`. `sample(x, k, rng)` draws k of them per row ([n, d] → [n, k, d]), in the order of k
 * consecutive copies of each row passed to `transport` (so both give the same numbers for the same stream).
 */
export interface TransportPlan {
  readonly method: MethodName;
  readonly dim: number;
  /** Whether a draw needs noise: a stochastic map T(x, z), or OTP's smoothing of x. */
  readonly stochastic: boolean;
  transport(x: tf.Tensor2D, rng: Rng): tf.Tensor2D;
  sample(x: tf.Tensor2D, k: number, rng: Rng): tf.Tensor3D;
  /** OTP: x̃, the source point smoothed at the plan's noise level (what T is applied to); for figures. */
  smoothSource?(x: tf.Tensor2D, rng: Rng): tf.Tensor2D;
  /** Frees the plan's own copy of the run's weights. */
  dispose(): void;
}

/** Standard normals [1, rows, cols] · std from the stream (the one seeded way to draw noise). */
function normalTensor(rng: Rng, rows: number, cols: number, std = 1): tf.Tensor3D {
  return tf.tensor3d(rng.fillNormal(new Float32Array(rows * cols), 0, std), [1, rows, cols]);
}

/** OTP Eq. 21 at a fixed level: x̃ = x + √ε z (or its variance-preserving form) for [1, n, d], z drawn from the stream. */
function smoothAtLevel(x: tf.Tensor3D, level: NoiseLevel, rng: Rng): tf.Tensor3D {
  if (level.epsilon <= 0) return x;
  return smoothTensor(x, normalTensor(rng, x.shape[1], x.shape[2]), level.epsilon, level.smoothing);
}

/** k consecutive copies of every row: [n, d] → [n·k, d] (rows i·k … i·k + k − 1 are copies of row i). */
function repeatRows(x: tf.Tensor2D, k: number): tf.Tensor2D {
  const [n, d] = x.shape;
  return tf.reshape(tf.tile(tf.expandDims(x, 1), [1, k, 1]), [n * k, d]);
}

/**
 * The plan of one run's transport map T (deterministic or stochastic; a map of a single run, e.g. a group's map
 * selected at that run), optionally applied to the source smoothed at a fixed noise level (OTP: x ↦ x̃ at ε_min
 * ↦ T(x̃), Sec. 4, 'Algorithm'). The plan owns the map: disposing the plan disposes it.
 */
export function mapPlan(method: MethodName, map: TransportMap, options: { readonly smoothing?: NoiseLevel } = {}): TransportPlan {
  if (map.runs !== 1) throw new Error(`mapPlan: the map of one run is needed (select a run of a group of ${map.runs})`);
  const level = options.smoothing;
  const transport = (x: tf.Tensor2D, rng: Rng): tf.Tensor2D =>
    tf.tidy(() => {
      const one = tf.expandDims(x, 0) as tf.Tensor3D;
      const input = level ? smoothAtLevel(one, level, rng) : one;
      const z = map.noiseDim > 0 ? normalTensor(rng, x.shape[0], map.noiseDim, map.noiseStd) : undefined;
      return tf.reshape(map.apply(input, z), x.shape) as tf.Tensor2D;
    });
  return {
    method,
    dim: map.dim,
    stochastic: map.noiseDim > 0 || (level !== undefined && level.epsilon > 0),
    transport,
    sample: (x, k, rng) => tf.tidy(() => tf.reshape(transport(repeatRows(x, k), rng), [x.shape[0], k, x.shape[1]]) as tf.Tensor3D),
    ...(level ? { smoothSource: (x: tf.Tensor2D, rng: Rng) => tf.tidy(() => tf.reshape(smoothAtLevel(tf.expandDims(x, 0) as tf.Tensor3D, level, rng), x.shape) as tf.Tensor2D) } : {}),
    dispose: () => map.dispose(),
  };
}

const CHUNK = 1024;

/**
 * Applies a plan to a point cloud in chunks of 1024 rows (one read-back per chunk, outside training); the
 * plan's noise comes from `rng`, one stream across the chunks.
 */
export async function transportPoints(plan: TransportPlan, x: PointCloud, rng: Rng): Promise<PointCloud> {
  const out = new Float32Array(x.n * x.d);
  for (let s = 0; s < x.n; s += CHUNK) {
    const e = Math.min(x.n, s + CHUNK);
    const t = tf.tidy(() => plan.transport(tf.tensor2d(x.data.subarray(s * x.d, e * x.d), [e - s, x.d]), rng));
    out.set((await t.data()) as Float32Array, s * x.d);
    t.dispose();
  }
  return { n: x.n, d: x.d, data: out };
}

/**
 * k draws of the plan for every point: a cloud of n·k rows, rows i·k … i·k + k − 1 drawn for point i (the numbers
 * of `plan.sample`, computed in chunks of 1024 rows).
 */
export async function samplePoints(plan: TransportPlan, x: PointCloud, k: number, rng: Rng): Promise<PointCloud> {
  const copies = new Float32Array(x.n * k * x.d);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < k; j++) copies.set(x.data.subarray(i * x.d, (i + 1) * x.d), (i * k + j) * x.d);
  return transportPoints(plan, { n: x.n * k, d: x.d, data: copies }, rng);
}
