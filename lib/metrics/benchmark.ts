/**
 * The metrics of the Wasserstein-2 benchmark (Korotin et al. 2021), as /work/shared/w2bench/README.md defines them,
 * for a fitted forward map T on n = 4096 fresh points x ~ μ:
 *   L2-UVP(T) = 100·E‖T(x) − T*(x)‖² / Var(ν)             (percent; Var(ν) = the stored nu.var, not re-estimated)
 *   cos(T)    = E⟨T*(x) − x, T(x) − x⟩ / √(2·cost · E‖T(x) − x‖²)   (cost = the stored ½E‖x − T*(x)‖²)
 * Conventions of the benchmark's code kept here: cos of a map with E‖T(x) − x‖² = 0 (the identity) is 0.
 * (The benchmark also reports L2-UVP = 100 for the constant map T = E ν by convention; scoring it here
 * computes the Monte-Carlo value instead, which is 100 only in expectation.)
 */
import { UserError } from '../errors';
import type { PointCloud } from '../points';
import type { W2BenchmarkPair } from '../data/w2bench';
import type { Rng } from '../random';

export interface BenchmarkScore {
  /** L2-UVP in percent. */
  readonly l2uvp: number;
  readonly cos: number;
  /** Number of test points. */
  readonly n: number;
}

/** The benchmark's number of test points per evaluation. */
export const BENCHMARK_TEST_POINTS = 4096;

function checkSame(a: PointCloud, b: PointCloud, what: string): void {
  if (a.n !== b.n || a.d !== b.d) throw new UserError(`${what}: ${a.n}×${a.d} vs ${b.n}×${b.d}; the clouds must match row for row`);
}

/** 100·mean‖T(x) − T*(x)‖² / Var(ν). */
export function l2UvpFromPoints(tx: PointCloud, txStar: PointCloud, nuVar: number): number {
  checkSame(tx, txStar, 'L2-UVP');
  if (!(nuVar > 0)) throw new UserError(`L2-UVP: Var(ν) must be > 0, got ${nuVar}`);
  let s = 0;
  for (let i = 0; i < tx.data.length; i++) s += (tx.data[i] - txStar.data[i]) ** 2;
  return (100 * (s / tx.n)) / nuVar;
}

/** mean⟨T*(x) − x, T(x) − x⟩ / √(2·cost·mean‖T(x) − x‖²); 0 when T moves nothing (the identity). */
export function cosFromPoints(x: PointCloud, tx: PointCloud, txStar: PointCloud, cost: number): number {
  checkSame(x, tx, 'cos');
  checkSame(x, txStar, 'cos');
  if (!(cost > 0)) throw new UserError(`cos: the benchmark cost must be > 0, got ${cost}`);
  let dot = 0;
  let move = 0;
  for (let i = 0; i < x.data.length; i++) {
    const a = txStar.data[i] - x.data[i];
    const b = tx.data[i] - x.data[i];
    dot += a * b;
    move += b * b;
  }
  if (move === 0) return 0;
  return dot / x.n / Math.sqrt(2 * cost * (move / x.n));
}

export type MapUnderTest = (x: PointCloud) => PointCloud | Promise<PointCloud>;

export interface ScoreOptions {
  /** Draws the test points x ~ μ (seeded). */
  readonly rng: Rng;
  /** Test points (default 4096, the benchmark's). */
  readonly n?: number;
}

/** Scores a forward map on fresh x ~ μ with the pair's stored Var(ν) and cost. */
export async function scoreForwardMap(pair: W2BenchmarkPair, map: MapUnderTest, options: ScoreOptions): Promise<BenchmarkScore> {
  const n = options.n ?? BENCHMARK_TEST_POINTS;
  const x = pair.source.sample(n, options.rng);
  const txStar = pair.optimalMap(x);
  const tx = await map(x);
  return {
    l2uvp: l2UvpFromPoints(tx, txStar, pair.constants.nuVar),
    cos: cosFromPoints(x, tx, txStar, pair.constants.cost),
    n,
  };
}
