import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costError, discreteMapL2, estimationFloor, meanTransportCost, targetError } from '../../lib/metrics/discrete';
import { UserError } from '../../lib/errors';
import type { PointCloud } from '../../lib/points';
import { Rng } from '../../lib/random';
import { gaussianCloud } from './helpers';

/** Points on a 1/8 grid, so that shifts by multiples of 1/8 are exact in float32 and W2² values are exact. */
function eighthsCloud(rng: Rng, n: number, d: number): PointCloud {
  const data = new Float32Array(n * d);
  for (let k = 0; k < data.length; k++) data[k] = (rng.int(64) - 32) / 8;
  return { n, d, data };
}

function shift(p: PointCloud, s: readonly number[]): PointCloud {
  const data = p.data.slice();
  for (let i = 0; i < p.n; i++) for (let k = 0; k < p.d; k++) data[i * p.d + k] += s[k];
  return { n: p.n, d: p.d, data };
}

function shuffle(rng: Rng, p: PointCloud): PointCloud {
  const order = Array.from({ length: p.n }, (_, i) => i);
  for (let i = p.n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const data = new Float32Array(p.n * p.d);
  order.forEach((src, dst) => data.set(p.data.subarray(src * p.d, src * p.d + p.d), dst * p.d));
  return { n: p.n, d: p.d, data };
}

test('D_target of a sample against itself shuffled is exactly 0', () => {
  const rng = new Rng(51);
  for (const d of [2, 16]) {
    const y = gaussianCloud(rng, 300, d);
    const r = targetError(shuffle(rng, y), y);
    assert.equal(r.value, 0);
    assert.equal(r.n, 300);
    assert.equal(r.solver, 'assignment');
  }
});

test('D_target of a sample against its shift by s is ‖s‖² (W2²(μ, μ + s) = ‖s‖², exact on a 1/8 grid)', () => {
  const rng = new Rng(52);
  const s = [0.75, -1.5, 2.125];
  const norm2 = s.reduce((t, v) => t + v * v, 0);
  const y = eighthsCloud(rng, 200, 3);
  const r = targetError(shuffle(rng, shift(y, s)), y);
  assert.ok(Math.abs(r.value - norm2) < 1e-12 * norm2, `${r.value} vs ${norm2}`);
  // Unequal sizes (200 generated vs 150 target drawn from the same grid law) go through the network simplex.
  const r2 = targetError(y, eighthsCloud(rng, 150, 3));
  assert.equal(r2.solver, 'network-simplex');
  assert.equal(r2.m, 150);
});

test('estimation floor of a 2-D standard Gaussian shrinks with n (mean of 3 pairs: n = 400 below half of n = 50)', () => {
  // E W2²(ν_n, ν'_n) in 2-D decays like log(n)/n, a factor ≈ 5 from n = 50 to 400; the spread of one
  // draw at n = 50 is ~30 %, so a factor 2 on means of 3 draws leaves a wide margin.
  const rng = new Rng(53);
  const mean = (n: number): number => {
    let t = 0;
    for (let k = 0; k < 3; k++) t += estimationFloor(gaussianCloud(rng, n, 2), gaussianCloud(rng, n, 2)).value;
    return t / 3;
  };
  const small = mean(50);
  const large = mean(400);
  assert.ok(small > 0 && large > 0);
  assert.ok(large < small / 2, `floor at n = 400 (${large}) is not below half the floor at n = 50 (${small})`);
  assert.throws(() => estimationFloor(gaussianCloud(rng, 10, 2), gaussianCloud(rng, 11, 2)), /same n/);
});

test('D_cost: zero for the exact map x ↦ x + s, hand-checked value otherwise', () => {
  const rng = new Rng(54);
  const s = [0.5, -0.25];
  const x = eighthsCloud(rng, 100, 2);
  const r = costError(0.5 * 0.5 + 0.25 * 0.25, x, shift(x, s));
  assert.equal(r.value, 0);
  assert.equal(r.transportCost, 0.3125);
  // x = (0, 2), T(x) = (1, 2): E‖T(x) − x‖² = ½; against W2² = 2 the error is 1.5.
  const x1: PointCloud = { n: 2, d: 1, data: new Float32Array([0, 2]) };
  const t1: PointCloud = { n: 2, d: 1, data: new Float32Array([1, 2]) };
  assert.equal(meanTransportCost(x1, t1), 0.5);
  assert.equal(costError(2, x1, t1).value, 1.5);
  assert.throws(() => costError(1, x1, x), (e: unknown) => e instanceof UserError && /paired row by row/.test(e.message));
  assert.throws(() => costError(NaN, x1, t1), /true W2²/);
});

test('discreteMapL2: 0 for the discrete OT map itself, 1 for the identity when the target is x + 1 (1-D)', () => {
  const rng = new Rng(55);
  const x = eighthsCloud(rng, 120, 1);
  const y = shuffle(rng, shift(x, [1]));
  const identity = discreteMapL2(x, x, y);
  assert.equal(identity.meanSquared, 1);
  assert.equal(identity.value, 1);
  const exactMap = discreteMapL2(x, shift(x, [1]), y);
  assert.equal(exactMap.value, 0);
  // The returned assignment is the discrete map: y[σ(i)] = x_i + 1.
  for (let i = 0; i < 120; i++) assert.equal(y.data[exactMap.assignment[i]], x.data[i] + 1);
  // A map that moves only half the points by 2 instead of 1: squared error 1 on half → mean ½.
  const half = shift(x, [1]);
  for (let i = 0; i < 120; i += 2) half.data[i] += 1;
  const r = discreteMapL2(x, half, y);
  assert.equal(r.meanSquared, 0.5);
  assert.ok(Math.abs(r.value - Math.SQRT1_2) < 1e-15);
  assert.throws(() => discreteMapL2(x, x, eighthsCloud(rng, 100, 1)), /same n and d/);
});
