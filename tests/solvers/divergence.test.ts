import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getPair } from '../../lib/data';
import { Rng } from '../../lib/random';
import { mlpMap, mlpPotential } from '../../lib/nets';
import { DIVERGENCE_FACTOR, lossBound, otmMethod, readCheckpoint, train, type Method } from '../../lib/solvers';
import { inTempDir } from '../helpers/tmp';
import { useTestBackend } from '../helpers/tf';

before(() => useTestBackend('cpu'));

const pair = getPair('one-to-many', { dim: 2 });

function smallOtm(seed: number): Method {
  const rng = new Rng(seed);
  return otmMethod({ potential: mlpPotential(rng, 2, [16]), map: mlpMap(rng, 2, { hidden: [16] }) }, { alpha: 1, r1: 0 });
}

const base = { innerSteps: 3, batchSize: 32, seed: 1 };

const loggedIterations = (dir: string): number[] =>
  existsSync(join(dir, 'loss.csv')) ? readFileSync(join(dir, 'loss.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0])) : [];

test('the loss bound is DIVERGENCE_FACTOR times the data scale E|x|² + E|y|² (at least 1), from a stream of its own', () => {
  // One-to-Many at d = 2 (App. E.1): x = (x1, 0), x1 ~ U[−1, 1]; y = (x1, ±1): E|x|² = 1/3, E|y|² = 4/3.
  const bound = lossBound(pair.source, pair.target, 0);
  assert.ok(Math.abs(bound / DIVERGENCE_FACTOR - 5 / 3) < 0.1, `bound ${bound}`);
  assert.equal(lossBound(pair.source, pair.target, 0), bound);
  const far = getPair('gaussian-bures', { dim: 2, gaussians: { source: { mean: [100, 0], covariance: [1, 0, 0, 1] }, target: { mean: [0, 0], covariance: [1, 0, 0, 1] } } });
  assert.ok(lossBound(far.source, far.target, 0) > 5000 * DIVERGENCE_FACTOR);
});

test('a step size that explodes without NaN (lr 1e6: losses ~1e28) is diverged, not completed; iterationsDone = divergedAt', () =>
  inTempDir('div', async (dir) => {
    const r = await train(smallOtm(2), pair.source, pair.target, { ...base, iterations: 60, adam: { lr: 1e6, betas: [0, 0.9] }, logEvery: 10, runDir: dir, checkpointEvery: 10 });
    assert.equal(r.status, 'diverged');
    assert.ok(r.divergedAt !== undefined && r.divergedAt < 10, `divergedAt ${r.divergedAt}`);
    assert.equal(r.iterationsDone, r.divergedAt);
    // Nothing logged or saved from the diverged window.
    assert.deepEqual(loggedIterations(dir), []);
    assert.equal(existsSync(join(dir, 'checkpoint.bin')), false);
  }));

test('NaN weights are never checkpointed; a NaN update found by the weight probe dates the divergence to its iteration', () =>
  inTempDir('div', async (dir) => {
    const m = smallOtm(3);
    const first = m.mapParams[0].variable;
    // At iteration 14 (the last of the window 10–14) the map's loss gets a term whose value is 0 but whose
    // gradient is NaN (0·√(p − p), d/dp at 0 is 0·∞): the losses of iteration 14 are finite, its update is not.
    const poisoned: Method = {
      ...m,
      mapLoss: (batch, ctx) => {
        const l = m.mapLoss(batch, ctx);
        if (ctx.iteration !== 14) return l;
        const trap = tf.mul(tf.sum(tf.sqrt(tf.sub(first, first))), 0);
        return { ...l, total: tf.add(l.total, trap) as tf.Tensor1D };
      },
    };
    const r = await train(poisoned, pair.source, pair.target, { ...base, iterations: 40, adam: { lr: 1e-3, betas: [0, 0.9] }, logEvery: 5, runDir: dir, checkpointEvery: 15 });
    assert.equal(r.status, 'diverged');
    assert.equal(r.divergedAt, 14);
    assert.equal(r.iterationsDone, 14);
    assert.deepEqual(loggedIterations(dir), [5, 10]);
    // The first checkpoint was due at 15, after the NaN update: it must not have been written.
    assert.equal(existsSync(join(dir, 'checkpoint.bin')), false);
  }));

test('a loss that explodes at iteration 25, checkpoints every 10: the last checkpoint is 20, finite; iterationsDone = divergedAt = 25', () =>
  inTempDir('div', async (dir) => {
    // Losses ×1e30 from iteration 25 on: finite (so the old NaN check let such runs complete), far past the bound.
    const m = smallOtm(4);
    const exploding: Method = {
      ...m,
      mapLoss: (batch, ctx) => {
        const l = m.mapLoss(batch, ctx);
        return ctx.iteration >= 25 ? { ...l, total: tf.mul(l.total, 1e30) as tf.Tensor1D } : l;
      },
    };
    const r = await train(exploding, pair.source, pair.target, { ...base, iterations: 100, adam: { lr: 1e-3, betas: [0, 0.9] }, logEvery: 100, runDir: dir, checkpointEvery: 10 });
    assert.equal(r.status, 'diverged');
    assert.equal(r.divergedAt, 25);
    assert.equal(r.iterationsDone, 25);
    const ck = readCheckpoint(dir);
    assert.equal(ck.iteration, 20);
    for (const [name, p] of Object.entries(ck.params)) assert.ok(p.values.every(Number.isFinite), name);
  }));
