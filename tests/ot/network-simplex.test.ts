import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearSumAssignment, networkSimplex, squaredDistanceMatrix, type NetworkSimplexResult } from '../../lib/ot';
import { UserError } from '../../lib/errors';
import { Rng } from '../../lib/random';
import { highsTransportCost } from './highs-lp';
import { gaussianCloud, gridCloud, oneDimensionalW2Squared, randomWeights, relativeError } from './helpers';

/** Plan entries are in range, non-negative, and the marginals are a and b. */
function assertMarginals(r: NetworkSimplexResult, a: Float64Array, b: Float64Array, tol: number): void {
  const rows = new Float64Array(a.length);
  const cols = new Float64Array(b.length);
  for (const { i, j, mass } of r.plan) {
    assert.ok(i >= 0 && i < a.length && j >= 0 && j < b.length, `entry (${i}, ${j}) out of range`);
    assert.ok(mass > 0);
    rows[i] += mass;
    cols[j] += mass;
  }
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(rows[i] - a[i]) <= tol, `row ${i}: ${rows[i]} vs ${a[i]}`);
  for (let j = 0; j < b.length; j++) assert.ok(Math.abs(cols[j] - b[j]) <= tol, `column ${j}: ${cols[j]} vs ${b[j]}`);
  assert.ok(r.plan.length <= a.length + b.length - 1, 'a basic solution has at most n + m − 1 non-zeros');
}

/** LP duality certificate: f_i + g_j ≤ C_ij everywhere and Σ a f + Σ b g = cost. */
function assertDualCertificate(r: NetworkSimplexResult, a: Float64Array, b: Float64Array, c: Float64Array, relTol: number): void {
  const n = a.length;
  const m = b.length;
  let dual = 0;
  for (let i = 0; i < n; i++) dual += a[i] * r.f[i];
  for (let j = 0; j < m; j++) dual += b[j] * r.g[j];
  let scale = 0;
  for (const v of c) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) assert.ok(r.f[i] + r.g[j] <= c[i * m + j] + relTol * (scale + 1), `dual infeasible at (${i}, ${j})`);
  }
  assert.ok(Math.abs(dual - r.cost) <= relTol * (scale + 1), `duality gap: primal ${r.cost}, dual ${dual}`);
}

test('agrees with the HiGHS LP solver on 6×9 problems with random weights (1e-9 relative)', async () => {
  const rng = new Rng(21);
  for (let t = 0; t < 60; t++) {
    const a = randomWeights(rng, 6);
    const b = randomWeights(rng, 9);
    const c = squaredDistanceMatrix(gaussianCloud(rng, 6, 3), gaussianCloud(rng, 9, 3, 0.5));
    const r = networkSimplex(a, b, c);
    const ref = await highsTransportCost(a, b, c);
    assert.ok(relativeError(r.cost, ref) < 1e-9, `instance ${t}: ${r.cost} vs HiGHS ${ref}`);
    assertMarginals(r, a, b, 1e-12);
    assertDualCertificate(r, a, b, c, 1e-12);
  }
});

test('agrees with HiGHS on degenerate problems: zero weights, integer costs, 1×m and n×1, sizes up to 8×10', async () => {
  const rng = new Rng(22);
  for (let t = 0; t < 120; t++) {
    const n = 1 + rng.int(8);
    const m = 1 + rng.int(10);
    const a = randomWeights(rng, n, t % 2 ? 0.3 : 0);
    const b = randomWeights(rng, m, t % 3 ? 0.3 : 0);
    const c = new Float64Array(n * m);
    for (let k = 0; k < c.length; k++) c[k] = t % 4 === 0 ? rng.int(3) : 10 * rng.uniform();
    const r = networkSimplex(a, b, c);
    const ref = await highsTransportCost(a, b, c);
    assert.ok(Math.abs(r.cost - ref) <= 1e-9 * Math.max(Math.abs(ref), 1e-3), `${n}×${m} instance ${t}: ${r.cost} vs HiGHS ${ref}`);
    assertMarginals(r, a, b, 1e-12);
    assertDualCertificate(r, a, b, c, 1e-12);
  }
});

test('1-D closed form: weighted EMD equals the quantile coupling (n = 30, m = 45, and duplicates)', () => {
  const rng = new Rng(23);
  for (let t = 0; t < 20; t++) {
    const x = t % 2 ? gridCloud(rng, 30, 1, 6) : gaussianCloud(rng, 30, 1);
    const y = t % 2 ? gridCloud(rng, 45, 1, 6) : gaussianCloud(rng, 45, 1, 1, 0.5);
    const a = randomWeights(rng, 30, 0.1);
    const b = randomWeights(rng, 45, 0.1);
    const r = networkSimplex(a, b, squaredDistanceMatrix(x, y));
    const ref = oneDimensionalW2Squared(x.data, a, y.data, b);
    assert.ok(Math.abs(r.cost - ref) <= 1e-12 * (1 + ref), `instance ${t}: ${r.cost} vs quantile coupling ${ref}`);
  }
});

test('uniform weights and equal sizes: same cost as the assignment solver (n = 120), marginals and duality hold', () => {
  const rng = new Rng(24);
  for (const d of [2, 8]) {
    const n = 120;
    const c = squaredDistanceMatrix(gaussianCloud(rng, n, d), gaussianCloud(rng, n, d, 1));
    const a = new Float64Array(n).fill(1 / n);
    const r = networkSimplex(a, a, c);
    const s = linearSumAssignment(c, n, n);
    assert.ok(relativeError(r.cost, s.cost / n) < 1e-12, `d=${d}: ${r.cost} vs ${s.cost / n}`);
    assertMarginals(r, a, a, 1e-14);
    assertDualCertificate(r, a, a, c, 1e-11);
  }
});

test('medium weighted problem (300 × 400): marginals and duality certificate', () => {
  const rng = new Rng(25);
  const a = randomWeights(rng, 300, 0.05);
  const b = randomWeights(rng, 400, 0.05);
  const c = squaredDistanceMatrix(gaussianCloud(rng, 300, 2), gaussianCloud(rng, 400, 2, 0.5, 1.5));
  const r = networkSimplex(a, b, c);
  assertMarginals(r, a, b, 1e-12);
  assertDualCertificate(r, a, b, c, 1e-11);
});

test('bad inputs are UserErrors', () => {
  const c = new Float64Array(6);
  const a = new Float64Array([0.5, 0.5]);
  const b = new Float64Array([0.2, 0.3, 0.5]);
  assert.doesNotThrow(() => networkSimplex(a, b, c));
  assert.throws(() => networkSimplex(new Float64Array([0.5, 0.6]), b, c), /sum to 1/);
  assert.throws(() => networkSimplex(new Float64Array([1.5, -0.5]), b, c), /non-negative/);
  assert.throws(() => networkSimplex(a, b, new Float64Array(5)), UserError);
  assert.throws(() => networkSimplex(a, b, new Float64Array([0, 0, 0, 0, NaN, 0])), /finite/);
});
