import type { PointCloud } from '../points';
import { checkPointCloud, checkSameDimension } from './validate';

/**
 * Dense matrix C[i·m + j] = ‖a_i − b_j‖² (row-major, n × m, float64).
 *
 * Why differences and not ‖a‖² + ‖b‖² − 2⟨a, b⟩: the expansion is faster (a matrix product) but cancels
 * catastrophically for nearby points far from the origin, can come out slightly negative, and gives
 * C[i, i] ≠ 0 for identical points. Exact OT on near-duplicates is decided by exactly those small
 * entries, so we pay O(n·m·d) scalar work in float64 for entries that are exact up to one rounding per term.
 */
export function squaredDistanceMatrix(a: PointCloud, b: PointCloud): Float64Array {
  checkPointCloud(a, 'squaredDistanceMatrix(source)');
  checkPointCloud(b, 'squaredDistanceMatrix(target)');
  checkSameDimension(a, b, 'squaredDistanceMatrix');
  const { n, d } = a;
  const m = b.n;
  // Float32 → float64 once, so the inner loop reads one array type.
  const x = Float64Array.from(a.data);
  const y = Float64Array.from(b.data);
  const out = new Float64Array(n * m);
  if (d === 1) {
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const row = i * m;
      for (let j = 0; j < m; j++) {
        const t = xi - y[j];
        out[row + j] = t * t;
      }
    }
    return out;
  }
  if (d === 2) {
    for (let i = 0; i < n; i++) {
      const x0 = x[2 * i];
      const x1 = x[2 * i + 1];
      const row = i * m;
      for (let j = 0; j < m; j++) {
        const t0 = x0 - y[2 * j];
        const t1 = x1 - y[2 * j + 1];
        out[row + j] = t0 * t0 + t1 * t1;
      }
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const row = i * m;
    for (let j = 0; j < m; j++) {
      const yo = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[xo + k] - y[yo + k];
        s += t * t;
      }
      out[row + j] = s;
    }
  }
  return out;
}
