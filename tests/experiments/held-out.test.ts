import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../lib/backend';
import { getPair } from '../../lib/data';
import type { PointCloud } from '../../lib/points';
import { resolveConfig } from '../../lib/experiments/defaults';
import { evaluateRun } from '../../lib/experiments/evaluate';
import type { Rng } from '../../lib/random';
import type { TransportPlan } from '../../lib/solvers';

/** A plan made of a point function (for tests: the pair's own OT plan, or a fixed colouring). */
function planOf(draw: (x: PointCloud, rng: Rng) => PointCloud, stochastic: boolean): TransportPlan {
  const transport = (x: tf.Tensor2D, rng: Rng): tf.Tensor2D => {
    const [n, d] = x.shape;
    const y = draw({ n, d, data: x.dataSync() as Float32Array }, rng);
    return tf.tensor2d(y.data, [n, d]);
  };
  return {
    method: 'otm-s',
    dim: 768,
    stochastic,
    transport,
    sample: () => {
      throw new Error('not used');
    },
    dispose: () => undefined,
  };
}

/** Every grey digit in one channel (0 red, 1 green, 2 blue): a deterministic colouring. */
const colourAll = (channel: number) => (x: PointCloud): PointCloud => {
  const data = new Float32Array(x.data.length).fill(-1);
  for (let i = 0; i < x.data.length; i += 3) data[i + channel] = x.data[i];
  return { n: x.n, d: x.d, data };
};

const config = resolveConfig({ method: 'otm-s', pair: 'mnist-cmnist', dim: 768, imageSize: 16, eval: { n: 100 } });

test('evaluation records held-out plan draws: the OT plan colours each digit uniformly and keeps it', async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const pair = getPair('mnist-cmnist', { size: 16 });
  const probe = pair.heldOutProbe;
  assert.ok(probe && probe.n === 200 && probe.draws === 8);
  const before = tf.memory().numTensors;
  const { metrics, samples } = await evaluateRun(planOf((x, rng) => (pair.optimalPlan as NonNullable<typeof pair.optimalPlan>)(x, rng), true), pair, config);
  assert.equal(tf.memory().numTensors, before);
  const h = metrics.heldOut;
  assert.ok(h);
  assert.deepEqual([h.split, h.n, h.draws], ['test', 200, 8]);
  // Under the plan each colour has share ⅓: 1600 draws give a standard deviation of 0.012, so ±0.06 is 5 of them.
  for (const s of h.shares) assert.ok(Math.abs(s - 1 / 3) < 0.06, `share ${s}`);
  assert.equal(h.unassigned, 0);
  // The digit is kept exactly (its grey level is the coloured channel), while other digits score far from 0.
  assert.equal(h.preservation, 0);
  assert.ok(h.preservationBaseline > 0.02, `baseline ${h.preservationBaseline}`);
  // Per input, 8 uniform colours take one colour only with probability 3·3⁻⁸: at most a few of 200 inputs.
  assert.equal(h.distinctModes.reduce((a, b) => a + b, 0), 200);
  assert.equal(h.distinctModes[0], 0);
  assert.ok(h.distinctModes[1] <= 2, `${h.distinctModes}`);
  assert.deepEqual(h.tint.map((t) => Math.abs(t - 1 / 3) < 0.06), [true, true, true]);
  assert.equal(h.purity, 1);
  // Kept for the image grid: 8 inputs at every coordinate and the first 4 draws for them.
  const kept = samples.heldOut;
  assert.ok(kept);
  assert.deepEqual([kept.inputs.length, kept.inputs[0].length, kept.draws.length, kept.draws[0].length, kept.draws[0][0].length], [8, 768, 4, 8, 768]);
});

test('a deterministic colouring takes one colour per digit; the same seed sees the same held-out digits', async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const pair = getPair('mnist-cmnist', { size: 16 });
  const blue = await evaluateRun(planOf(colourAll(2), false), pair, config);
  const red = await evaluateRun(planOf(colourAll(0), false), pair, config);
  assert.deepEqual(blue.metrics.heldOut?.shares, [0, 0, 1]);
  assert.deepEqual(blue.metrics.heldOut?.distinctModes, [0, 200, 0, 0]);
  assert.deepEqual(red.metrics.heldOut?.shares, [1, 0, 0]);
  assert.equal(blue.metrics.heldOut?.preservation, 0);
  assert.deepEqual(blue.samples.heldOut?.inputs, red.samples.heldOut?.inputs);
  // The kept draw is the input in the blue channel, the other channels dark.
  const x = blue.samples.heldOut?.inputs[0] ?? [];
  const y = blue.samples.heldOut?.draws[0][0] ?? [];
  for (let p = 0; p < x.length; p += 3) assert.deepEqual([y[p], y[p + 1], y[p + 2]], [-1, -1, x[p]]);
  // Grey outputs (the input itself) are no colour at all.
  const grey = await evaluateRun(planOf((x) => x, false), pair, config);
  assert.deepEqual([grey.metrics.heldOut?.unassigned, grey.metrics.heldOut?.distinctModes[0]], [1, 200]);
});
