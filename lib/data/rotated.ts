import { Rng } from '../random';
import type { PointCloud } from '../points';
import type { ModeClassifier, Pair, PlanSampler, PointMap, Sampler } from './types';

/**
 * A pair seen in rotated coordinates: both sides pushed through one fixed orthogonal Q of R^d. The quadratic cost
 * is invariant under Q (‖Qx − Qy‖ = ‖x − y‖), so W2², the OT plan (conjugated by Q) and the mode structure are
 * the pair's own; only the axes the networks see change. ReLU networks are not rotation invariant, so a method may
 * behave differently on the rotated pair (issue 18's σ-schedule probe used a "rotated" One-to-Many at d = 16).
 */

/** The seed of the rotation: fixed, so that "the rotated pair" names one pair at each d. */
export const ROTATION_SEED = 20250713;

/**
 * A Haar-distributed orthogonal d × d matrix (row-major): the Q of a seeded Gaussian matrix's QR factorisation with
 * R's diagonal positive (Mezzadri 2007), by modified Gram–Schmidt on its columns, in double precision.
 */
export function randomRotation(d: number, seed = ROTATION_SEED): Float64Array {
  const rng = new Rng(seed + d);
  const a = new Float64Array(d * d);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = a[i * d + j];
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i * d + k] * v[i];
      for (let i = 0; i < d; i++) v[i] -= dot * q[i * d + k];
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < d; i++) q[i * d + j] = v[i] / norm;
  }
  return q;
}

/** Applies Q (or Qᵀ) to every point: y_i = Q x_i. */
export function rotatePoints(p: PointCloud, q: Float64Array, transpose = false): PointCloud {
  const { n, d } = p;
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (transpose ? q[k * d + i] : q[i * d + k]) * p.data[r * d + k];
      out[r * d + i] = s;
    }
  }
  return { n, d, data: out };
}

const rotatedSampler = (s: Sampler, q: Float64Array, name: string): Sampler => ({ name, dim: s.dim, sample: (n, rng) => rotatePoints(s.sample(n, rng), q) });

/** The pair in coordinates rotated by Q = randomRotation(d): samplers, OT map and plan conjugated, modes read back. */
export function rotatedPair(inner: Pair, seed = ROTATION_SEED): Pair {
  const q = randomRotation(inner.dim, seed);
  const back = (p: PointCloud) => rotatePoints(p, q, true);
  const map: PointMap | undefined = inner.optimalMap && ((x) => rotatePoints((inner.optimalMap as PointMap)(back(x)), q));
  const plan: PlanSampler | undefined = inner.optimalPlan && ((x, rng) => rotatePoints((inner.optimalPlan as PlanSampler)(back(x), rng), q));
  const modes: ModeClassifier | undefined = inner.targetModes && { names: inner.targetModes.names, classify: (p) => (inner.targetModes as ModeClassifier).classify(back(p)) };
  const name = `${inner.name}-rotated`;
  return {
    ...inner,
    name,
    description: `${inner.description}, in coordinates rotated by a fixed random orthogonal Q (seed ${seed})`,
    source: rotatedSampler(inner.source, q, `${name}/source`),
    target: rotatedSampler(inner.target, q, `${name}/target`),
    optimalMap: map,
    optimalPlan: plan,
    targetModes: modes,
    notes: `${inner.notes ? `${inner.notes} ` : ''}Both sides are rotated by one Haar-random Q (lib/data/rotated.ts): W2² and the plan are the unrotated pair's.`,
  };
}
