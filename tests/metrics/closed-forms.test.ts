import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/random';
import {
  gaussianBuresPair,
  gaussianSampler,
  multiPerpendicularPair,
  oneToManyPair,
  parallelPair,
  perpendicularPair,
  type Pair,
  type PointCloud,
  type PointMap,
} from '../../lib/data';
import { cholesky, matMul, trace, transpose } from '../../lib/linalg';
import {
  buresMap,
  gaussianW2Squared,
  w2SquaredMultiPerpendicular,
  w2SquaredOneToMany,
  w2SquaredParallel,
  w2SquaredPerpendicular,
} from '../../lib/data/closed-forms';

// The closed forms checked by Monte Carlo of the known optimal maps (1e5 samples), by alternative
// measure-preserving maps that must cost more, and, for Multi-Perpendicular, by an exact assignment (our own
// Hungarian algorithm below, independent of lib/ot) on quantile grids. closed-forms-exact.test.ts adds the
// comparison with lib/ot's exact solver on samples.

const N = 100_000;

/** Mean and standard error of ‖x − y‖² over paired rows. */
function costStats(x: PointCloud, y: PointCloud): { mean: number; se: number } {
  const c = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < x.d; j++) c[i] += (x.data[i * x.d + j] - y.data[i * x.d + j]) ** 2;
  const mean = c.reduce((s, v) => s + v, 0) / x.n;
  const sd = Math.sqrt(c.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.n - 1));
  return { mean, se: sd / Math.sqrt(x.n) };
}

function mcCost(pair: Pair, map: PointMap | ((x: PointCloud, rng: Rng) => PointCloud), seed: number): { mean: number; se: number } {
  const rng = new Rng(seed);
  const x = pair.source.sample(N, rng);
  return costStats(x, map(x, rng));
}

test('closed forms by hand: d/3, 1, 1, d/3 − 5/8 (1/24 at d = 2)', () => {
  assert.equal(w2SquaredPerpendicular(2), 2 / 3);
  assert.equal(w2SquaredPerpendicular(64), 64 / 3);
  assert.equal(w2SquaredParallel(16), 1);
  assert.equal(w2SquaredOneToMany(256), 1);
  assert.ok(Math.abs(w2SquaredMultiPerpendicular(2) - 1 / 24) < 1e-15);
  assert.ok(Math.abs(w2SquaredMultiPerpendicular(8) - (8 / 3 - 5 / 8)) < 1e-15);
  assert.throws(() => w2SquaredPerpendicular(3));
});

test('Monte Carlo of the optimal maps (1e5 samples, 6 SE) reproduces every synthetic closed form', () => {
  for (const d of [2, 8]) {
    for (const pair of [perpendicularPair(d), multiPerpendicularPair(d)]) {
      const { mean, se } = mcCost(pair, pair.optimalMap!, d);
      assert.ok(Math.abs(mean - pair.w2Squared!) < 6 * se, `${pair.name} d = ${d}: ${mean} vs ${pair.w2Squared} (SE ${se})`);
    }
    // Parallel and One-to-Many move every point by exactly ‖e1‖ = 1
    for (const pair of [parallelPair(d), oneToManyPair(d)]) {
      const { mean, se } = mcCost(pair, pair.optimalPlan!, d);
      assert.ok(Math.abs(mean - 1) < 1e-6 && se < 1e-6, `${pair.name}: ${mean}`);
    }
  }
});

