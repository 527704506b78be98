import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../lib/random';
import { expectUserFault, otbook, otbookInterrupted, otbookWithin } from '../helpers/cli';

// README "What otbook promises", no hangs and the right exit codes (issue 18): every user fault is exit 2 with
// one line; Ctrl-C is honoured until the run's record is written; sizes are checked before the work they bound.
const tmp = mkdtempSync(join(tmpdir(), 'otbook-promises-faults-'));
const cpu = { OTBOOK_BACKEND: 'cpu' };
const model = ['--method', 'otm', '--pair', 'one-to-many', '--hidden', '16', '--batch-size', '32', '--inner-steps', '2'];
const finished = join(tmp, 'finished');
const points = join(tmp, 'points.csv');
const r0 = new Rng(7);
writeFileSync(points, `x,y\n${Array.from({ length: 40 }, () => `${r0.normal()},${r0.normal()}`).join('\n')}\n`);

/** A run interrupted by Ctrl-C after its first checkpoint (3000 iterations configured). */
async function interruptedRun(name: string): Promise<{ dir: string; args: string[] }> {
  const dir = join(tmp, name);
  const args = [...model, '--iterations', '3000', '--checkpoint-every', '5', '--out', dir];
  const r = await otbookInterrupted(['train', ...args], () => existsSync(join(dir, 'checkpoint.bin')), cpu);
  assert.equal(r.code, 130, r.stderr);
  return { dir, args };
}

test('--out /proc/x returns at once with exit 2 (recursive mkdir looped forever at 100% CPU)', () => {
  const r = otbookWithin(60, ['train', ...model, '--iterations', '5', '--out', '/proc/otbook-x'], cpu);
  assert.notEqual(r.code, null, 'killed after 60 s: it hung');
  expectUserFault(r, /--out \/proc\/otbook-x: cannot create \/proc\/otbook-x/, '/proc');
  const run = otbookWithin(60, ['run', 'weak-ot', '--scale', 'smoke', '--out', '/proc/otbook-y'], cpu);
  expectUserFault(run, /--out \/proc\/otbook-y: cannot create/, 'otbook run into /proc');
});

test('--out that is a file, under a file, unwritable or empty: exit 2, one line', () => {
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'x');
  expectUserFault(otbook(['train', ...model, '--iterations', '5', '--out', file], cpu), /is a file, not a folder/, 'a file');
  expectUserFault(otbook(['train', ...model, '--iterations', '5', '--out', join(file, 'run')], cpu), /a-file is a file, so no folder can be made under it/, 'under a file');
  expectUserFault(otbook(['train', ...model, '--iterations', '5', '--out', ''], cpu), /--out: the path is empty/, 'empty');
  // Unwritable: a read-only folder, or for root (whom permissions do not stop) a place the kernel refuses.
  const root = process.getuid?.() === 0;
  if (root && !existsSync('/sys/kernel')) return;
  const locked = join(tmp, 'read-only');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  const target = root ? '/sys/otbook-test/run' : join(locked, 'run');
  expectUserFault(otbook(['train', ...model, '--iterations', '5', '--out', target], cpu), /cannot create .*\((permission denied|not permitted|read-only file system)\)/, 'unwritable');
});

test('a missing, empty or truncated checkpoint: eval, map and --resume exit 2 with one line', async () => {
  assert.equal(otbook(['train', ...model, '--iterations', '20', '--out', finished], cpu).code, 0);
  const { dir, args } = await interruptedRun('interrupted');
  const full = readFileSync(join(dir, 'checkpoint.bin'));
  const cases: Array<[string, (f: string) => void, RegExp, RegExp]> = [
    ['missing', (f) => rmSync(f), /checkpoint\.bin: missing/, /checkpoint\.bin is missing; use --force/],
    ['empty', (f) => writeFileSync(f, ''), /checkpoint\.bin: empty \(0 bytes\)/, /checkpoint\.bin: empty/],
    ['truncated', (f) => writeFileSync(f, full.subarray(0, Math.floor(full.length / 2))), /checkpoint\.bin( is truncated|: not a checkpoint of this run)/, /checkpoint\.bin( is truncated|: not a checkpoint of this run)/],
    ['truncated in its header', (f) => writeFileSync(f, full.subarray(0, 40)), /checkpoint\.bin( is truncated|: not a checkpoint of this run)/, /checkpoint\.bin( is truncated|: not a checkpoint of this run)/],
  ];
  for (const [what, spoil, finishedPattern, resumePattern] of cases) {
    const done = join(tmp, `finished-${what}`);
    cpSync(finished, done, { recursive: true });
    spoil(join(done, 'checkpoint.bin'));
    expectUserFault(otbook(['eval', '--model', done], cpu), finishedPattern, `eval, ${what}`);
    expectUserFault(otbook(['map', '--model', done, '--input', points, '--output', join(tmp, `mapped-${what}.csv`)], cpu), finishedPattern, `map, ${what}`);
    const cut = join(tmp, `interrupted-${what}`);
    cpSync(dir, cut, { recursive: true });
    spoil(join(cut, 'checkpoint.bin'));
    expectUserFault(otbook(['train', ...args.slice(0, -1), cut, '--resume'], cpu), resumePattern, `--resume, ${what}`);
  }
});

