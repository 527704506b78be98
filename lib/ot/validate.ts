import { UserError } from '../errors';
import type { PointCloud } from '../points';

/**
 * Input checks shared by the discrete-OT entry points. Every failure is a one-line UserError naming the
 * argument, the bad value and what is allowed (docs/CONVENTIONS.md).
 */

/** Relative tolerance on Σw = 1: loose enough for weights typed as 1/3, 1/3, 1/3; tight enough to catch a forgotten normalisation. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

export function checkPointCloud(p: PointCloud, what: string): void {
  if (!Number.isInteger(p.n) || p.n <= 0) throw new UserError(`${what}: the point cloud is empty (n = ${p.n}); at least one point is needed`);
  if (!Number.isInteger(p.d) || p.d <= 0) throw new UserError(`${what}: dimension must be a positive integer, got ${p.d}`);
  if (p.data.length !== p.n * p.d) {
    throw new UserError(`${what}: data has ${p.data.length} values but n × d = ${p.n} × ${p.d} = ${p.n * p.d}`);
  }
  const data = p.data;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      throw new UserError(`${what}: point ${Math.floor(k / p.d)}, coordinate ${k % p.d} is ${data[k]}; all coordinates must be finite`);
    }
  }
}

export function checkSameDimension(a: PointCloud, b: PointCloud, what: string): void {
  if (a.d !== b.d) throw new UserError(`${what}: source points have dimension ${a.d} but target points have dimension ${b.d}; they must agree`);
}

/** Checks a probability vector of length n: finite, non-negative, summing to 1 within WEIGHT_SUM_TOLERANCE. */
export function checkWeights(w: Float64Array, n: number, what: string): void {
  if (w.length !== n) throw new UserError(`${what}: ${w.length} weights for ${n} points; give exactly one weight per point`);
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    if (!Number.isFinite(v)) throw new UserError(`${what}: weight ${i} is ${v}; weights must be finite`);
    if (v < 0) throw new UserError(`${what}: weight ${i} is ${v}; weights must be non-negative`);
    sum += v;
  }
  if (!(Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE)) {
    throw new UserError(`${what}: weights sum to ${sum}; they must sum to 1 (within ${WEIGHT_SUM_TOLERANCE})`);
  }
}

/** Checks a dense n×m cost matrix: right length, finite entries. */
export function checkCostMatrix(c: Float64Array, n: number, m: number, what: string): void {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n <= 0 || m <= 0) {
    throw new UserError(`${what}: matrix shape must be positive integers, got ${n} × ${m}`);
  }
  if (c.length !== n * m) throw new UserError(`${what}: cost matrix has ${c.length} entries but the shape is ${n} × ${m} = ${n * m}`);
  for (let k = 0; k < c.length; k++) {
    if (!Number.isFinite(c[k])) {
      throw new UserError(`${what}: cost entry (${Math.floor(k / m)}, ${k % m}) is ${c[k]}; all costs must be finite`);
    }
  }
}
