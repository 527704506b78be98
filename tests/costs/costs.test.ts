import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import { costError, meanTransportCost } from '../../lib/metrics/discrete';
import {
  gammaWeakCostMean,
  gammaWeakCostPerSample,
  quadraticCostMean,
  quadraticCostPerSample,
} from '../../lib/costs';

before(async () => {
  await selectBackend({ force: 'cpu', announce: false });
});

test('quadratic cost α‖x − y‖²: per sample and mean, by hand', () => {
  const x = tf.tensor2d([[0, 0], [1, 2], [3, -1]]);
  const y = tf.tensor2d([[3, 4], [1, 2], [0, 0]]);
  const per = quadraticCostPerSample(x, y, 0.5);
  assert.deepEqual(Array.from(per.dataSync()), [12.5, 0, 5]); // ½·25, 0, ½·10
  const mean = quadraticCostMean(x, y);
  assert.ok(Math.abs(mean.dataSync()[0] - 35 / 3) < 1e-5); // (25 + 0 + 10)/3 with α = 1
  for (const t of [x, y, per, mean]) t.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('quadratic cost refuses mismatched shapes and α ≤ 0', () => {
  const a = tf.zeros([2, 3]) as tf.Tensor2D;
  const b = tf.zeros([2, 2]) as tf.Tensor2D;
  assert.throws(() => quadraticCostMean(a, b), UserError);
  assert.throws(() => quadraticCostMean(a, a, 0), UserError);
  assert.throws(() => quadraticCostPerSample(a, a, Number.NaN), UserError);
  a.dispose();
  b.dispose();
});

test('D_cost by hand: E‖x − T(x)‖² and |W2² − E‖x − T(x)‖²| (lib/metrics/discrete)', () => {
  const x = { n: 2, d: 2, data: new Float32Array([0, 0, 1, 1]) };
  const y = { n: 2, d: 2, data: new Float32Array([1, 0, 1, 3]) };
  assert.equal(meanTransportCost(x, y), 2.5);
  assert.equal(costError(2, x, y).value, 0.5);
  assert.throws(() => meanTransportCost(x, { n: 1, d: 2, data: new Float32Array(2) }), UserError);
});

test('γ-weak cost by hand: x = 0, draws {1, 3}: ½·E z² = 2.5, unbiased Var = 2, C = 2.5 − γ', () => {
  const x = tf.tensor2d([[0]]);
  const draws = tf.tensor3d([[[1], [3]]]);
  for (const gamma of [0, 0.5, 1]) {
    const c = gammaWeakCostPerSample(x, draws, gamma);
    assert.ok(Math.abs(c.dataSync()[0] - (2.5 - gamma)) < 1e-6, `γ = ${gamma}`);
    c.dispose();
  }
  x.dispose();
  draws.dispose();
});

test('γ-weak cost equals an independent loop implementation on random data (B = 4, Z = 5, d = 3)', () => {
  const rng = new Rng(1);
  const B = 4;
  const Z = 5;
  const d = 3;
  const xs = rng.fillNormal(new Float32Array(B * d));
  const ts = rng.fillNormal(new Float32Array(B * Z * d), 1, 2);
  const gamma = 0.7;
  const want: number[] = [];
  for (let b = 0; b < B; b++) {
    let transport = 0;
    for (let z = 0; z < Z; z++) for (let j = 0; j < d; j++) transport += (xs[b * d + j] - ts[(b * Z + z) * d + j]) ** 2;
    transport = (0.5 * transport) / Z;
    let variance = 0;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let z = 0; z < Z; z++) m += ts[(b * Z + z) * d + j] / Z;
      for (let z = 0; z < Z; z++) variance += (ts[(b * Z + z) * d + j] - m) ** 2 / (Z - 1);
    }
    want.push(transport - (gamma / 2) * variance);
  }
  const x = tf.tensor2d(xs, [B, d]);
  const t = tf.tensor3d(ts, [B, Z, d]);
  const per = gammaWeakCostPerSample(x, t, gamma);
  const got = Array.from(per.dataSync());
  for (let b = 0; b < B; b++) assert.ok(Math.abs(got[b] - want[b]) < 1e-4 * (1 + Math.abs(want[b])));
  const mean = gammaWeakCostMean(x, t, gamma);
  assert.ok(Math.abs(mean.dataSync()[0] - want.reduce((s, v) => s + v, 0) / B) < 1e-4);
  // γ = 0 with identical draws is ½‖x − T(x)‖², the strong cost with α = ½
  const same = tf.tidy(() => tf.tile(tf.expandDims(tf.tensor2d([[1, 2, 3]]), 1), [1, 3, 1]) as tf.Tensor3D);
  const zero = tf.zeros([1, 3]) as tf.Tensor2D;
  const c0 = gammaWeakCostPerSample(zero, same, 0.9);
  assert.ok(Math.abs(c0.dataSync()[0] - 7) < 1e-6); // ½·14, no variance
  for (const v of [x, t, per, mean, same, zero, c0]) v.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('γ-weak cost refuses Z < 2, γ < 0 and mismatched shapes', () => {
  const x = tf.zeros([2, 3]) as tf.Tensor2D;
  const one = tf.zeros([2, 1, 3]) as tf.Tensor3D;
  const bad = tf.zeros([2, 4, 2]) as tf.Tensor3D;
  assert.throws(() => gammaWeakCostPerSample(x, one, 0.5), (e: unknown) => e instanceof UserError && /Z ≥ 2/.test(e.message));
  assert.throws(() => gammaWeakCostPerSample(x, bad, 0.5), UserError);
  assert.throws(() => gammaWeakCostPerSample(x, bad, -1), UserError);
  for (const v of [x, one, bad]) v.dispose();
});
