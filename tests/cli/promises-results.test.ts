import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configHash } from '../../lib/experiments';
import { resolveConfig } from '../../lib/experiments/defaults';
import { getExperiment } from '../../lib/experiments/registry';
import { Rng } from '../../lib/random';
import { expectUserFault, otbook } from '../helpers/cli';

// README "What otbook promises", results that lie (issue 18): every number a run records is what it used.
const tmp = mkdtempSync(join(tmpdir(), 'otbook-promises-results-'));
const cpu = { OTBOOK_BACKEND: 'cpu' };
const small = ['--hidden', '16', '--iterations', '20', '--batch-size', '32', '--inner-steps', '2'];

function writeCloud(path: string, n: number, d: number, shift: number, seed: number): void {
  const r = new Rng(seed);
  const rows = [Array.from({ length: d }, (_, j) => `x${j + 1}`).join(',')];
  for (let i = 0; i < n; i++) rows.push(Array.from({ length: d }, () => (r.normal() + shift).toFixed(5)).join(','));
  writeFileSync(path, `${rows.join('\n')}\n`);
}
const a2 = join(tmp, 'a2.csv');
writeCloud(a2, 100, 2, 0, 1);
const a4 = join(tmp, 'a.csv');
const b4 = join(tmp, 'b.csv');
writeCloud(a4, 200, 4, 0, 2);
writeCloud(b4, 200, 4, 3, 3);

test('--pair together with --source/--target is refused: the data would not be what metrics.json records', () => {
  const r = otbook(['train', '--method', 'otm', '--pair', 'one-to-many', '--source', a2, '--target', a2, ...small, '--out', join(tmp, 'pair-and-csv')], cpu);
  expectUserFault(r, /a named pair \(one-to-many\) and a source .* both name the data/, 'pair and CSV');
  assert.ok(!existsSync(join(tmp, 'pair-and-csv', 'metrics.json')));
});

test('a seed outside the 32-bit range of the random generator is refused (2^32 trained as seed 0 before)', () => {
  const r = otbook(['train', '--method', 'otm', '--pair', 'one-to-many', ...small, '--seed', '4294967296', '--out', join(tmp, 'seed')], cpu);
  expectUserFault(r, /\/seed: 4294967296 is not allowed: must be <= 4294967295/, 'seed 2^32');
  assert.equal(resolveConfig({ method: 'otm', pair: 'one-to-many', seed: 4294967295 }).seed, 4294967295);
});

test('otbook eval --n is checked against the config’s bounds (n = 1 replaced the metrics; n = 0 was ignored)', () => {
  const out = join(tmp, 'eval-n');
  assert.equal(otbook(['train', '--method', 'otm', '--pair', 'one-to-many', ...small, '--out', out], cpu).code, 0);
  const before = readFileSync(join(out, 'metrics.json'), 'utf8');
  expectUserFault(otbook(['eval', '--model', out, '--n', '1'], cpu), /--n 1: config field \/eval\/n: 1 is not allowed: must be >= 2/, 'n = 1');
  expectUserFault(otbook(['eval', '--model', out, '--n', '0'], cpu), /\/eval\/n: 0 is not allowed: must be >= 2/, 'n = 0');
  expectUserFault(otbook(['eval', '--model', out, '--n', '9000'], cpu), /\/eval\/n: 9000 is not allowed: must be <= 8192/, 'n above the exact solver');
  assert.equal(readFileSync(join(out, 'metrics.json'), 'utf8'), before, 'a refused eval leaves the record as it was');
  const ok = otbook(['eval', '--model', out, '--n', '50'], cpu);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).metrics.n, 50);
});

test('otbook merge refuses cells whose results differ between folders, and names them', () => {
  const [cell] = getExperiment('weak-ot').cells('smoke');
  const shard = (name: string, dTarget: number): string => {
    const dir = join(tmp, name);
    mkdirSync(join(dir, cell.id), { recursive: true });
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ name: 'weak-ot', scale: 'smoke' }));
    writeFileSync(join(dir, cell.id, 'config.json'), JSON.stringify(cell.config));
    const record = { status: 'completed', method: 'not', iterations: 20, iterationsDone: 20, configHash: configHash(cell.config), backend: { choice: 'cpu' }, metrics: { n: 200, dTarget, evalSeconds: dTarget } };
    writeFileSync(join(dir, cell.id, 'metrics.json'), JSON.stringify(record));
    return dir;
  };
  const a = shard('merge-a', 1.25);
  const b = shard('merge-b', 123); // planted: the same cell, another result
  const same = shard('merge-same', 1.25);
  for (const [k, [x, y]] of [[a, b], [b, a]].entries()) {
    const out = join(tmp, `merged-${k}`);
    expectUserFault(otbook(['merge', x, y, '--out', out]), new RegExp(`1 cell has different results in different folders: ${cell.id} \\(.*D_target (1\\.25.*D_target 123|123.*D_target 1\\.25)`), 'conflict');
    assert.ok(!existsSync(join(out, 'results.json')), 'nothing merged');
  }
  // The same result in two folders (wall times aside) is no conflict (the experiment's other cell is missing).
  const agreed = otbook(['merge', a, same, '--out', join(tmp, 'merged-same')]);
  assert.equal(agreed.stderr, '');
  assert.match(agreed.stdout, /1\/2 cells from 2 folder/);
  assert.equal(JSON.parse(readFileSync(join(tmp, 'merged-same', 'results.json'), 'utf8'))[0].metrics.dTarget, 1.25);
});

