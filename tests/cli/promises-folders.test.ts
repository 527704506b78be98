import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../lib/random';
import { expectUserFault, otbook, startOtbook, waitFor } from '../helpers/cli';

// README "What otbook promises", data never lost or mixed (issue 18): a run folder has one writer, is never
// replaced without --force, never holds a new config beside old results, and map never overwrites a file silently.
const tmp = mkdtempSync(join(tmpdir(), 'otbook-promises-folders-'));
const cpu = { OTBOOK_BACKEND: 'cpu' };
const model = ['--method', 'otm', '--pair', 'one-to-many', '--hidden', '16', '--batch-size', '32', '--inner-steps', '2'];

/** Every file of a folder and its bytes (the lock and temporary files aside). */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((f) => !f.startsWith('.')).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** The pid in DIR/.lock, or null while there is none or its writer has created but not yet written it. */
function lockPid(dir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

test('a folder holding a run is never overwritten without --force; --resume keeps a finished run; --force replaces it', () => {
  const out = join(tmp, 'finished');
  assert.equal(otbook(['train', ...model, '--iterations', '20', '--out', out], cpu).code, 0);
  const before = snapshot(out);
  expectUserFault(otbook(['train', ...model, '--iterations', '30', '--out', out], cpu), /already holds a completed run \(20\/20 iterations\); use --resume to continue it, --force to replace it/, 'second run');
  assert.deepEqual(snapshot(out), before, 'the five files are untouched');
  const kept = otbook(['train', ...model, '--iterations', '20', '--out', out, '--resume'], cpu);
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stdout, /already ended: kept, nothing trained/);
  assert.deepEqual(snapshot(out), before);
  expectUserFault(otbook(['train', ...model, '--iterations', '30', '--out', out, '--resume', '--force'], cpu), /give one of them/, '--resume --force');
  const replaced = otbook(['train', ...model, '--iterations', '30', '--out', out, '--force'], cpu);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.equal(json(join(out, 'metrics.json')).iterationsDone, 30);
});

test('a replacing run killed with kill -9 leaves no old result beside its new config', async () => {
  const out = join(tmp, 'replaced');
  assert.equal(otbook(['train', ...model, '--iterations', '20', '--out', out], cpu).code, 0);
  const run = startOtbook(['train', ...model, '--iterations', '100000', '--checkpoint-every', '1000000', '--out', out, '--force'], cpu);
  try {
    await waitFor(() => existsSync(join(out, 'config.json')) && json(join(out, 'config.json')).iterations === 100000, 60, 'the new config.json');
  } finally {
    run.kill('SIGKILL');
  }
  await run.done;
  for (const f of ['metrics.json', 'samples.json', 'checkpoint.bin']) assert.ok(!existsSync(join(out, f)), `the old ${f} is gone`);
  expectUserFault(otbook(['eval', '--model', out], cpu), /no metrics\.json; the run has not finished/, 'eval of the killed run');
  expectUserFault(otbook(['train', ...model, '--iterations', '20', '--out', out], cpu), /already holds an unfinished run/, 'a third run without --force');
});

