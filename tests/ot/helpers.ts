import type { PointCloud } from '../../lib/points';
import { Rng } from '../../lib/random';

/** Shared by the tests in tests/ot: small instances and independent reference solutions. */

export function gaussianCloud(rng: Rng, n: number, d: number, mean = 0, std = 1): PointCloud {
  return { n, d, data: rng.fillNormal(new Float32Array(n * d), mean, std) };
}

/** Points on the integer grid {0, …, k−1}^d: many duplicate points and tied costs. */
export function gridCloud(rng: Rng, n: number, d: number, k: number): PointCloud {
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(k);
  return { n, d, data };
}

export function randomWeights(rng: Rng, n: number, zeroProbability = 0): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = rng.uniform() < zeroProbability ? 0 : 0.05 + rng.uniform();
  if (w.every((v) => v === 0)) w[rng.int(n)] = 1;
  const s = w.reduce((t, v) => t + v, 0);
  for (let i = 0; i < n; i++) w[i] /= s;
  return w;
}

/** All permutations of 0..n−1 (Heap's algorithm), for brute force with n ≤ 8. */
export function permutations(n: number): Int32Array[] {
  const out: Int32Array[] = [];
  const a = Int32Array.from({ length: n }, (_, i) => i);
  const c = new Int32Array(n);
  out.push(a.slice());
  let i = 1;
  while (i < n) {
    if (c[i] < i) {
      const k = i % 2 === 0 ? 0 : c[i];
      const t = a[k];
      a[k] = a[i];
      a[i] = t;
      out.push(a.slice());
      c[i]++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return out;
}

/** min over permutations σ of Σ_i C[i, σ(i)] by enumeration. */
export function bruteForceAssignment(c: Float64Array, n: number, perms: readonly Int32Array[]): number {
  let best = Infinity;
  for (const p of perms) {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i * n + p[i]];
    if (s < best) best = s;
  }
  return best;
}

/**
 * min over injective maps of the n rows into the m ≥ n columns, by enumerating ordered n-subsets
 * (every permutation of m restricted to its first n entries).
 */
export function bruteForceRectangular(c: Float64Array, n: number, m: number): number {
  let best = Infinity;
  for (const p of permutations(m)) {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i * m + p[i]];
    if (s < best) best = s;
  }
  return best;
}

/**
 * Exact 1-D OT for weighted measures by the quantile (north-west corner on sorted points) coupling, which is
 * optimal for any convex cost of x − y on the line. A second implementation, independent of the simplex.
 */
export function oneDimensionalW2Squared(x: ArrayLike<number>, a: Float64Array, y: ArrayLike<number>, b: Float64Array): number {
  const ix = Array.from({ length: a.length }, (_, i) => i).sort((p, q) => x[p] - x[q]);
  const iy = Array.from({ length: b.length }, (_, j) => j).sort((p, q) => y[p] - y[q]);
  let i = 0;
  let j = 0;
  let ra = a[ix[0]];
  let rb = b[iy[0]];
  let total = 0;
  while (i < ix.length && j < iy.length) {
    const mass = Math.min(ra, rb);
    const t = x[ix[i]] - y[iy[j]];
    total += mass * t * t;
    ra -= mass;
    rb -= mass;
    // Advance the side that ran out (both when they tie); leftover rounding dust is dropped at the end.
    if (ra <= rb) {
      i++;
      if (i < ix.length) ra = a[ix[i]];
    } else {
      j++;
      if (j < iy.length) rb = b[iy[j]];
    }
  }
  return total;
}

export function relativeError(value: number, reference: number): number {
  return Math.abs(value - reference) / Math.max(Math.abs(reference), 1e-300);
}
