import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../lib/errors';
import { configHash } from '../../lib/experiments/config';
import { getExperiment, listExperiments } from '../../lib/experiments/registry';
import { SCALES } from '../../lib/experiments/scale';
import { applySettings, checkSettings, currentSettings, describeSettings, onlySeedsChange, settingsChange, settingsFlags, settingsResultsDir } from '../../lib/experiments/settings';
import { readResults, runExperiment } from '../../lib/experiments/sweep';
import { readRunConfig } from '../../lib/experiments/run-folder';
import { buildReport } from '../../lib/reports';

/**
 * Settings a notebook reader edits (lib/experiments/settings.ts): unedited they must give the registered cells
 * bit for bit (the shipped runs are found by configuration hash); edited they change exactly what they say, train
 * into their own folder, and the report built on them says that its verdicts are not the paper's.
 */

const root = mkdtempSync(join(tmpdir(), 'otbook-settings-'));
process.env.OTBOOK_RESULTS_ROOT = join(root, 'results');
after(() => rmSync(root, { recursive: true, force: true }));

test("unedited settings (the object a notebook shows) give every registered cell's configuration and hash, at every scale", () => {
  for (const e of listExperiments()) {
    for (const scale of SCALES) {
      const cells = e.cells(scale);
      const shownSettings = currentSettings(cells);
      const applied = applySettings(cells, shownSettings);
      assert.deepEqual(applied.map((c) => c.id), cells.map((c) => c.id), `${e.name}/${scale}`);
      assert.deepEqual(applied.map((c) => configHash(c.config)), cells.map((c) => configHash(c.config)), `${e.name}/${scale}`);
      assert.equal(settingsChange(cells, shownSettings), false, `${e.name}/${scale}`);
      assert.equal(describeSettings(cells, shownSettings), '');
      assert.equal(settingsResultsDir(e.name, scale, cells, shownSettings), join(root, 'results', e.name, scale));
    }
  }
});

test("iterations: every cell runs K outer iterations, OTP's period keeps the cell's K/P, and the level is no longer the scale's", () => {
  const cells = getExperiment('table1').cells('quick');
  const edited = applySettings(cells, { iterations: 500 });
  for (const [i, c] of edited.entries()) {
    const before = cells[i].config;
    assert.equal(c.config.iterations, 500);
    if (before.smoothing) assert.equal(c.config.smoothing?.period, Math.max(1, Math.round((before.smoothing.period * 500) / before.iterations)));
    assert.equal(c.config.lr, before.lr);
    assert.equal(c.config.seed, before.seed);
  }
  // The d = 64 and 256 cells run 600 and 200 iterations at the quick scale, so setting the d ≤ 16 value changes them.
  assert.equal(settingsChange(cells, { iterations: 1000 }), true);
  assert.equal(onlySeedsChange(cells, { iterations: 500 }), false);
  assert.match(describeSettings(cells, { iterations: 500 }), /^iterations 500 instead of 1000 \/ 600 \/ 200$/);
  assert.notEqual(settingsResultsDir('table1', 'quick', cells, { iterations: 500 }), settingsResultsDir('table1', 'quick', cells, { iterations: 400 }));
  assert.deepEqual(settingsFlags({ iterations: 500, lr: 1e-3 }, cells), ['--iterations', '500']);
});

test('seeds: registered seeds keep their cells, a new seed copies the cell with only its seed changed', () => {
  const cells = getExperiment('fig3').cells('quick');
  const edited = applySettings(cells, { seeds: [0, 1, 2, 3] });
  assert.equal(edited.length, (cells.length / 3) * 4);
  const byId = new Map(cells.map((c) => [c.id, c]));
  for (const c of edited) {
    const registered = byId.get(c.id);
    if (registered) assert.equal(configHash(c.config), configHash(registered.config));
    else {
      assert.match(c.id, /-s3$/);
      const base = byId.get(c.id.replace(/-s3$/, '-s0'));
      assert.ok(base);
      assert.deepEqual({ ...c.config, seed: 0 }, base.config);
      assert.equal(c.factors.seed, 3);
    }
  }
  assert.equal(onlySeedsChange(cells, { seeds: [0, 1, 2, 3] }), true);
  assert.equal(settingsChange(cells, { seeds: [0, 1, 2, 3] }), true);
});

