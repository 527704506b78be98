import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../lib/random';
import { resolveConfig } from '../../lib/experiments/defaults';
import { buildRun, loadRunPlan, trainOptions } from '../../lib/experiments/build';
import type { TrainConfigInput } from '../../lib/experiments/config';
import { disposeMethod, samplePoints, train, transportPoints, type TransportPlan } from '../../lib/solvers';
import { noiseAt, smoothTensor } from '../../lib/schedules';
import type { TransportMap } from '../../lib/nets';
import { noiseSchedule } from '../../lib/experiments/build';
import { useTestBackend } from '../helpers/tf';

before(() => useTestBackend('cpu'));

const small = { iterations: 6, innerSteps: 2, batchSize: 16, potential: { hidden: [8] }, map: { hidden: [8] }, logEvery: 3, checkpointEvery: 3 };
const CONFIGS: Record<string, TrainConfigInput> = {
  otm: { method: 'otm', pair: 'one-to-many', ...small },
  'otm-s': { method: 'otm-s', pair: 'perpendicular', dim: 4, ...small },
  otp: { method: 'otp', pair: 'one-to-many', ...small, smoothing: { period: 2 } },
  'otp-cns': { method: 'otp', pair: 'perpendicular', ...small, smoothing: { schedule: 'constant' } },
  'otp-icnn': { method: 'otp', pair: 'perpendicular', ...small, potential: { kind: 'icnn', hidden: [8, 8], activation: 'softplus' }, smoothing: { period: 2 } },
  not: { method: 'not', pair: 'one-to-many', ...small, potential: { hidden: [8] }, map: { hidden: [8] } },
  diotm: { method: 'diotm', pair: 'g8g', iterations: 3, batchSize: 16, diotm: { regularizer: 'hjb', width: 8 }, map: { hidden: [8] }, logEvery: 3, checkpointEvery: 3 },
};

const values = async (t: tf.Tensor): Promise<number[]> => {
  const v = Array.from((await t.data()) as Float32Array);
  t.dispose();
  return v;
};

for (const [name, input] of Object.entries(CONFIGS)) {
  test(`${name}: the plan after training equals the plan loaded from its run folder, and sample(x, k) is k draws per row`, async () => {
    const config = resolveConfig({ ...input, seed: 2 });
    const dir = mkdtempSync(join(tmpdir(), `otbook-plan-${name}-`));
    const { pair, method } = buildRun(config);
    let trained: TransportPlan | null = null;
    let loaded: TransportPlan | null = null;
    try {
      await train(method, pair.source, pair.target, { ...trainOptions(config), runDir: dir });
      trained = method.plan();
      loaded = loadRunPlan(config, dir);
      assert.equal(trained.method, config.method);
      assert.equal(trained.dim, config.dim);
      // OTM's map is deterministic; every other method draws noise (a stochastic map, or OTP's smoothing).
      assert.equal(trained.stochastic, name !== 'otm');
      const x = pair.source.sample(50, new Rng(11));
      const a = await transportPoints(trained, x, new Rng(5));
      const b = await transportPoints(loaded, x, new Rng(5));
      assert.deepEqual(b.data, a.data);
      assert.ok(a.data.every(Number.isFinite));
      // k draws per row = transporting k consecutive copies of each row with the same stream.
      const k = 3;
      const s = await samplePoints(trained, x, k, new Rng(7));
      const xs = tf.tensor2d(x.data, [x.n, x.d]);
      const direct = await values(trained.sample(xs, k, new Rng(7)));
      xs.dispose();
      assert.deepEqual(Array.from(s.data), direct);
      const first = Array.from(s.data.subarray(0, x.d));
      const second = Array.from(s.data.subarray(x.d, 2 * x.d));
      if (trained.stochastic) assert.notDeepEqual(second, first);
      else assert.deepEqual(second, first);
    } finally {
      trained?.dispose();
      loaded?.dispose();
      disposeMethod(method);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("OTP's plan owns its smoothing: x̃ = x + σ z at the level of the last outer iteration (σ_min), then T(x̃)", async () => {
  const config = resolveConfig({ ...CONFIGS.otp, seed: 1 });
  const { pair, method } = buildRun(config);
  const plan = method.plan();
  try {
    const x = pair.source.sample(40, new Rng(3));
    const xt = tf.tensor2d(x.data, [x.n, x.d]);
    const level = noiseAt(config.iterations - 1, noiseSchedule(config.smoothing ?? assert.fail('no smoothing'), config.iterations));
    assert.equal(level.sigma, config.smoothing?.sigmaMin);
    const z = tf.tensor2d(new Rng(9).fillNormal(new Float32Array(x.n * x.d)), [x.n, x.d]);
    const expected = await values(smoothTensor(xt, z, level.epsilon, level.smoothing));
    const smoothed = await values((plan.smoothSource ?? assert.fail('OTP plan without smoothSource'))(xt, new Rng(9)));
    assert.deepEqual(smoothed, expected);
    // T is applied to exactly that x̃ (the map is deterministic here, so its draws use no further noise).
    const viaPlan = await values(plan.transport(xt, new Rng(9)));
    const map = method.nets.map as TransportMap;
    const viaMap = await values(tf.tidy(() => map.apply(tf.tensor3d(expected, [1, x.n, x.d]))));
    assert.deepEqual(viaPlan, viaMap);
    tf.dispose([xt, z]);
  } finally {
    plan.dispose();
    disposeMethod(method);
  }
});

test('using a plan leaks no tensors', async () => {
  const config = resolveConfig({ ...CONFIGS['otm-s'], seed: 1 });
  const { pair, method } = buildRun(config);
  const plan = method.plan();
  try {
    const x = pair.source.sample(30, new Rng(3));
    await transportPoints(plan, x, new Rng(1));
    const before = tf.memory().numTensors;
    await transportPoints(plan, x, new Rng(1));
    await samplePoints(plan, x, 4, new Rng(1));
    assert.equal(tf.memory().numTensors, before);
  } finally {
    plan.dispose();
    disposeMethod(method);
  }
});