test('two trainings started at once into one folder: one trains, the other is refused; the folder is one run', async () => {
  const out = join(tmp, 'twice');
  const first = startOtbook(['train', ...model, '--iterations', '400', '--out', out], cpu);
  const second = startOtbook(['train', ...model, '--iterations', '300', '--seed', '1', '--out', out], cpu);
  const results = await Promise.all([first.done, second.done]);
  const codes = results.map((r) => r.code).sort();
  assert.deepEqual(codes, [0, 2], results.map((r) => r.stderr).join('\n'));
  const refused = results.find((r) => r.code === 2);
  assert.ok(refused);
  expectUserFault(refused, /in use by another otbook process \(pid \d+|already holds a/, 'second writer');
  const config = json(join(out, 'config.json'));
  const record = json(join(out, 'metrics.json'));
  assert.deepEqual([record.iterations, record.seed], [config.iterations, config.seed], 'config and metrics of one run');
  const iterations = readFileSync(join(out, 'loss.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  assert.ok(iterations.every((it, i) => i === 0 || it > iterations[i - 1]), `loss.csv of one run: ${iterations.join(' ')}`);
  assert.ok(!existsSync(join(out, '.lock')), 'the lock is released');
});

test('a lock left by kill -9 does not keep the folder stuck; a live writer’s lock is respected; a dead writer’s temp files go', async () => {
  const out = join(tmp, 'killed');
  const args = [...model, '--iterations', '100000', '--checkpoint-every', '20', '--out', out];
  const run = startOtbook(['train', ...args], cpu);
  try {
    await waitFor(() => existsSync(join(out, 'checkpoint.bin')), 60, 'the first checkpoint');
  } finally {
    run.kill('SIGKILL');
  }
  await run.done;
  const stale = json(join(out, '.lock'));
  assert.equal(stale.pid, run.pid, 'the killed process’s lock is still there');
  writeFileSync(join(out, 'checkpoint.bin.tmp-99999999'), 'a torn write of a dead process');

  // A lock held by a live process (here a sleeping one, recorded with its real start time) is respected.
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const started = existsSync('/proc/self/stat') ? readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8').split(') ')[1].split(' ')[19] : null;
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: sleeper.pid, started, host: hostname(), since: 'the test' }));
    expectUserFault(otbook(['train', ...args, '--resume'], cpu), new RegExp(`in use by another otbook process \\(pid ${sleeper.pid}, since the test\\)`), 'live lock');
    if (started !== null) {
      // The same pid with another start time is another process: the pid was reused, the lock is stale.
      writeFileSync(join(out, '.lock'), JSON.stringify({ pid: sleeper.pid, started: '1', host: hostname(), since: 'long ago' }));
      const resumed = startOtbook(['train', ...args, '--resume'], cpu);
      try {
        await waitFor(() => lockPid(out) === resumed.pid, 60, 'the lock taken over');
      } finally {
        resumed.kill('SIGINT'); // also when the wait fails: a live child would keep the test file running
      }
      const r = await resumed.done;
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stdout, /resumed from iteration \d+/);
    }
  } finally {
    sleeper.kill('SIGKILL');
  }
  writeFileSync(join(out, '.lock'), JSON.stringify(stale)); // the killed process's lock again
  const again = startOtbook(['train', ...args, '--resume'], cpu);
  try {
    await waitFor(() => lockPid(out) === again.pid, 60, 'the stale lock taken over');
  } finally {
    again.kill('SIGINT');
  }
  const r = await again.done;
  assert.equal(r.code, 130, r.stderr);
  assert.deepEqual(readdirSync(out).filter((f) => f.includes('.tmp')), [], 'temporary files of the dead writer are removed');
  assert.ok(!existsSync(join(out, '.lock')));
});

test('map --output never overwrites the input or an existing file without --force, and a folder is exit 2', () => {
  const out = join(tmp, 'for-map');
  assert.equal(otbook(['train', ...model, '--iterations', '20', '--out', out], cpu).code, 0);
  const input = join(tmp, 'points.csv');
  const r = new Rng(5);
  writeFileSync(input, `${Array.from({ length: 50 }, () => `${r.normal()},${r.normal()}`).join('\n')}\n`);
  const original = readFileSync(input, 'utf8');
  expectUserFault(otbook(['map', '--model', out, '--input', input, '--output', input], cpu), /is the input file, which would be overwritten/, 'output = input');
  expectUserFault(otbook(['map', '--model', out, '--input', input, '--output', join(tmp, '.', 'points.csv')], cpu), /is the input file/, 'output = input, spelled otherwise');
  assert.equal(readFileSync(input, 'utf8'), original);
  const existing = join(tmp, 'existing.csv');
  writeFileSync(existing, 'keep me\n');
  expectUserFault(otbook(['map', '--model', out, '--input', input, '--output', existing], cpu), /the file exists; give another file, or --force/, 'existing output');
  assert.equal(readFileSync(existing, 'utf8'), 'keep me\n');
  const forced = otbook(['map', '--model', out, '--input', input, '--output', existing, '--force'], cpu);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(existing, 'utf8').split('\n').length, 52);
  const folder = join(tmp, 'a-folder');
  mkdirSync(folder);
  expectUserFault(otbook(['map', '--model', out, '--input', input, '--output', folder, '--force'], cpu), /is a folder; give a file name/, 'output is a folder');
  expectUserFault(otbook(['map', '--model', out, '--input', input, '--output', join(tmp, 'no-such-folder', 'y.csv')], cpu), /the folder .*no-such-folder does not exist/, 'output in a missing folder');
});
