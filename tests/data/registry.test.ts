import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import { availableW2BenchDims, figure1Pairs, getPair, listPairs, sampleTensor, type Pair } from '../../lib/data';

const NAMES = [
  'perpendicular',
  'parallel',
  'one-to-many',
  'one-to-many-sec32',
  'one-to-many-rotated',
  'multi-perpendicular',
  'g8g',
  'g25g',
  'moon-spiral',
  'g-circles',
  'gaussian-bures',
  'mnist-cmnist',
  'mix3tomix10',
  'w2-constructed',
];

test('listPairs names every registered pair once, with a summary', () => {
  const l = listPairs();
  assert.deepEqual(l.map((p) => p.name), NAMES);
  for (const p of l) assert.ok(p.summary.length > 10 && p.dims.length > 0);
});

test('every pair draws source and target of its dimension, as PointCloud and as tensor', async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const options: Record<string, { dim?: number; size?: number }> = {
    perpendicular: { dim: 4 },
    parallel: { dim: 4 },
    'one-to-many': { dim: 4 },
    'one-to-many-sec32': { dim: 2 },
    'one-to-many-rotated': { dim: 4 },
    'multi-perpendicular': { dim: 6 },
    'gaussian-bures': { dim: 3 },
    'mnist-cmnist': { size: 7 },
    mix3tomix10: { dim: 2 },
    'w2-constructed': { dim: 3 },
  };
  for (const name of NAMES) {
    const pair: Pair = getPair(name, options[name] ?? {});
    assert.equal(pair.name.length > 0, true);
    const rng = new Rng(1);
    for (const s of [pair.source, pair.target]) {
      assert.equal(s.dim, pair.dim, `${name}: ${s.name} dimension`);
      const p = s.sample(5, rng);
      assert.equal(p.n, 5);
      assert.equal(p.d, pair.dim);
      assert.ok(p.data.every(Number.isFinite), `${name}: ${s.name} draws finite values`);
      const t = sampleTensor(s, 3, rng);
      assert.deepEqual(t.shape, [3, pair.dim]);
      t.dispose();
    }
    if (pair.optimalPlan) {
      const x = pair.source.sample(4, rng);
      const y = pair.optimalPlan(x, rng);
      assert.equal(y.n, 4);
      assert.equal(y.d, pair.dim);
    }
    if (pair.w2Squared !== undefined) assert.ok(pair.w2Squared > 0, `${name}: W2² > 0`);
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('bad names and dimensions are UserErrors that say what is allowed', () => {
  assert.throws(() => getPair('circles'), (e: unknown) => e instanceof UserError && /allowed: perpendicular/.test(e.message));
  assert.throws(() => getPair('perpendicular', { dim: 3 }), UserError);
  assert.throws(() => getPair('g8g', { dim: 4 }), UserError);
  assert.throws(() => getPair('mnist-cmnist', { size: 7, dim: 10 }), UserError);
});

test('mix3tomix10: real data when present, the labelled stand-in when absent (unless refused)', () => {
  const absent = getPair('mix3tomix10', { dim: 3, w2benchDir: '/nonexistent/w2bench' });
  assert.equal(absent.isStandIn, true);
  assert.match(absent.name, /constructed/);
  assert.throws(() => getPair('mix3tomix10', { dim: 3, w2benchDir: '/nonexistent/w2bench', allowStandIn: false }), UserError);
  if (availableW2BenchDims().includes(4)) {
    const real = getPair('mix3tomix10', { dim: 4 });
    assert.equal(real.isStandIn, false);
    assert.equal(real.name, 'mix3tomix10-d4');
  }
});

test('figure1Pairs are the three Sec. 3.2 examples at d = 2 (Example 3 on [0, 1])', () => {
  const [a, b, c] = figure1Pairs();
  assert.deepEqual([a.name, b.name, c.name], ['perpendicular', 'parallel', 'one-to-many-sec32']);
  const x = c.source.sample(1000, new Rng(2));
  for (let i = 0; i < 1000; i++) assert.ok(x.data[2 * i] >= 0 && x.data[2 * i] <= 1 && x.data[2 * i + 1] === 0);
});
