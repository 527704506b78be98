import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellResult, RunMetrics } from '../../lib/experiments';
import { loadPublished } from '../../lib/experiments';
import { summarize } from '../../lib/verdicts';
import { DIOTM_LAMBDAS, DIOTM_TABLE3_TASKS, DIOTM_TASKS } from '../../lib/experiments/grids';
import type { Scale } from '../../lib/experiments/scale';
import { bestAndWorst, diotmTable1Report, diotmTable3Report } from '../../lib/reports/diotm';
import { inputOf } from '../helpers/evidence';

const table1Of = (results: readonly CellResult[], scale: Scale = 'paper') => diotmTable1Report(inputOf('diotm-table1', scale, results));
const table3Of = (results: readonly CellResult[], scale: Scale = 'paper') => diotmTable3Report(inputOf('diotm-table3', scale, results));

/** A finished run with W2 = w (D_target = w²) and L2 = l; a diverged run when w is null. */
function run(factors: Record<string, string | number>, w: number | null, l = 1): CellResult {
  return {
    id: Object.values({ seed: 0, ...factors }).join('-'),
    factors: { dim: 2, seed: 0, ...factors },
    status: w === null ? 'diverged' : 'completed',
    divergedAt: w === null ? 42 : undefined,
    metrics: w === null ? undefined : ({ n: 1000, dTarget: w * w, floor: 0.01, discreteMapL2: l, transportCost: 1, evalSeconds: 0 } as RunMetrics),
  };
}

const claim = (r: ReturnType<typeof diotmTable1Report>, text: string) => {
  const v = r.verdicts.find((x) => x.claim.includes(text));
  assert.ok(v, `no verdict containing '${text}'`);
  return v;
};

test('Table 1 rows carry the published numbers beside W2 = √D_target and the L2 metric', () => {
  const results = DIOTM_TASKS.flatMap((pair) => [run({ pair, method: 'OTM' }, 0.5, 0.9), run({ pair, method: 'DIOTM' }, 0.3, 0.6)]);
  const r = table1Of(results, 'quick');
  const published = loadPublished('diotm-table1');
  const main = r.tables[0].rows;
  assert.equal(main.length, 16);
  for (const v of published.values) {
    const title = { g8g: 'G8G', g25g: 'G25G', 'moon-spiral': 'Moon→Spiral', 'g-circles': 'G→Circles' }[String(v.pair)];
    const w2 = main.find((x) => x.cell === `${title}, ${v.method}` && x.metric.startsWith('W2'));
    const l2 = main.find((x) => x.cell === `${title}, ${v.method}` && x.metric.startsWith('L2'));
    assert.equal(w2?.paper, v.w2);
    assert.equal(l2?.paper, v.l2);
    assert.deepEqual(w2?.ours, [v.method === 'OTM' ? 0.5 : 0.3]);
    assert.deepEqual(l2?.ours, [v.method === 'OTM' ? 0.9 : 0.6]);
  }
  // Scale-free ratios: the paper's DIOTM/OTM on G8G W2 is 3.72 / 4.93.
  const ratio = r.tables[1].rows.find((x) => x.cell === 'G8G' && x.metric.startsWith('W2: DIOTM / OTM'));
  assert.ok(ratio && Math.abs((ratio.paper ?? 0) - 3.72 / 4.93) < 1e-12 && Math.abs(ratio.ours[0] - 0.6) < 1e-12);
  assert.match(ratio.note ?? '', /paper: DIOTM lower/);
  const moon = r.tables[1].rows.find((x) => x.cell === 'Moon→Spiral' && x.metric.startsWith('W2'));
  assert.match(moon?.note ?? '', /paper: OTM lower/);
  assert.equal(r.figures.length, 0, 'no figure without a results folder');
});

