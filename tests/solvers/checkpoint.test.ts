import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../lib/errors';
import { Rng } from '../../lib/random';
import { mlpMap, mlpPotential } from '../../lib/nets';
import { loadWeights, otmMethod, readCheckpoint, train, writeCheckpoint, type Checkpoint, type Method } from '../../lib/solvers';
import { diagonalGaussian } from '../helpers/samplers';
import { otbook } from '../helpers/cli';
import { inTempDir } from '../helpers/tmp';
import { useTestBackend } from '../helpers/tf';

before(() => useTestBackend('cpu'));

const source = diagonalGaussian([0, 0], [1, 1]);
const target = diagonalGaussian([2, -1], [2, 0.5]);
const base = { innerSteps: 2, batchSize: 16, adam: { lr: 1e-3, betas: [0, 0.9] as [number, number] }, seed: 4, logEvery: 5 };

function tinyOtm(seed: number, hidden = 8): Method {
  const rng = new Rng(seed);
  return otmMethod({ potential: mlpPotential(rng, 2, [hidden]), map: mlpMap(rng, 2, { hidden: [hidden] }) }, { alpha: 0.5, r1: 0 });
}

function sample(): Checkpoint {
  return {
    iteration: 7,
    rng: new Rng(1).getState(),
    params: { 'T.0.W': { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) } },
    optimizers: { map: { step: 7, m: { 'T.0.W': new Float32Array(6).fill(0.5) }, v: { 'T.0.W': new Float32Array(6).fill(0.25) } } },
    meta: { configHash: 'abc' },
  };
}

/** Runs fn and returns the UserError it throws (fails unless it throws one, with one line). */
function userError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
    assert.equal(e.message.split('\n').length, 1);
    return e.message;
  }
  assert.fail('no error thrown');
}

test('a checkpoint reads back exactly what was written', () =>
  inTempDir('ck', async (dir) => {
    writeCheckpoint(dir, sample());
    const back = readCheckpoint(dir);
    assert.equal(back.iteration, 7);
    assert.deepEqual(back.params, sample().params);
    assert.deepEqual(back.optimizers, sample().optimizers);
    assert.deepEqual(back.meta, { configHash: 'abc' });
  }));

test('a flipped bit, a truncation, an empty file or a foreign file is a one-line UserError naming the file', () =>
  inTempDir('ck', async (dir) => {
    const file = join(dir, 'checkpoint.bin');
    writeCheckpoint(dir, sample());
    const good = readFileSync(file);
    // Every single-bit flip in the data is caught (the header's JSON is covered by the same checksum).
    for (const at of [20, good.length - 60, good.length - 40, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x10;
      writeFileSync(file, bad);
      assert.match(userError(() => readCheckpoint(dir)), /checkpoint\.bin is (corrupt|truncated)/);
    }
    writeFileSync(file, good);
    truncateSync(file, good.length - 10);
    assert.match(userError(() => readCheckpoint(dir)), /checkpoint\.bin is (corrupt|truncated)/);
    truncateSync(file, 5);
    assert.match(userError(() => readCheckpoint(dir)), /truncated/);
    writeFileSync(file, '');
    assert.match(userError(() => readCheckpoint(dir)), /checkpoint\.bin is empty/);
    writeFileSync(file, 'PK\u0003\u0004 something else entirely');
    assert.match(userError(() => readCheckpoint(dir)), /is not an otbook checkpoint/);
  }));

test("a checkpoint of other networks is a UserError when loaded (not an internal error)", () =>
  inTempDir('ck', async (dir) => {
    await train(tinyOtm(1, 8), source, target, { ...base, iterations: 5, runDir: dir });
    const wider = tinyOtm(1, 12);
    assert.match(userError(() => loadWeights(wider, dir)), /does not match this run's networks: parameter/);
  }));

test('temporary files left by a writer killed mid-write (checkpoint.bin.tmp-PID of a dead process) are removed', () =>
  inTempDir('ck', async (dir) => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    assert.ok(dead);
    writeFileSync(join(dir, `checkpoint.bin.tmp-${dead}`), Buffer.alloc(1000));
    await train(tinyOtm(2), source, target, { ...base, iterations: 10, runDir: dir, checkpointEvery: 5 });
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
  }));

test('resuming a partial run whose checkpoint was deleted is a UserError, not a silent restart from 0', () =>
  inTempDir('ck', async (dir) => {
    const controller = new AbortController();
    await train(tinyOtm(3), source, target, {
      ...base, iterations: 40, runDir: dir, checkpointEvery: 10, signal: controller.signal,
      onLog: (row) => row.iteration === 25 && controller.abort(),
    });
    unlinkSync(join(dir, 'checkpoint.bin'));
    await assert.rejects(
      train(tinyOtm(3), source, target, { ...base, iterations: 40, runDir: dir, checkpointEvery: 10, resume: true }),
      (e: unknown) => e instanceof UserError && /cannot resume in .*: its loss log reaches iteration 25 but checkpoint\.bin is missing/.test(e.message),
    );
    // The log of the partial run is left as it was.
    assert.match(readFileSync(join(dir, 'loss.csv'), 'utf8'), /\n25,/);
    // A run killed before its first checkpoint was due has nothing to lose: it starts over.
    await inTempDir('ck', async (early) => {
      await train(tinyOtm(3), source, target, { ...base, iterations: 5, runDir: early, checkpointEvery: 10 });
      unlinkSync(join(early, 'checkpoint.bin'));
      const r = await train(tinyOtm(3), source, target, { ...base, iterations: 5, runDir: early, checkpointEvery: 10, resume: true });
      assert.equal(r.resumedFrom, undefined);
    });
  }));

test('otbook eval on a run whose checkpoint has a flipped bit: exit 2 and one line on stderr', () =>
  inTempDir('ck-cli', async (dir) => {
    const train = otbook(['train', '--method', 'otm', '--pair', 'one-to-many', '--iterations', '4', '--inner-steps', '1', '--hidden', '8', '--out', dir], { OTBOOK_BACKEND: 'cpu' });
    assert.equal(train.code, 0, train.stderr);
    const file = join(dir, 'checkpoint.bin');
    assert.ok(existsSync(file));
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(file, bytes);
    const r = otbook(['eval', '--model', dir], { OTBOOK_BACKEND: 'cpu' });
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('otbook: tensor backend'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /checkpoint\.bin is corrupt/);
  }));