test('other measure-preserving maps cost more (and Perpendicular\'s do not: Example 1)', () => {
  const d = 4;
  const n = d / 2;
  const mapRows = (f: (row: Float32Array, out: Float32Array) => void): PointMap => (x) => {
    const out = new Float32Array(x.data.length);
    for (let i = 0; i < x.n; i++) f(x.data.subarray(i * d, i * d + d), out.subarray(i * d, i * d + d));
    return { n: x.n, d, data: out };
  };
  // Parallel, reflection (x1, 0) ↦ (−x1, e1): pushes μ to ν, costs 1 + 4·n/3.
  const par = parallelPair(d);
  const refl = mcCost(par, mapRows((r, o) => {
    for (let j = 0; j < n; j++) o[j] = -r[j];
    o[n] = 1;
  }), 1);
  assert.ok(Math.abs(refl.mean - (1 + (4 * n) / 3)) < 6 * refl.se && refl.mean > 1 + 1, `parallel reflection ${refl.mean}`);
  // One-to-Many, folding x1[0] < 0 ↦ (2x1[0] + 1, +e1), x1[0] ≥ 0 ↦ (2x1[0] − 1, −e1): pushes μ to ν, costs 1 + 1/3.
  const otm = oneToManyPair(d);
  const fold = mcCost(otm, mapRows((r, o) => {
    for (let j = 1; j < n; j++) o[j] = r[j];
    o[0] = r[0] < 0 ? 2 * r[0] + 1 : 2 * r[0] - 1;
    o[n] = r[0] < 0 ? 1 : -1;
  }), 2);
  assert.ok(Math.abs(fold.mean - 4 / 3) < 6 * fold.se, `one-to-many fold ${fold.mean}`);
  // Multi-Perpendicular, antitone coupling p = −Q(u), y2[0] = −(q + u − Q(u)): also pushes μ to ν, costs more.
  const mp = multiPerpendicularPair(d);
  const best = mcCost(mp, mp.optimalMap!, 3);
  const anti = mcCost(mp, (x: PointCloud) => {
    const y = mp.optimalMap!(x);
    for (let i = 0; i < y.n; i++) {
      y.data[i * d] = -y.data[i * d];
      y.data[i * d + n] = -y.data[i * d + n];
    }
    return y;
  }, 3);
  assert.ok(anti.mean > best.mean + 6 * (anti.se + best.se), `multi-perpendicular antitone ${anti.mean} vs ${best.mean}`);
  // Perpendicular: every measure-preserving map costs d/3 (the reflection too) …
  const perp = perpendicularPair(d);
  const perpRefl = mcCost(perp, mapRows((r, o) => {
    for (let j = 0; j < n; j++) o[n + j] = -r[j];
  }), 4);
  assert.ok(Math.abs(perpRefl.mean - d / 3) < 6 * perpRefl.se);
  // … while the spurious max-min solution T ≡ 0 (not measure-preserving) is cheaper, n/3: why SNOT can pick it.
  const zero = mcCost(perp, (x: PointCloud) => ({ n: x.n, d, data: new Float32Array(x.data.length) }), 5);
  assert.ok(Math.abs(zero.mean - n / 3) < 6 * zero.se);
});

/** Minimum-cost perfect matching (Hungarian algorithm with potentials, O(n³)); returns the total cost. */
function hungarian(cost: Float64Array, n: number): number {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  let total = 0;
  for (let j = 1; j <= n; j++) total += cost[(p[j] - 1) * n + (j - 1)];
  return total;
}

test('Multi-Perpendicular: on quantile grids the exact assignment costs what optimalMap costs (d = 2 and 4)', () => {
  // μ and ν discretised at cell midpoints of U([−1,1]) (m cells, m divisible by 4) × the four levels of ℙ: the
  // optimal map sends this grid onto ν's grid, so if it is optimal the exact assignment cannot beat it.
  const levels = [-0.75, -0.25, 0.25, 0.75];
  for (const [d, m] of [
    [2, 40],
    [4, 8],
  ] as const) {
    const n = d / 2;
    const grid = Array.from({ length: m }, (_, i) => -1 + (2 * i + 1) / m);
    const uniformRows: number[][] = n === 1 ? grid.map((a) => [a]) : grid.flatMap((a) => grid.map((b) => [a, b]));
    const src: number[][] = [];
    const tgt: number[][] = [];
    for (const r of uniformRows) {
      for (const l of levels) {
        const e1 = Array.from({ length: n }, (_, j) => (j === 0 ? l : 0));
        src.push([...r, ...e1]);
        tgt.push([...e1, ...r]);
      }
    }
    const k = src.length;
    const cost = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cost[i * k + j] = src[i].reduce((s, v, c) => s + (v - tgt[j][c]) ** 2, 0);
    const exact = hungarian(cost, k) / k;
    const pair = multiPerpendicularPair(d);
    const x: PointCloud = { n: k, d, data: Float32Array.from(src.flat()) };
    const viaMap = costStats(x, pair.optimalMap!(x)).mean;
    assert.ok(Math.abs(exact - viaMap) < 1e-6, `d = ${d}: assignment ${exact} vs optimal map ${viaMap}`);
    // and the grid value approaches the closed form (cell-midpoint discretisation error O(1/m²))
    assert.ok(Math.abs(exact - pair.w2Squared!) < 2 / (m * m) + 1e-6, `d = ${d}: grid ${exact} vs closed form ${pair.w2Squared}`);
  }
});

