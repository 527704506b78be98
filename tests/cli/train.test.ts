import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../../lib/solvers/checkpoint';
import { Rng } from '../../lib/random';
import { otbook, otbookInterrupted } from '../helpers/cli';
import { loadNative } from '../../lib/backend/kernels/native';

const tmp = mkdtempSync(join(tmpdir(), 'otbook-train-'));
const cpu = { OTBOOK_BACKEND: 'cpu' };

function writeCloud(path: string, n: number, shift: number, seed: number): void {
  const r = new Rng(seed);
  const rows = ['a,b'];
  for (let i = 0; i < n; i++) rows.push(`${(r.normal() + shift).toFixed(5)},${(0.5 * r.normal()).toFixed(5)}`);
  writeFileSync(path, `${rows.join('\n')}\n`);
}
const src = join(tmp, 'source.csv');
const tgt = join(tmp, 'target.csv');
writeCloud(src, 300, 0, 1);
writeCloud(tgt, 300, 3, 2);
const common = ['--method', 'otp', '--source', src, '--target', tgt, '--hidden', '16', '--batch-size', '32', '--inner-steps', '2'];

test('train on CSV point clouds with no config file; eval and map reuse the run', () => {
  const out = join(tmp, 'run');
  const r = otbook(['train', ...common, '--iterations', '30', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /completed after 30\/30 iterations/);
  const record = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.equal(record.status, 'completed');
  // The best backend present: cpu with the native kernels when they are built, else wasm.
  assert.equal(record.backend.choice, loadNative().addon ? 'cpu' : 'wasm');
  assert.ok(record.versions['@tensorflow/tfjs-core']);
  assert.equal(record.metrics.n, 1000);
  assert.ok(Number.isFinite(record.metrics.dTarget));
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.deepEqual([config.iterations, config.map.hidden, config.smoothing.sigmaMax], [30, [16], 0.2]);
  assert.match(readFileSync(join(out, 'loss.csv'), 'utf8'), /^iteration,seconds,potential,/);

  const ev = otbook(['eval', '--model', out, '--n', '100']);
  assert.equal(ev.code, 0, ev.stderr);
  assert.equal(JSON.parse(ev.stdout).n, 100);

  const mapped = join(tmp, 'mapped.csv');
  const m = otbook(['map', '--model', out, '--input', src, '--output', mapped, '--samples', '3']);
  assert.equal(m.code, 0, m.stderr);
  const lines = readFileSync(mapped, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'input_row,y1,y2');
  assert.equal(lines.length, 1 + 300 * 3);
  assert.ok(lines.slice(1).every((l) => l.split(',').length === 3 && l.split(',').every((v) => Number.isFinite(Number(v)))));
  // OTP's plan is stochastic: the three samples of a point differ.
  assert.notEqual(lines[1].split(',')[1], lines[2].split(',')[1]);
});

test('Ctrl-C writes a checkpoint and exits 130; --resume ends with the weights of an uninterrupted run (cpu)', async () => {
  const full = join(tmp, 'full');
  assert.equal(otbook(['train', ...common, '--iterations', '60', '--checkpoint-every', '5', '--out', full], cpu).code, 0);
  const cut = join(tmp, 'cut');
  const r = await otbookInterrupted(['train', ...common, '--iterations', '60', '--checkpoint-every', '5', '--out', cut], () => existsSync(join(cut, 'checkpoint.bin')), cpu);
  assert.equal(r.code, 130, r.stderr);
  const stopped = JSON.parse(readFileSync(join(cut, 'metrics.json'), 'utf8'));
  assert.equal(stopped.status, 'interrupted');
  assert.ok(stopped.iterationsDone < 60, `stopped at ${stopped.iterationsDone}`);
  const resumed = otbook(['train', ...common, '--iterations', '60', '--checkpoint-every', '5', '--out', cut, '--resume'], cpu);
  assert.equal(resumed.code, 0, resumed.stderr);
  const a = readCheckpoint(full);
  const b = readCheckpoint(cut);
  assert.equal(b.iteration, 60);
  for (const [name, p] of Object.entries(a.params)) assert.deepEqual(b.params[name].values, p.values, name);
  // A different configuration cannot be resumed into the same folder.
  const other = otbook(['train', ...common, '--iterations', '61', '--out', cut, '--resume'], cpu);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /cannot resume in .* another configuration/);
});

test('NaN/Inf stops the run: metrics.json says diverged with the iteration, and the exit code is 3', () => {
  const out = join(tmp, 'div');
  const r = otbook(['train', '--method', 'otm', '--pair', 'one-to-many', '--lr', '1e30', '--iterations', '50', '--out', out], cpu);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  const record = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.equal(record.status, 'diverged');
  assert.ok(Number.isInteger(record.divergedAt));
  assert.equal(record.metrics, undefined);
});