test('Table 1 verdicts: W2 is judged on the paper’s three tasks, L2 on all four, three seeds a side', () => {
  const results = DIOTM_TASKS.flatMap((pair) =>
    [0, 1, 2].flatMap((seed) => [run({ pair, method: 'OTM', seed }, 0.5 + seed / 100, 0.9 + seed / 100), run({ pair, method: 'DIOTM', seed }, 0.3 + seed / 100, 0.6 + seed / 100)]),
  );
  const r = table1Of(results);
  const w2 = claim(r, 'lower W2 than OTM on 3 of 4 tasks');
  assert.match(w2.claim, /G8G, G25G, G→Circles; on Moon→Spiral the paper has OTM lower/);
  assert.equal(w2.verdict, 'reproduced');
  assert.equal(w2.coverage, '3 of 3 cells run');
  assert.equal(claim(r, 'lower L2').verdict, 'reproduced');
  // One seed a side: too few to decide. The quick scale (a reduced level, agreement unmeasured): not decided.
  assert.equal(claim(table1Of(results.filter((c) => c.factors.seed === 0)), 'lower W2').reason, 'too few seeds');
  assert.equal(claim(table1Of(results, 'quick'), 'lower W2').reason, 'reduced level without measured agreement');

  // OTM better everywhere: not reproduced.
  const reversed = DIOTM_TASKS.flatMap((pair) => [0, 1, 2].flatMap((seed) => [run({ pair, method: 'OTM', seed }, 0.2 + seed / 100, 0.5 + seed / 100), run({ pair, method: 'DIOTM', seed }, 0.4 + seed / 100, 0.7 + seed / 100)]));
  assert.equal(claim(table1Of(reversed), 'lower W2').verdict, 'not reproduced');
  assert.equal(claim(table1Of(reversed), 'lower L2').verdict, 'not reproduced');

  // Every DIOTM run diverged on one task: that cell cannot be judged, the claim is inconclusive, the row says DIV.
  const div = results.map((c) => (c.factors.pair === 'g25g' && c.factors.method === 'DIOTM' ? run({ pair: 'g25g', method: 'DIOTM', seed: c.factors.seed }, null) : c));
  const rd = table1Of(div);
  assert.deepEqual([claim(rd, 'lower L2').verdict, claim(rd, 'lower L2').reason], ['inconclusive', 'diverged runs only']);
  const row = rd.tables[0].rows.find((x) => x.cell === 'G25G, DIOTM' && x.metric.startsWith('W2'));
  assert.equal(row?.note, 'DIV');
  assert.deepEqual(row?.ours, []);
  const ratioDiv = rd.tables[1].rows.find((x) => x.cell === 'G25G' && x.metric.startsWith('W2: DIOTM / OTM'));
  assert.equal(ratioDiv?.note, 'DIOTM DIV');
  assert.ok(rd.notes.some((n) => n.includes('Diverged') && n.includes('iteration 42')));
});

/** The full Table 3 grid, three seeds: value(reg, λ, pair, seed) gives W2 (null = diverged), L2 = W2 + 1. */
function table3(value: (reg: string, lambda: number, pair: string, seed: number) => number | null, seeds: readonly number[] = [0, 1, 2]): CellResult[] {
  return ['otm', 'r1', 'hjb'].flatMap((regularizer) =>
    DIOTM_TABLE3_TASKS.flatMap((pair) =>
      DIOTM_LAMBDAS.flatMap((lambda) =>
        seeds.map((seed) => {
          const w = value(regularizer, lambda, pair, seed);
          return run({ pair, method: 'DIOTM', regularizer, lambda, seed }, w, w === null ? 1 : w + 1);
        }),
      ),
    ),
  );
}

test('Table 3 rows: published values and DIV marks, ours with DIV for diverged runs', () => {
  const results = table3((reg, lambda, pair) => (reg === 'otm' && lambda === 1 && pair === 'g8g' ? null : 1), [0]);
  const r = table3Of(results, 'quick');
  const rows = r.tables[0].rows;
  assert.equal(rows.length, 2 * 3 * 3 * 4);
  const bothDiv = rows.find((x) => x.cell === 'G8G, OTM-style, λ = 1' && x.metric.startsWith('W2'));
  assert.equal(bothDiv?.paper, null);
  assert.equal(bothDiv?.note, 'DIV (paper: DIV)');
  const paperOnly = rows.find((x) => x.cell === 'G25G, R1, λ = 10' && x.metric.startsWith('L2'));
  assert.equal(paperOnly?.paper, null);
  assert.match(paperOnly?.note ?? '', /^paper: DIV; ours finished/);
  assert.equal(rows.find((x) => x.cell === 'Moon→Spiral, HJB, λ = 1' && x.metric.startsWith('W2'))?.paper, 0.3);
  assert.equal(rows.find((x) => x.cell === 'G25G, R1, λ = 0.1' && x.metric.startsWith('L2'))?.paper, 86.05);
});

