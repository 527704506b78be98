import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CellResult, RunMetrics } from '../../lib/experiments';
import { listExperiments } from '../../lib/experiments/registry';
import { paths } from '../../lib/paths';
import { buildReport, reportNames } from '../../lib/reports';
import { orderingOf, table1Report } from '../../lib/reports/trained';

/** A finished Table 1 run with D_target = v (the other metrics are placeholders). */
function run(dim: number, pair: string, method: string, seed: number, v: number): CellResult {
  return {
    id: `d${dim}-${pair}-${method}-s${seed}`,
    factors: { dim, pair, method, seed },
    status: 'completed',
    metrics: { n: 1000, dTarget: v, floor: 0.9, dCost: 0.05, transportCost: 1, evalSeconds: 0 } as RunMetrics,
  };
}
const cell = (dim: number, pair: string, otm: readonly number[], otp: readonly number[]) => [
  ...otm.map((v, s) => run(dim, pair, 'OTM', s, v)),
  ...otp.map((v, s) => run(dim, pair, 'OTP', s, v)),
];

test('orderingOf: within 1.5× is a tie, beyond it the lower mean wins; no result gives null', () => {
  assert.equal(orderingOf(cell(16, 'one-to-many', [2.7, 2.8], [1.0, 0.9]), 16, 'one-to-many'), 'OTP lower');
  assert.equal(orderingOf(cell(16, 'one-to-many', [0.91], [1.005]), 16, 'one-to-many'), 'about equal');
  assert.equal(orderingOf(cell(16, 'one-to-many', [0.5], [1.0]), 16, 'one-to-many'), 'OTM lower');
  assert.equal(orderingOf(cell(16, 'one-to-many', [0.5], [1.0]), 64, 'one-to-many'), null);
});

test('Table 1: the scale-agreement verdict compares the quick and paper orderings cell by cell', () => {
  const scaleClaim = (quick: CellResult[], paper: CellResult[]) => {
    const v = table1Report('quick', quick, paper).verdicts.find((x) => x.claim.startsWith('This book: the quick scale'));
    assert.ok(v, 'no scale-agreement verdict');
    return v;
  };
  // The measured case: quick OTM under-trained (2.7) while the paper scale's OTM reaches the floor (0.91).
  const quick = [...cell(16, 'one-to-many', [2.9, 2.5, 2.8], [0.93, 1.0, 1.0]), ...cell(2, 'perpendicular', [0.2, 0.3, 0.25], [0.006, 0.007, 0.005])];
  const disagree = scaleClaim(quick, cell(16, 'one-to-many', [0.91], [1.005]));
  assert.equal(disagree.verdict, 'not reproduced');
  assert.match(disagree.detail, /paper scale: about equal; quick scale: OTP lower/);
  const agree = scaleClaim(quick, [...cell(16, 'one-to-many', [30], [1.0]), ...cell(2, 'perpendicular', [0.3], [0.006])]);
  assert.notEqual(agree.verdict, 'not reproduced');
  assert.match(agree.detail, /2 of 2 cells/);
  // The rows put our values at both scales beside the paper's.
  const rows = table1Report('quick', quick, cell(16, 'one-to-many', [0.91], [1.005])).tables.find((t) => t.name === 'table1-scales')?.rows ?? [];
  const otm = rows.find((r) => r.cell === 'd=16 One-to-Many OTM, paper scale (ours)');
  assert.deepEqual(otm?.ours, [0.91]);
  assert.equal(otm?.paper, 73.23);
  // No paper-scale results: no verdict rather than a vacuous one.
  assert.equal(table1Report('quick', quick, []).verdicts.some((x) => x.claim.startsWith('This book')), false);
});

test('Table 1: the collapse note counts, per scale and method, the One-to-Many seeds that missed a mode', () => {
  const withShares = (r: CellResult, shares: [number, number]): CellResult => ({ ...r, metrics: { ...(r.metrics as RunMetrics), modes: { shares } } as unknown as RunMetrics });
  const quick = [
    withShares(run(2, 'one-to-many', 'OTM', 0, 2.0), [0, 1]),
    withShares(run(2, 'one-to-many', 'OTM', 1, 0.1), [0.47, 0.53]),
    withShares(run(2, 'one-to-many', 'OTM', 2, 1.8), [0.04, 0.96]),
    withShares(run(2, 'one-to-many', 'OTP', 0, 0.07), [0.5, 0.5]),
  ];
  const paper = [withShares(run(2, 'one-to-many', 'OTM', 0, 0.07), [0.52, 0.48]), withShares(run(2, 'one-to-many', 'OTP', 0, 0.08), [0.06, 0.94])];
  const note = table1Report('quick', quick, paper).notes.find((n) => n.startsWith('One-to-Many, seeds'));
  assert.ok(note, 'no collapse note');
  assert.match(note, /d = 2: OTM 2 of 3 seeds at the quick scale, 0 of 1 at the paper scale; OTP 0 of 1 seeds at the quick scale, 0 of 1 at the paper scale/);
  // Perpendicular-only comparisons have no modes to count: no note.
  const perp = cell(2, 'perpendicular', [0.2], [0.006]);
  assert.equal(table1Report('quick', perp, perp).notes.some((n) => n.startsWith('One-to-Many, seeds')), false);
});

