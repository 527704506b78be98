import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CellResult, RunMetrics } from '../../lib/experiments';
import { listExperiments } from '../../lib/experiments/registry';
import { buildReport, reportNames, reportText, SHIPPED_ONLY, table1Report } from '../../lib/reports';
import { otbook } from '../helpers/cli';
import { inputOf } from '../helpers/evidence';

/**
 * The shipped runs these tests were written against, frozen: the first 18 paper-level Table 1 runs (d = 2, both
 * pairs, and d = 16 One-to-Many; OTM and OTP; three seeds) and the reduced level's runs. The campaign keeps shipping
 * runs into data/runs; a frozen copy keeps these expectations (computed from those files) from moving with it.
 */
function frozenShippedRuns(): string {
  const from = join(__dirname, '..', '..', 'data', 'runs');
  const to = mkdtempSync(join(tmpdir(), 'otbook-shipped-runs-'));
  for (const cellDim of ['d2-perpendicular', 'd2-one-to-many', 'd16-one-to-many']) {
    for (const method of ['otm', 'otp']) {
      for (const seed of [0, 1, 2]) {
        const id = `${cellDim}-${method}-s${seed}`;
        cpSync(join(from, 'table1', 'paper', id), join(to, 'table1', 'paper', id), { recursive: true });
      }
    }
  }
  cpSync(join(from, 'table1-tenth'), join(to, 'table1-tenth'), { recursive: true });
  return to;
}
// Every report of this file, and the command lines it starts, read the frozen copy.
process.env.OTBOOK_SHIPPED_RUNS = frozenShippedRuns();
/** How reports name the frozen copy (relative to the checkout, as they name data/runs). */
const SHIPPED = relative(join(__dirname, '..', '..'), process.env.OTBOOK_SHIPPED_RUNS);

/** A finished Table 1 run with D_target = v (floor 0.9; the other metrics are placeholders). */
function run(dim: number, pair: string, method: string, seed: number, v: number, shares?: [number, number]): CellResult {
  return {
    id: `d${dim}-${pair}-${method.toLowerCase()}-s${seed}`,
    factors: { dim, pair, method, seed },
    status: 'completed',
    metrics: { n: 1000, dTarget: v, floor: 0.9, dCost: 0.05, transportCost: 1, evalSeconds: 0, ...(shares ? { modes: { shares } } : {}) } as RunMetrics,
  };
}
const cell = (dim: number, pair: string, otm: readonly number[], otp: readonly number[]) => [...otm.map((v, s) => run(dim, pair, 'OTM', s, v)), ...otp.map((v, s) => run(dim, pair, 'OTP', s, v))];

const verdict = (r: ReturnType<typeof table1Report>, start: string) => {
  const v = r.verdicts.find((x) => x.claim.startsWith(start));
  assert.ok(v, `no verdict starting '${start}'`);
  return v;
};

test('otbook report table1 --scale paper on the shipped runs: cells never run are not run; the 10× claim is judged on 3 seeds a side with its test', async () => {
  const r = await buildReport('table1', 'paper', null, SHIPPED_ONLY);
  const order = verdict(r, "Table 1: OTP's D_target is below OTM's for d ≥ 16");
  // Only d = 16 One-to-Many has paper-scale runs of OTM and OTP among the d ≥ 16 cells.
  assert.deepEqual(
    order.cells.map((c) => [c.cell, c.verdict]),
    [
      ['d=16 Perpendicular', 'not run'],
      ['d=16 One-to-Many', 'inconclusive'],
      ['d=64 Perpendicular', 'not run'],
      ['d=64 One-to-Many', 'not run'],
      ['d=256 Perpendicular', 'not run'],
      ['d=256 One-to-Many', 'not run'],
    ],
  );
  assert.equal(order.coverage.startsWith('1 of 6 cells run'), true);
  const tenfold = verdict(r, 'Table 1: at d = 16 on One-to-Many, OTM fails');
  assert.equal(tenfold.verdict, 'not reproduced');
  assert.equal(tenfold.level, 'paper');
  assert.equal(tenfold.runs.length, 6);
  assert.ok(tenfold.runs.every((p) => p.startsWith(`${SHIPPED}/table1/paper/d16-one-to-many-ot`)), tenfold.runs.join(', '));
  assert.match(tenfold.cells[0].ours, /OTM 0\.914 ± 0\.0035 \(n = 3\).*OTP 0\.9438 ± 0\.053 \(n = 3\)/);
  assert.match(tenfold.cells[0].test, /OTM \/ OTP ≥ 10: ratio of means 0\.968, 90% interval \[0\.88\d?, 1\.0\d+\]/);
  // OTM-s never ran at the paper scale: its 10× claim is not run, not a failure.
  assert.equal(verdict(r, 'Table 1: at d = 16 on One-to-Many, OTM-s fails').verdict, 'not run');
  // The table's cells that were never run say so.
  const rows = r.tables.find((t) => t.name === 'table1')?.rows ?? [];
  assert.equal(rows.find((x) => x.cell === 'd=64 Perpendicular OTM' && x.metric === 'D_target')?.note, 'not run');
  const text = reportText(r);
  assert.match(text, /NOT REPRODUCED, paper level: Table 1: at d = 16 on One-to-Many, OTM fails/);
  assert.ok(text.includes(`runs used: ${SHIPPED}/table1/paper: d16-one-to-many-otp-s0`), text);
});