test('Bures: 1-D and commuting cases by hand; the Cholesky map costs more than the Bures map', () => {
  // 1-D: W2² = (m1 − m2)² + (s1 − s2)²
  assert.ok(Math.abs(gaussianW2Squared([1], new Float64Array([4]), [3], new Float64Array([9]), 1) - (4 + 1)) < 1e-12);
  // diagonal covariances: Σ_i (√a_i − √b_i)²
  const w = gaussianW2Squared([0, 0], new Float64Array([1, 0, 0, 4]), [0, 0], new Float64Array([9, 0, 0, 1]), 2);
  assert.ok(Math.abs(w - (4 + 1)) < 1e-12);
  const { matrix } = buresMap([0, 0], new Float64Array([1, 0, 0, 4]), [0, 0], new Float64Array([9, 0, 0, 1]), 2);
  assert.ok(Math.abs(matrix[0] - 3) < 1e-12 && Math.abs(matrix[3] - 0.5) < 1e-12 && Math.abs(matrix[1]) < 1e-12);
  // random d = 3: A_chol = L2 L1⁻¹ also pushes N(m1, Σ1) to N(m2, Σ2); its cost ‖m1−m2‖² + tr((I−A)Σ1(I−A)ᵀ) ≥ W2².
  const pair = gaussianBuresPair({ dim: 3, seed: 5 });
  const s1 = (pair.source as ReturnType<typeof gaussianSampler>).covariance;
  const s2 = (pair.target as ReturnType<typeof gaussianSampler>).covariance;
  const m1 = (pair.source as ReturnType<typeof gaussianSampler>).mean;
  const m2 = (pair.target as ReturnType<typeof gaussianSampler>).mean;
  const l1 = cholesky(s1, 3);
  const l2 = cholesky(s2, 3);
  // L1⁻¹ by forward substitution
  const l1inv = new Float64Array(9);
  for (let c = 0; c < 3; c++) {
    for (let r = 0; r < 3; r++) {
      let s = r === c ? 1 : 0;
      for (let q = 0; q < r; q++) s -= l1[r * 3 + q] * l1inv[q * 3 + c];
      l1inv[r * 3 + c] = s / l1[r * 3 + r];
    }
  }
  const a = matMul(l2, l1inv, 3);
  const ima = a.map((v, i) => (i % 4 === 0 ? 1 : 0) - v);
  let meanTerm = 0;
  for (let i = 0; i < 3; i++) meanTerm += (m1[i] - m2[i]) ** 2;
  const cholCost = meanTerm + trace(matMul(matMul(ima, s1, 3), transpose(ima, 3), 3), 3);
  assert.ok(cholCost > pair.w2Squared! + 1e-3, `Cholesky map ${cholCost} vs Bures ${pair.w2Squared}`);
});

test('Gaussian → Gaussian: Monte Carlo of the Bures map (1e5 samples, 6 SE) reproduces W2²', () => {
  for (const d of [2, 5]) {
    const pair = gaussianBuresPair({ dim: d, seed: 10 + d });
    const { mean, se } = mcCost(pair, pair.optimalMap!, d);
    assert.ok(Math.abs(mean - pair.w2Squared!) < 6 * se, `d = ${d}: ${mean} vs ${pair.w2Squared} (SE ${se})`);
  }
});
