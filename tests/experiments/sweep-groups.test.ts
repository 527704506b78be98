import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../../lib/solvers';
import { otbook, otbookInterrupted } from '../helpers/cli';
import { inTempDir } from '../helpers/tmp';

// Fig. 3's OTP cells at the smoke scale (4 pairs, 40 iterations, a checkpoint every 4): one group of 4.
const CELLS = ['perpendicular', 'parallel', 'one-to-many', 'multi-perpendicular'].map((p) => `d2-${p}-otp-s0`);
const args = (out: string) => ['run', 'fig3', '--scale', 'smoke', '--cells', CELLS.join(','), '--out', out];
const env = { OTBOOK_BACKEND: 'cpu', OTBOOK_GROUP_SIZE: '4' };

/** A cell's final weights and metrics (what must not depend on how the sweep was run). */
function cellState(dir: string): unknown {
  const record = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { status: string; metrics: Record<string, unknown> };
  const { evalSeconds: _e, ...metrics } = record.metrics;
  const { params, optimizers, rng, iteration } = readCheckpoint(dir);
  return { status: record.status, metrics, params, optimizers, rng, iteration, losses: readFileSync(join(dir, 'loss.csv'), 'utf8').split('\n').map((l) => l.split(',').filter((_, i) => i !== 1).join(',')) };
}

test('kill -9 during a batched sweep, then the same command: every run of the group ends exactly as uninterrupted', () =>
  inTempDir('sweep-kill', async (root) => {
    const whole = join(root, 'whole');
    const r = otbook(args(whole), env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /in a group of 4/);
    const cut = join(root, 'cut');
    const killed = await otbookInterrupted(args(cut), () => CELLS.some((c) => existsSync(join(cut, c, 'checkpoint.bin'))), env, 'SIGKILL');
    assert.equal(killed.code, null, 'killed by SIGKILL');
    assert.ok(CELLS.every((c) => !existsSync(join(cut, c, 'metrics.json'))), 'killed before any cell finished');
    const resumed = otbook(args(cut), env);
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const c of CELLS) assert.deepEqual(cellState(join(cut, c)), cellState(join(whole, c)), c);
  }));