test('the same through the command line, with --level reduced judging on the tenth-of-paper runs alone', () => {
  const env = { OTBOOK_RESULTS_ROOT: '/nonexistent-otbook-results', OTBOOK_FIGURES_ROOT: '/tmp/otbook-report-test-figures' };
  const paper = otbook(['report', 'table1', '--scale', 'paper'], env);
  assert.equal(paper.code, 0, paper.stderr);
  assert.match(paper.stdout, /• NOT REPRODUCED, paper level: Table 1: at d = 16 on One-to-Many, OTM fails/);
  assert.match(paper.stdout, / {2}- d=64 One-to-Many: not run/);
  const reduced = otbook(['report', 'table1', '--scale', 'paper', '--level', 'reduced'], env);
  assert.equal(reduced.code, 0, reduced.stderr);
  // Judged on the reduced runs alone, whose agreement with the paper level (still read to measure it) fails at
  // d = 16 One-to-Many: they decide nothing, and say why.
  assert.match(reduced.stdout, /• INCONCLUSIVE \(reduced level without measured agreement\), reduced level: Table 1: at d = 16 on One-to-Many, OTM fails/);
  assert.match(reduced.stdout, /its agreement with the paper level does not hold: the ordering test \(one-sided Welch at 95%\) gives the same outcome at both levels on 2 of 3 cells run at both/);
  const bad = otbook(['report', 'table1', '--level', 'huge'], env);
  assert.equal(bad.code, 2);
});

test('the agreement of the reduced and quick levels with the paper level compares the ordering test cell by cell', () => {
  const quick = [...cell(16, 'one-to-many', [2.9, 2.5, 2.8], [0.93, 1.0, 1.0]), ...cell(2, 'perpendicular', [0.2, 0.3, 0.25], [0.006, 0.007, 0.005])];
  const paper = [...cell(16, 'one-to-many', [0.911, 0.913, 0.918], [1.005, 0.918, 0.908]), ...cell(2, 'perpendicular', [1.28, 0.86, 0.61], [0.001, 0.0003, 0.001])];
  const tenth = [...cell(16, 'one-to-many', [1.068, 1.072, 1.034], [0.995, 1.004, 0.97]), ...cell(2, 'perpendicular', [0.32, 0.34, 0.8], [0.005, 0.005, 0.006])];
  const r = table1Report(inputOf('table1', 'quick', quick, [{ experiment: 'table1', scale: 'paper', results: paper }, { experiment: 'table1-tenth', scale: 'quick', results: tenth }]));
  const q = verdict(r, 'This book: the quick scale');
  assert.equal(q.verdict, 'not reproduced');
  assert.match(q.detail, /d=16 One-to-Many: not reproduced.*paper level: within noise; quick level: OTP lower/);
  assert.match(q.detail, /d=2 Perpendicular: reproduced.*paper level: OTP lower; quick level: OTP lower/);
  const t = verdict(r, "This book: App. E.1's settings with a tenth");
  // At a tenth, d = 16 One-to-Many's OTP is lower by the test, where the paper level finds no difference.
  assert.equal(t.verdict, 'not reproduced');
  // The paper claim at d = 16 is judged on the paper level, not the quick one.
  const order = verdict(r, "Table 1: OTP's D_target is below OTM's");
  assert.deepEqual([order.cells[1].verdict, order.cells[1].reason, order.cells[1].level], ['inconclusive', 'within noise', 'paper']);
  // The levels table puts each level's runs of the paper-level cells beside the paper's value.
  const levels = r.tables.find((x) => x.name === 'table1-levels')?.rows ?? [];
  const otm16 = levels.filter((x) => x.cell === 'd=16 One-to-Many OTM');
  assert.deepEqual(otm16.map((x) => x.note), ['paper level (table1/paper)', 'reduced level (table1-tenth/quick)', 'quick level (table1/quick)']);
  assert.equal(otm16[0].paper, 73.23);
  // With fewer than three seeds a side at a level, the agreement cannot be decided.
  const thin = table1Report(inputOf('table1', 'quick', cell(16, 'one-to-many', [2.9, 2.5], [0.93, 1.0]), [{ experiment: 'table1', scale: 'paper', results: paper }]));
  assert.equal(verdict(thin, 'This book: the quick scale').reason, 'too few seeds');
  // No paper-level runs: no agreement claim at all.
  assert.equal(table1Report(inputOf('table1', 'quick', quick)).verdicts.some((x) => x.claim.startsWith('This book')), false);
});