test('otbook map and eval refuse a diverged run (a CSV of NaN before)', () => {
  const out = join(tmp, 'diverged');
  const r = otbook(['train', '--method', 'otm', '--pair', 'one-to-many', '--lr', '1e30', '--checkpoint-every', '10', '--hidden', '16', '--iterations', '200', '--batch-size', '32', '--inner-steps', '2', '--out', out], cpu);
  assert.equal(r.code, 3, r.stderr);
  const mapped = join(tmp, 'diverged.csv');
  expectUserFault(otbook(['map', '--model', out, '--input', a2, '--output', mapped], cpu), /the run diverged at iteration \d+ .* no map to apply/, 'map');
  assert.ok(!existsSync(mapped), 'no CSV written');
  expectUserFault(otbook(['eval', '--model', out], cpu), /the run diverged/, 'eval');
});

test("the README's first example works on 4-D CSV data: the dimension comes from the data; a --dim that disagrees is an error", () => {
  const out = join(tmp, 'run1');
  const r = otbook(['train', '--method', 'otp', '--source', a4, '--target', b4, '--out', out, '--hidden', '8', '--iterations', '10', '--batch-size', '16', '--inner-steps', '1'], cpu);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).dim, 4);
  const m = otbook(['map', '--model', out, '--input', a4, '--output', join(tmp, 'a-mapped.csv')], cpu);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(readFileSync(join(tmp, 'a-mapped.csv'), 'utf8').split('\n')[0], 'y1,y2,y3,y4');
  const wrong = otbook(['train', '--method', 'otp', '--source', a4, '--target', b4, '--dim', '2', '--out', join(tmp, 'run1-dim2')], cpu);
  expectUserFault(wrong, /--dim 2 does not match the data: --source .*a\.csv has points of dimension 4/, '--dim 2 on 4-D data');
  const mixed = otbook(['train', '--method', 'otp', '--source', a2, '--target', b4, '--out', join(tmp, 'run1-mixed')], cpu);
  expectUserFault(mixed, /has points of dimension 2 but --target .* has dimension 4/, '2-D source, 4-D target');
});

test("OTP's σ period keeps the paper's K/P when a run is shortened, and the run prints the schedule it uses", () => {
  // Issue 18's measurement: K = 3000 with the paper's P = 2000 (two levels) collapsed at d = 16; P = 300 did not.
  const short = resolveConfig({ method: 'otp', pair: 'one-to-many', dim: 16, iterations: 3000 });
  assert.equal(short.smoothing?.period, 300);
  assert.equal(resolveConfig({ method: 'otp', pair: 'one-to-many', dim: 16 }).smoothing?.period, 2000, 'the paper’s run keeps the paper’s P');
  assert.equal(resolveConfig({ method: 'otp', pair: 'one-to-many', iterations: 3000, smoothing: { period: 2000 } }).smoothing?.period, 2000, 'a given P is kept');
  assert.equal(resolveConfig({ method: 'otp', pair: 'mnist-cmnist', dim: 768, iterations: 5000 }).smoothing?.period, 10, 'App. E.2: 50K / 100');
  const out = join(tmp, 'otp-short');
  const r = otbook(['train', '--method', 'otp', '--pair', 'one-to-many', ...small.slice(0, 2), '--iterations', '30', '--batch-size', '16', '--inner-steps', '1', '--out', out], cpu);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /OTP noise schedule: σ from 0\.2 to 0\.05 \(Eq\. 38\), a new level every P = 3 iterations \(the paper's P = 2000 for K = 20000, scaled to keep K\/P = 10\): 11 levels over K = 30/);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).smoothing.period, 3);
});
