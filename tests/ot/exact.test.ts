import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactW2Squared, squaredDistanceMatrix } from '../../lib/ot';
import { UserError } from '../../lib/errors';
import type { PointCloud } from '../../lib/points';
import { Rng } from '../../lib/random';
import { highsTransportCost } from './highs-lp';
import { bruteForceAssignment, gaussianCloud, gridCloud, permutations, randomWeights, relativeError } from './helpers';

const PERMS = Array.from({ length: 8 }, (_, n) => permutations(n));

function cloud(rows: number[][]): PointCloud {
  return { n: rows.length, d: rows[0]?.length ?? 1, data: Float32Array.from(rows.flat()) };
}

test('equal sizes, uniform weights: assignment solver, brute-force W2² (n ≤ 7, Gaussian and duplicate-heavy grids)', () => {
  const rng = new Rng(31);
  for (let t = 0; t < 400; t++) {
    const n = 1 + (t % 7);
    const d = 1 + (t % 3);
    const x = t % 2 ? gridCloud(rng, n, d, 2) : gaussianCloud(rng, n, d);
    const y = t % 2 ? gridCloud(rng, n, d, 2) : gaussianCloud(rng, n, d, 0.3);
    const r = exactW2Squared(x, y);
    assert.equal(r.solver, 'assignment');
    assert.equal(r.plan, undefined);
    const sigma = r.assignment;
    assert.ok(sigma);
    assert.deepEqual(Array.from(sigma).sort((p, q) => p - q), Array.from({ length: n }, (_, i) => i), 'a permutation');
    const best = bruteForceAssignment(squaredDistanceMatrix(x, y), n, PERMS[n]) / n;
    assert.ok(Math.abs(r.cost - best) <= 1e-12 * (1 + best), `instance ${t}: ${r.cost} vs ${best}`);
    assert.ok(r.seconds >= 0);
    // Forcing the network simplex on the same problem gives the same value.
    const ns = exactW2Squared(x, y, { solver: 'network-simplex' });
    assert.equal(ns.solver, 'network-simplex');
    assert.ok(Math.abs(ns.cost - best) <= 1e-12 * (1 + best));
  }
});

test('explicit weights or unequal sizes: network simplex, cost equals HiGHS, plan has the right marginals', async () => {
  const rng = new Rng(32);
  for (let t = 0; t < 30; t++) {
    const n = 6;
    const m = t % 3 === 0 ? 6 : 9;
    const x = gaussianCloud(rng, n, 2);
    const y = gaussianCloud(rng, m, 2, 1);
    const withWeights = t % 3 !== 2;
    const a = withWeights ? randomWeights(rng, n) : new Float64Array(n).fill(1 / n);
    const b = withWeights ? randomWeights(rng, m) : new Float64Array(m).fill(1 / m);
    const r = withWeights ? exactW2Squared(x, y, { sourceWeights: a, targetWeights: b }) : exactW2Squared(x, y);
    assert.equal(r.solver, 'network-simplex');
    assert.equal(r.assignment, undefined);
    const ref = await highsTransportCost(a, b, squaredDistanceMatrix(x, y));
    assert.ok(relativeError(r.cost, ref) < 1e-9, `instance ${t}: ${r.cost} vs HiGHS ${ref}`);
    const plan = r.plan;
    assert.ok(plan);
    const rows = new Float64Array(n);
    const cols = new Float64Array(m);
    for (const e of plan) {
      rows[e.i] += e.mass;
      cols[e.j] += e.mass;
    }
    for (let i = 0; i < n; i++) assert.ok(Math.abs(rows[i] - a[i]) < 1e-12);
    for (let j = 0; j < m; j++) assert.ok(Math.abs(cols[j] - b[j]) < 1e-12);
  }
});

test('one weight vector alone is allowed (the other side uniform)', () => {
  const x = cloud([[0], [1]]);
  const y = cloud([[0], [1]]);
  // Source mass (0.75, 0.25) to uniform target: 0.25 must move distance 1.
  const r = exactW2Squared(x, y, { sourceWeights: new Float64Array([0.75, 0.25]) });
  assert.equal(r.solver, 'network-simplex');
  assert.ok(Math.abs(r.cost - 0.25) < 1e-15);
});

test('hand-checked values: a shift, identical clouds, a single point', () => {
  const x = cloud([[0, 0], [1, 0], [0, 2]]);
  const shifted = cloud([[3, 4], [4, 4], [3, 6]]); // x + (3, 4): W2² = 25
  assert.ok(Math.abs(exactW2Squared(x, shifted).cost - 25) < 1e-12);
  assert.equal(exactW2Squared(x, x).cost, 0);
  const one = cloud([[1, 1]]);
  // From one point to three with uniform weights: mean squared distance (1 + 1 + 2·... computed by hand).
  const expected = (2 + 1 + 2) / 3; // ‖(1,1)−(0,0)‖² = 2, ‖(1,1)−(1,0)‖² = 1, ‖(1,1)−(0,2)‖² = 2
  const r = exactW2Squared(one, x);
  assert.equal(r.solver, 'network-simplex');
  assert.ok(Math.abs(r.cost - expected) < 1e-12);
});

test('input validation: one-line UserErrors', () => {
  const x = cloud([[0, 0], [1, 1]]);
  const y3 = cloud([[0, 0, 0], [1, 1, 1]]);
  const check = (f: () => unknown, re: RegExp) => {
    assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));
  };
  check(() => exactW2Squared(x, y3), /dimension 2 .* dimension 3/);
  check(() => exactW2Squared(cloud([[0, NaN]]), x), /NaN; all coordinates must be finite/);
  check(() => exactW2Squared(x, cloud([[Infinity, 0]])), /Infinity/);
  check(() => exactW2Squared({ n: 0, d: 2, data: new Float32Array(0) }, x), /empty/);
  check(() => exactW2Squared(x, x, { sourceWeights: new Float64Array([0.5, 0.6]) }), /sum to 1\.1.* must sum to 1/);
  check(() => exactW2Squared(x, x, { targetWeights: new Float64Array([1.5, -0.5]) }), /-0\.5; weights must be non-negative/);
  check(() => exactW2Squared(x, x, { targetWeights: new Float64Array([1]) }), /1 weights for 2 points/);
  check(() => exactW2Squared(x, x, { sourceWeights: new Float64Array([NaN, 1]) }), /finite/);
  check(() => exactW2Squared(x, cloud([[0, 0]]), { solver: 'assignment' }), /assignment solver needs equal sizes/);
  check(() => exactW2Squared({ n: 2, d: 2, data: new Float32Array(3) }, x), /3 values/);
});

test('weights that sum to 1 only up to rounding are accepted', () => {
  const x = cloud([[0], [1], [2]]);
  const third = new Float64Array([1 / 3, 1 / 3, 1 / 3]);
  assert.doesNotThrow(() => exactW2Squared(x, x, { sourceWeights: third, targetWeights: third }));
  assert.ok(exactW2Squared(x, x, { sourceWeights: third, targetWeights: third }).cost < 1e-15);
});
