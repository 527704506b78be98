import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import {
  multiPerpendicularPair,
  oneToManyPair,
  oneToManySec32Pair,
  parallelPair,
  perpendicularPair,
  sampleTensor,
  MULTI_PERPENDICULAR_LEVELS,
  type PointCloud,
} from '../../lib/data';

const N = 20_000;

/** Mean and variance of coordinate j. */
function moments(p: PointCloud, j: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < p.n; i++) {
    const v = p.data[i * p.d + j];
    s += v;
    s2 += v * v;
  }
  const mean = s / p.n;
  return { mean, variance: s2 / p.n - mean * mean };
}

/** Checks U([lo, hi]) on coordinate j: range, mean and variance within 6 standard errors. */
function assertUniform(p: PointCloud, j: number, lo: number, hi: number): void {
  const { mean, variance } = moments(p, j);
  const w = hi - lo;
  for (let i = 0; i < p.n; i++) {
    const v = p.data[i * p.d + j];
    assert.ok(v >= lo && v <= hi, `coordinate ${j} value ${v} outside [${lo}, ${hi}]`);
  }
  // SE of the mean: w/√(12n); SE of the variance of a uniform: w²·√(1/180)/√n (4th central moment w⁴/80).
  assert.ok(Math.abs(mean - (lo + hi) / 2) < (6 * w) / Math.sqrt(12 * p.n), `coordinate ${j} mean ${mean}`);
  assert.ok(Math.abs(variance - (w * w) / 12) < (6 * w * w) / Math.sqrt(180 * p.n), `coordinate ${j} variance ${variance}`);
}

function assertConstant(p: PointCloud, j: number, value: number): void {
  for (let i = 0; i < p.n; i++) assert.equal(p.data[i * p.d + j], value, `coordinate ${j} of point ${i}`);
}

test('odd or non-integer dimensions are refused with a UserError naming the pair', () => {
  for (const make of [perpendicularPair, parallelPair, oneToManyPair, oneToManySec32Pair, multiPerpendicularPair]) {
    for (const d of [3, 1, 0, 2.5]) assert.throws(() => make(d), (e: unknown) => e instanceof UserError && /even/.test(e.message));
  }
});

test('Perpendicular (App. E.1, d = 6): x = (U([−1,1]^3), 0), y = (0, U([−1,1]^3)); T* lands on the target', () => {
  const d = 6;
  const n = d / 2;
  const pair = perpendicularPair(d);
  const rng = new Rng(1);
  const x = pair.source.sample(N, rng);
  const y = pair.target.sample(N, rng);
  for (let j = 0; j < n; j++) {
    assertUniform(x, j, -1, 1);
    assertConstant(x, n + j, 0);
    assertConstant(y, j, 0);
    assertUniform(y, n + j, -1, 1);
  }
  const tx = pair.optimalMap!(x);
  for (let j = 0; j < n; j++) {
    assertConstant(tx, j, 0);
    assertUniform(tx, n + j, -1, 1);
  }
});

test('Parallel (d = 4): y = (U, e1); T*(x) = (x1, e1) exactly', () => {
  const d = 4;
  const pair = parallelPair(d);
  const rng = new Rng(2);
  const y = pair.target.sample(N, rng);
  assertUniform(y, 0, -1, 1);
  assertUniform(y, 1, -1, 1);
  assertConstant(y, 2, 1);
  assertConstant(y, 3, 0);
  const x = pair.source.sample(100, rng);
  const tx = pair.optimalMap!(x);
  for (let i = 0; i < 100; i++) assert.deepEqual(Array.from(tx.data.subarray(i * 4, i * 4 + 4)), [x.data[i * 4], x.data[i * 4 + 1], 1, 0]);
});

test('One-to-Many: y2 = ±e1 with probability ½ (binomial, 6σ); the plan keeps x1 and picks ±e1 fairly', () => {
  for (const [pair, lo] of [
    [oneToManyPair(4), -1],
    [oneToManySec32Pair(4), 0],
  ] as const) {
    const rng = new Rng(3);
    const x = pair.source.sample(N, rng);
    const y = pair.target.sample(N, rng);
    assertUniform(x, 0, lo, 1);
    assertUniform(x, 1, lo, 1);
    assertUniform(y, 0, lo, 1);
    assertConstant(y, 3, 0);
    const plan = pair.optimalPlan!(x, rng);
    for (const cloud of [y, plan]) {
      let up = 0;
      for (let i = 0; i < N; i++) {
        const v = cloud.data[i * 4 + 2];
        assert.ok(v === 1 || v === -1);
        if (v === 1) up++;
      }
      assert.ok(Math.abs(up / N - 0.5) < 6 * Math.sqrt(0.25 / N), `share of +e1: ${up / N}`);
    }
    for (let i = 0; i < N; i++) {
      assert.equal(plan.data[i * 4], x.data[i * 4]);
      assert.equal(plan.data[i * 4 + 1], x.data[i * 4 + 1]);
    }
  }
});

test('Multi-Perpendicular (d = 4): levels of ℙ are equally likely; T* pushes μ to ν (marginals and independence)', () => {
  const d = 4;
  const pair = multiPerpendicularPair(d);
  const rng = new Rng(4);
  const x = pair.source.sample(N, rng);
  const y = pair.target.sample(N, rng);
  const tx = pair.optimalMap!(x);
  const levelCounts = (p: PointCloud, j: number) => {
    const c = [0, 0, 0, 0];
    for (let i = 0; i < p.n; i++) {
      const k = MULTI_PERPENDICULAR_LEVELS.indexOf(p.data[i * p.d + j]);
      assert.ok(k >= 0, `value ${p.data[i * p.d + j]} is not a level of ℙ`);
      c[k]++;
    }
    return c;
  };
  // chi-square with 3 dof: 30 has p ≈ 1e-6
  const chi = (c: number[]) => c.reduce((s, v) => s + (v - N / 4) ** 2 / (N / 4), 0);
  assert.ok(chi(levelCounts(x, 2)) < 30);
  assert.ok(chi(levelCounts(y, 0)) < 30);
  assert.ok(chi(levelCounts(tx, 0)) < 30);
  assertConstant(x, 3, 0);
  assertConstant(y, 1, 0);
  assertConstant(tx, 1, 0);
  assertUniform(tx, 2, -1, 1);
  assertUniform(tx, 3, -1, 1);
  // ν has y1 independent of y2: E[y1[0]·y2[0]] = 0 under T*#μ as well (6 SE; Var of the product ≤ 9/16·1/3).
  let cross = 0;
  for (let i = 0; i < N; i++) cross += tx.data[i * 4] * tx.data[i * 4 + 2];
  assert.ok(Math.abs(cross / N) < 6 * Math.sqrt(0.1875 / N), `E[y1·y2] = ${cross / N}`);
});

test('draws are seeded by the Rng only: same seed same points, different seed different points', () => {
  const pair = multiPerpendicularPair(2);
  const a = pair.source.sample(50, new Rng(9));
  const b = pair.source.sample(50, new Rng(9));
  const c = pair.source.sample(50, new Rng(10));
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, c.data);
});

test('sampleTensor gives the same draw as a [n, d] float32 tensor', async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const pair = oneToManyPair(2);
  const t = sampleTensor(pair.target, 7, new Rng(5));
  const p = pair.target.sample(7, new Rng(5));
  assert.deepEqual(t.shape, [7, 2]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(Array.from(t.dataSync()), Array.from(p.data));
  t.dispose();
  assert.equal(tf.memory().numTensors, 0);
});