test('Table 1: a note says where the paper-scale runs came from, shipped runs named as such', () => {
  const shipped = join(paths.shippedRuns(), 'table1', 'paper');
  const own = join(paths.results(), 'table1', 'paper');
  const paper = [...cell(16, 'one-to-many', [0.91, 1.39], [1.0]).map((r) => ({ ...r, from: shipped })), { ...run(2, 'perpendicular', 'OTM', 0, 1.28), from: own }];
  const note = table1Report('quick', cell(16, 'one-to-many', [2.9], [1.0]), paper).notes.find((n) => n.startsWith('Paper-scale runs:'));
  assert.equal(note, 'Paper-scale runs: 3 from data/runs/table1/paper (shipped with the repository; data/runs/README.md says how to regenerate them), 1 from results/table1/paper.');
  assert.equal(table1Report('quick', cell(16, 'one-to-many', [2.9], [1.0]), []).notes.some((n) => n.startsWith('Paper-scale runs:')), false);
});

test('Table 1: the tenth-of-paper runs get their own rows, agreement verdict and collapse counts', () => {
  const withShares = (r: CellResult, shares: [number, number]): CellResult => ({ ...r, metrics: { ...(r.metrics as RunMetrics), modes: { shares } } as unknown as RunMetrics });
  const quick = [...cell(16, 'one-to-many', [2.9, 2.5, 2.8], [0.93, 1.0, 1.0]), ...cell(2, 'perpendicular', [0.2, 0.3], [0.006, 0.007])];
  const paper = [...cell(16, 'one-to-many', [0.91, 0.91], [1.0, 0.92]), ...cell(2, 'perpendicular', [1.28], [0.001])];
  // Only runs that carry mode shares are counted in the collapse note (the quick and paper runs here carry none).
  // The tenth runs cover d = 16 only: agreeing there, and adding no row or check for d = 2 Perpendicular.
  const tenth = [withShares(run(16, 'one-to-many', 'OTM', 0, 1.07), [0.5, 0.5]), withShares(run(16, 'one-to-many', 'OTM', 1, 3.1), [0.01, 0.99]), run(16, 'one-to-many', 'OTP', 0, 1.0)];
  const report = table1Report('quick', quick, paper, tenth);
  const claim = (prefix: string) => report.verdicts.find((v) => v.claim.startsWith(prefix));
  const quickVerdict = claim('This book: the quick scale');
  assert.ok(quickVerdict);
  assert.match(quickVerdict.detail, /paper scale: about equal; quick scale: OTP lower/);
  const tenthVerdict = claim("This book: App. E.1's settings with a tenth");
  assert.ok(tenthVerdict, 'no tenth-of-paper verdict');
  assert.match(tenthVerdict.claim, /2000 outer iterations, K_T = 20, lr 1e-4/);
  // OTM's mean over the tenth seeds (2.09) is over 1.5× OTP's 1.0: not the paper scale's "about equal".
  assert.equal(tenthVerdict.verdict, 'not reproduced');
  assert.match(tenthVerdict.detail, /paper scale: about equal; tenth of the paper scale: OTP lower/);
  assert.doesNotMatch(tenthVerdict.detail, /Perpendicular/);
  const rows = report.tables.find((t) => t.name === 'table1-scales')?.rows ?? [];
  assert.deepEqual(rows.find((r) => r.cell === 'd=16 One-to-Many OTM, tenth of the paper scale (ours)')?.ours, [1.07, 3.1]);
  assert.equal(rows.some((r) => r.cell.startsWith('d=2 Perpendicular') && r.cell.includes('tenth')), false);
  assert.ok(rows.some((r) => r.cell === 'd=2 Perpendicular OTM, quick scale (ours)'));
  const note = report.notes.find((n) => n.startsWith('One-to-Many, seeds'));
  assert.ok(note);
  assert.match(note, /d = 16: OTM 0 of 0 seeds at the quick scale, 1 of 2 at the tenth of the paper scale, 0 of 0 at the paper scale; OTP 0 of 0 seeds at the quick scale, 0 of 0 at the tenth/);
  // Where the tenth runs came from is said, as for the paper scale's.
  assert.ok(report.notes.some((n) => n.startsWith('Runs at the tenth of the paper scale: 3 from unknown')));
  // An agreeing tenth set is reproduced.
  const agreeing = table1Report('quick', quick, paper, cell(16, 'one-to-many', [1.07, 1.05], [1.0, 0.97]));
  assert.equal(agreeing.verdicts.find((v) => v.claim.startsWith("This book: App. E.1's"))?.verdict, 'reproduced');
});

test('every experiment has a report, or building one names the report its runs appear in', async () => {
  const own = new Set(reportNames());
  const hosted = listExperiments().filter((e) => !own.has(e.name));
  assert.deepEqual(hosted.map((e) => e.name), ['table1-tenth']);
  await assert.rejects(buildReport('table1-tenth', 'quick', '/nonexistent'), /'table1-tenth' has no report of its own: its runs appear in table1's \(otbook report table1 --scale quick\)/);
  await assert.rejects(buildReport('table9', 'quick', '/nonexistent'), /no report for 'table9'; reports: fig1, /);
});
