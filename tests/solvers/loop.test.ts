import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../lib/random';
import { mlpMap, mlpPotential } from '../../lib/nets';
import { otmMethod, train, trainRuns, type Method } from '../../lib/solvers';
import { diagonalGaussian } from '../helpers/samplers';
import { useTestBackend } from '../helpers/tf';

before(() => useTestBackend());

const source = diagonalGaussian([0, 0], [1, 1]);
const target = diagonalGaussian([2, -1], [2, 0.5]);

function tinyOtm(seed: number, hidden = 8): Method {
  const rng = new Rng(seed);
  return otmMethod({ potential: mlpPotential(rng, 2, [hidden]), map: mlpMap(rng, 2, { hidden: [hidden] }) }, { alpha: 0.5, r1: 0 });
}

async function weights(m: Method): Promise<number[]> {
  const out: number[] = [];
  for (const p of [...m.potentialParams, ...m.mapParams]) out.push(...((await p.variable.data()) as Float32Array));
  return out;
}

const base = { innerSteps: 2, batchSize: 16, adam: { lr: 1e-3, betas: [0, 0.9] as [number, number] }, seed: 4, logEvery: 5 };

test('no tensor leaks: tf.memory().numTensors is the same after iteration 10 and after iteration 1000', async () => {
  const m = tinyOtm(1);
  const counts = new Map<number, number>();
  await train(m, source, target, {
    ...base,
    iterations: 1000,
    innerSteps: 1,
    logEvery: 10,
    onLog: (row) => counts.set(row.iteration, tf.memory().numTensors),
  });
  assert.equal(counts.get(10), counts.get(1000), `tensors after 10: ${counts.get(10)}, after 1000: ${counts.get(1000)}`);
});

test('a group of runs leaks no tensors either (R = 3, one run frozen early, the others updated with a mask)', async () => {
  const rngs = [1, 2, 3].map((s) => new Rng(s));
  const m = otmMethod({ potential: mlpPotential(rngs, 2, [8]), map: mlpMap(rngs, 2, { hidden: [8] }) }, { alpha: 0.5, r1: 0 });
  const counts = new Map<number, number>();
  const runs = [0, 1, 2].map((r) => ({ source, target, seed: r, ...(r === 0 ? { onLog: (row: { iteration: number }) => counts.set(row.iteration, tf.memory().numTensors) } : {}) }));
  // Run 2's lr explodes (lr 1e6, one run of three): it is frozen early, the others go on.
  const results = await trainRuns(m, runs, { ...base, iterations: 300, innerSteps: 1, logEvery: 10, adam: { lr: [1e-3, 1e-3, 1e6], betas: [0, 0.9] } });
  assert.deepEqual(results.map((r) => r.status), ['completed', 'completed', 'diverged']);
  assert.equal(counts.get(10), counts.get(300), `tensors after 10: ${counts.get(10)}, after 300: ${counts.get(300)}`);
});

test('a resumed run ends with exactly the weights of an uninterrupted one (cpu backend)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otbook-resume-'));
  try {
    const full = tinyOtm(2);
    await train(full, source, target, { ...base, iterations: 40 });
    const expected = await weights(full);

    const first = tinyOtm(2);
    const controller = new AbortController();
    const r1 = await train(first, source, target, {
      ...base,
      iterations: 40,
      runDir: dir,
      checkpointEvery: 10,
      signal: controller.signal,
      onLog: (row) => {
        if (row.iteration === 15) controller.abort();
      },
    });
    assert.equal(r1.status, 'interrupted');
    assert.equal(r1.iterationsDone, 15);
    // A new process would build fresh nets with the same seed; different init values prove the restore works.
    const second = tinyOtm(99);
    const r2 = await train(second, source, target, { ...base, iterations: 40, runDir: dir, checkpointEvery: 10, resume: true });
    assert.equal(r2.resumedFrom, 15);
    assert.equal(r2.status, 'completed');
    assert.deepEqual(await weights(second), expected);
    // The loss log has one row per logged iteration, none duplicated by the resume.
    const rows = readFileSync(join(dir, 'loss.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    assert.deepEqual(rows, [5, 10, 15, 20, 25, 30, 35, 40]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same seed gives the same weights; another seed does not', async () => {
  const a = tinyOtm(3);
  const b = tinyOtm(3);
  const c = tinyOtm(3);
  await train(a, source, target, { ...base, iterations: 10 });
  await train(b, source, target, { ...base, iterations: 10 });
  await train(c, source, target, { ...base, iterations: 10, seed: 5 });
  assert.deepEqual(await weights(a), await weights(b));
  assert.notDeepEqual(await weights(a), await weights(c));
});

test('NaN in a loss stops the run with status diverged at the first bad iteration', async () => {
  const m = tinyOtm(4);
  const poisoned: Method = {
    ...m,
    mapLoss: (batch, ctx) => {
      const l = m.mapLoss(batch, ctx);
      return ctx.iteration >= 23 ? { ...l, total: tf.mul(l.total, NaN) as tf.Tensor1D } : l;
    },
  };
  const r = await train(poisoned, source, target, { ...base, iterations: 100, logEvery: 10 });
  assert.equal(r.status, 'diverged');
  assert.equal(r.divergedAt, 23);
  assert.ok(r.log.every((row) => row.iteration <= 20));
});