test('a corrupt metrics.json or experiment.json is exit 2 naming the file', () => {
  const spoiled = join(tmp, 'corrupt-record');
  cpSync(finished, spoiled, { recursive: true });
  writeFileSync(join(spoiled, 'metrics.json'), '{"status": ');
  expectUserFault(otbook(['eval', '--model', spoiled], cpu), /corrupt-record\/metrics\.json: not valid JSON/, 'eval');
  expectUserFault(otbook(['map', '--model', spoiled, '--input', points, '--output', join(tmp, 'm.csv')], cpu), /metrics\.json: not valid JSON/, 'map');
  expectUserFault(otbook(['train', ...model, '--iterations', '20', '--out', spoiled, '--resume'], cpu), /metrics\.json: not valid JSON/, '--resume');
  writeFileSync(join(spoiled, 'metrics.json'), '{"status": "completed"}');
  expectUserFault(otbook(['eval', '--model', spoiled], cpu), /metrics\.json: not a run record \(field configHash\)/, 'a foreign record');
  const results = join(tmp, 'results');
  mkdirSync(results);
  writeFileSync(join(results, 'experiment.json'), '{"name": "weak-ot", "sca');
  expectUserFault(otbook(['merge', results, '--out', join(tmp, 'merged')]), /results\/experiment\.json: not valid JSON/, 'merge');
  writeFileSync(join(results, 'experiment.json'), '[1, 2]');
  expectUserFault(otbook(['merge', results, '--out', join(tmp, 'merged')]), /experiment\.json: not an experiment record/, 'merge, not a record');
});

test('resuming with a checkpoint of another configuration, or after config.json was edited, is exit 2', async () => {
  const { dir, args } = await interruptedRun('to-edit');
  const edited = join(tmp, 'edited');
  cpSync(dir, edited, { recursive: true });
  const config = JSON.parse(readFileSync(join(edited, 'config.json'), 'utf8'));
  writeFileSync(join(edited, 'config.json'), JSON.stringify({ ...config, lr: 2e-4 }));
  const r = otbook(['train', '--config', join(edited, 'config.json'), '--out', edited, '--resume'], cpu);
  expectUserFault(r, /config\.json was changed after the run started|checkpoint\.bin was made with configuration/, '--resume --config DIR/config.json after an edit');
  const foreign = join(tmp, 'foreign-checkpoint');
  cpSync(dir, foreign, { recursive: true });
  cpSync(join(finished, 'checkpoint.bin'), join(foreign, 'checkpoint.bin'));
  rmSync(join(foreign, 'metrics.json'));
  expectUserFault(otbook(['train', ...args.slice(0, -1), foreign, '--resume'], cpu), /checkpoint\.bin was made with configuration [0-9a-f]+ but config\.json hashes to/, 'a checkpoint of another run');
  expectUserFault(otbook(['train', ...args.slice(0, -1), foreign, '--lr', '3e-4', '--resume'], cpu), /it holds a run with another configuration/, 'another configuration');
});

test('Ctrl-C during the evaluation after training: exit 130, the trained checkpoint stays, --resume evaluates it', async () => {
  const out = join(tmp, 'evaluating');
  // An evaluation of several seconds (exact OT on 3000 points a side) after a 5-iteration training.
  const config = join(tmp, 'long-eval.json');
  writeFileSync(config, JSON.stringify({ method: 'otm', pair: 'one-to-many', dim: 16, iterations: 5, batchSize: 32, innerSteps: 2, potential: { hidden: [16] }, map: { hidden: [16] }, eval: { n: 3000 } }));
  const r = await otbookInterrupted(['train', '--config', config, '--out', out], () => existsSync(join(out, 'checkpoint.bin')), cpu);
  assert.equal(r.code, 130, r.stdout + r.stderr);
  const record = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.deepEqual([record.status, record.interruptedIn, record.iterationsDone, record.metrics], ['interrupted', 'evaluation', 5, undefined]);
  assert.ok(existsSync(join(out, 'checkpoint.bin')));
  const resumed = otbook(['train', '--config', config, '--out', out, '--resume'], cpu);
  assert.equal(resumed.code, 0, resumed.stderr);
  const after = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.deepEqual([after.status, after.metrics.n, after.resumedFrom], ['completed', 3000, 5]);
});

test('sizes are checked before the work they bound: w2 counts rows before parsing, CSV files have a size limit, map --samples has one', () => {
  // 9000 × 9000 points exceed the exact solver's cost matrix: refused before a single value is parsed (a bad
  // value on line 5000 would otherwise be what stops it, after the whole file was read).
  const big = join(tmp, 'big.csv');
  const r = new Rng(3);
  const rows = Array.from({ length: 9000 }, (_, i) => (i === 4998 ? 'oops,1' : `${r.normal().toFixed(4)},${r.normal().toFixed(4)}`));
  writeFileSync(big, `${rows.join('\n')}\n`);
  expectUserFault(otbook(['w2', '--source', big, '--target', big]), /big\.csv has 9000 points and .* has 9000: the exact solver needs an n × m cost matrix of 0\.6 GiB; at most 67108864 entries/, 'w2 size');
  // A CSV file above the stated limit (1024 MiB) is refused from its size alone (a sparse file: no disk used).
  const huge = join(tmp, 'huge.csv');
  closeSync(openSync(huge, 'w'));
  truncateSync(huge, 1100 * 2 ** 20);
  expectUserFault(otbook(['w2', '--source', huge, '--target', points]), /huge\.csv: 1100 MiB is larger than the 1024 MiB allowed for a CSV file/, 'CSV size');
  expectUserFault(otbook(['train', '--method', 'otm', '--source', huge, '--target', points, '--out', join(tmp, 'huge-run')], cpu), /1100 MiB is larger than the 1024 MiB allowed/, 'train on a huge CSV');
  rmSync(huge);
  const many = otbookWithin(120, ['map', '--model', finished, '--input', points, '--output', join(tmp, 'many.csv'), '--samples', '1000000'], cpu);
  expectUserFault(many, /--samples 1000000: 40 points × 1000000 samples × dimension 2 = 80000000 output values; at most 33554432 per call/, 'map --samples');
  assert.ok(!existsSync(join(tmp, 'many.csv')));
});