test('the collapse note counts, per level and method, the One-to-Many seeds that missed a mode, and says how it counted', () => {
  const quick = [run(2, 'one-to-many', 'OTM', 0, 2.0, [0, 1]), run(2, 'one-to-many', 'OTM', 1, 0.1, [0.47, 0.53]), run(2, 'one-to-many', 'OTM', 2, 1.8, [0.04, 0.96]), run(2, 'one-to-many', 'OTP', 0, 0.07, [0.5, 0.5])];
  const paper = [run(2, 'one-to-many', 'OTM', 0, 0.07, [0.52, 0.48]), run(2, 'one-to-many', 'OTP', 0, 0.08, [0.06, 0.94])];
  const note = table1Report(inputOf('table1', 'quick', quick, [{ experiment: 'table1', scale: 'paper', results: paper }])).notes.find((n) => n.startsWith('One-to-Many, seeds'));
  assert.ok(note, 'no collapse note');
  assert.match(note, /counted from each run's mode shares in metrics\.json/);
  assert.match(note, /d = 2: paper level \(table1\/paper\) OTM 0 of 1, OTP 0 of 1; quick level \(table1\/quick\) OTM 2 of 3, OTP 0 of 1\./);
  const perp = cell(2, 'perpendicular', [0.2], [0.006]);
  assert.equal(table1Report(inputOf('table1', 'quick', perp)).notes.some((n) => n.startsWith('One-to-Many, seeds')), false);
});

test('a note says where each level’s runs came from, shipped runs named as such', async () => {
  const r = await buildReport('table1', 'paper', null, SHIPPED_ONLY);
  assert.ok(r.notes.includes(`Runs at the paper level (table1 at scale paper): 18 from ${SHIPPED}/table1/paper (shipped; data/runs/README.md says how to regenerate them).`), r.notes.join('\n'));
});

test('every experiment has a report, or building one names the report its runs appear in', async () => {
  const own = new Set(reportNames());
  const hosted = listExperiments().filter((e) => !own.has(e.name));
  assert.deepEqual(hosted.map((e) => e.name), ['table1-tenth']);
  await assert.rejects(buildReport('table1-tenth', 'quick'), /'table1-tenth' has no report of its own: its runs appear in table1's \(otbook report table1\)/);
  await assert.rejects(buildReport('table9', 'quick'), /no report for 'table9'; reports: fig1, /);
});

test("the floor row reads one run per seed, OTP's where it ran, else another method's (the floor is the seed's, not the method's)", () => {
  const withFloor = (r: CellResult, floor: number): CellResult => ({ ...r, metrics: { ...(r.metrics as RunMetrics), floor } });
  const results = [
    // d = 64 Perpendicular: only OTM has run (seeds 0 and 1): its floors are the cell's.
    withFloor(run(64, 'perpendicular', 'OTM', 0, 300), 10.1),
    withFloor(run(64, 'perpendicular', 'OTM', 1, 200), 10.3),
    // d = 16 One-to-Many: OTP's seed 0 wins over OTM's; seed 1 has only OTM-s.
    withFloor(run(16, 'one-to-many', 'OTP', 0, 1), 0.91),
    withFloor(run(16, 'one-to-many', 'OTM', 0, 1), 99),
    withFloor(run(16, 'one-to-many', 'OTM-s', 1, 1), 0.93),
  ];
  const floors = table1Report(inputOf('table1', 'quick', results)).tables.find((t) => t.name === 'table1-floor')?.rows ?? [];
  const ours = (cell: string) => floors.find((f) => f.cell === cell)?.ours;
  assert.deepEqual(ours('d=64 Perpendicular'), [10.1, 10.3]);
  assert.deepEqual(ours('d=16 One-to-Many'), [0.91, 0.93]);
});