test('bad settings are refused with one line naming the setting, the value and what is allowed', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ iterations: 0 }, /iterations 0 is not allowed; use a positive integer/],
    [{ lr: -1 }, /lr -1 is not allowed; use a positive number/],
    [{ seeds: [0, 0] }, /seeds \[0,0\] is not allowed; use a list of distinct/],
    [{ hidden: [] }, /hidden \[\] is not allowed/],
    [{ iters: 5 }, /unknown setting 'iters'; settings: iterations, innerSteps/],
  ];
  for (const [raw, message] of cases) {
    assert.throws(() => checkSettings(raw), (e: unknown) => e instanceof UserError && message.test(e.message) && !e.message.includes('\n'));
  }
});

test('a sweep with changed settings trains only the changed cells into their own folder; its report says the settings are not the paper’s', { timeout: 300_000 }, async () => {
  const cells = ['d2-perpendicular-otm-s0', 'd2-perpendicular-otp-s0'];
  const registered = join(root, 'results', 'fig3', 'smoke');
  const first = await runExperiment('fig3', { scale: 'smoke', out: registered, cells, log: () => undefined });
  assert.deepEqual(first.map((r) => r.status), ['completed', 'completed']);

  // Unchanged settings: the same folder, nothing trained again.
  const same = currentSettings(getExperiment('fig3').cells('smoke'));
  const again = await runExperiment('fig3', { scale: 'smoke', out: settingsResultsDir('fig3', 'smoke', getExperiment('fig3').cells('smoke'), same), cells, settings: same, log: () => undefined });
  assert.deepEqual(again.map((r) => r.trainSeconds), first.map((r) => r.trainSeconds));

  // A new seed: seed 0's runs are reused from the registered folder, seed 1's are trained.
  const settings = { seeds: [0, 1] };
  const out = settingsResultsDir('fig3', 'smoke', getExperiment('fig3').cells('smoke'), settings);
  assert.notEqual(out, registered);
  const lines: string[] = [];
  const withSeed = await runExperiment('fig3', { scale: 'smoke', out, cells: [...cells, 'd2-perpendicular-otm-s1', 'd2-perpendicular-otp-s1'], settings, log: (l) => lines.push(l) });
  assert.deepEqual(withSeed.map((r) => r.status), ['completed', 'completed', 'completed', 'completed']);
  assert.equal(lines.filter((l) => l.includes('already trained')).length, 2, lines.join('\n'));
  assert.equal(readResults('fig3', 'smoke', registered).filter((r) => r.status === 'completed').length, 2, 'the registered folder holds only the registered runs');

  const report = await buildReport('fig3', 'smoke', null, { settings: { ...same, ...settings } });
  assert.equal(report.settings, 'seeds [0, 1] instead of [0]');
  assert.ok(report.verdicts.length > 0);
  for (const v of report.verdicts) {
    assert.match(v.claim, /^\[your settings: seeds \[0, 1\] instead of \[0\]\] /);
    for (const r of v.runs) assert.ok(r.includes('smoke-settings-'), `${v.claim}: run ${r} is not one of the settings' runs`);
  }
  assert.match(report.notes[0], /Your settings differ from the smoke scale's/);
});

test('worker processes (--jobs 2) get the settings: their runs have the edited configuration; a failing worker says why', { timeout: 300_000 }, async () => {
  const settings = { iterations: 25 };
  const cells = ['d2-parallel-otm-s0', 'd2-parallel-otp-s0'];
  const out = settingsResultsDir('fig3', 'smoke', getExperiment('fig3').cells('smoke'), settings);
  const results = await runExperiment('fig3', { scale: 'smoke', out, cells, jobs: 2, settings, log: () => undefined });
  assert.deepEqual(results.map((r) => r.status), ['completed', 'completed']);
  for (const id of cells) assert.equal(readRunConfig(join(out, id)).iterations, 25, id);
  // A worker that cannot start (here: a module it is told to preload is missing) names its own last lines.
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `--require ${join(root, 'no-such-module.js')}`;
  try {
    await assert.rejects(
      runExperiment('fig3', { scale: 'smoke', out: join(root, 'failing'), cells: ['d2-parallel-otm-s0'], jobs: 2, settings: { iterations: 26 }, log: () => undefined }),
      /worker \d\/2 \(shard 1\/1\) exited with 1: Error: Cannot find module '.*no-such-module\.js'/,
    );
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
});