test('Table 3 verdicts: best, stable and the divergences, judged on three seeds', () => {
  // The paper's picture: OTM-style diverges at λ = 1 everywhere, R1 at λ = 10 on G25G, HJB lowest and never diverging.
  const paperLike = table3((reg, lambda, pair, seed) => {
    if (reg === 'otm') return lambda === 1 ? null : 20 + lambda + seed / 10;
    if (reg === 'r1') return pair === 'g25g' && lambda === 10 ? null : 3 + lambda + seed / 10;
    return 1 + lambda / 10 + seed / 100;
  });
  const r = table3Of(paperLike);
  const get = (t: string) => r.verdicts.find((v) => v.claim.includes(t));
  assert.equal(get('best result')?.verdict, 'reproduced');
  assert.match(get('best result')?.detail ?? '', /G8G W2, HJB vs OTM-style: reproduced/);
  assert.equal(get('no HJB run diverges')?.verdict, 'reproduced');
  assert.equal(get('most stable')?.verdict, 'reproduced');
  assert.match(get('most stable')?.detail ?? '', /OTM-style λ = 1: 3 of 3 runs diverged; HJB: 0 of 12 diverged/);
  assert.equal(get('divergences recur')?.verdict, 'reproduced');
  assert.equal(get('divergences recur')?.coverage, '3 of 3 cells run');

  // An HJB run that diverges, and a paper DIV cell that finishes here.
  const mixed = table3((reg, lambda, pair, seed) => {
    if (reg === 'hjb') return pair === 'g25g' && lambda === 10 && seed === 0 ? null : 1 + seed / 100;
    if (reg === 'otm') return 20 + seed / 10;
    return 3 + seed / 10;
  });
  const m = table3Of(mixed);
  const mget = (t: string) => m.verdicts.find((v) => v.claim.includes(t));
  assert.equal(mget('no HJB run diverges')?.verdict, 'not reproduced');
  assert.equal(mget('divergences recur')?.verdict, 'not reproduced');
  assert.match(mget('divergences recur')?.detail ?? '', /G8G OTM-style λ = 1: not reproduced/);
});

test('bestAndWorst: best over finished λ, worst counts a λ with a diverged run as +∞', () => {
  const s = (vals: number[], diverged = 0) => summarize([...vals.map((w) => run({}, w)), ...Array.from({ length: diverged }, () => run({}, null))], (m) => Math.sqrt(m.dTarget));
  const r = bestAndWorst([
    { lambda: 0.1, s: s([2]) },
    { lambda: 0.2, s: s([1]) },
    { lambda: 1, s: s([], 1) },
    { lambda: 10, s: s([3]) },
  ]);
  assert.deepEqual(r, { best: 1, bestLambda: 0.2, worst: Number.POSITIVE_INFINITY, worstLambda: 1, diverged: [1] });
  const ok = bestAndWorst([{ lambda: 1, s: s([2, 4]) }]);
  assert.deepEqual(ok, { best: 3, bestLambda: 1, worst: 3, worstLambda: 1, diverged: [] });
});

test('Table 3 on a corner of the grid (the quick scale: G8G × λ ∈ {0.1, 1}): tables show what ran, verdicts are undecided', () => {
  const corner = table3((reg) => (reg === 'hjb' ? 1 : 2), [0]).filter((c) => c.factors.pair === 'g8g' && (c.factors.lambda === 0.1 || c.factors.lambda === 1));
  assert.equal(corner.length, 6);
  const r = table3Of(corner, 'quick');
  assert.equal(r.tables[0].rows.length, 2 * 3 * 2);
  assert.ok(r.tables[0].rows.every((x) => x.cell.startsWith('G8G') && !x.note?.startsWith('not run')));
  assert.match(r.tables[0].caption, /this scale runs G8G × λ ∈ \{0\.1, 1\}/);
  // Cells outside the corner were never run; those inside rest on the reduced (quick-scale) level, unmeasured.
  const div = r.verdicts.find((v) => v.claim.includes('divergences recur'));
  assert.equal(div?.coverage, '1 of 3 cells run (not run: G25G OTM-style λ = 1, G25G R1 λ = 10)');
  assert.equal(div?.reason, 'reduced level without measured agreement');
});
