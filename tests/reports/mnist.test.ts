import { test } from 'node:test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeldOutDrawSummary } from '../../lib/data/types';
import assert from 'node:assert/strict';
import type { CellResult, RunMetrics } from '../../lib/experiments';
import { modeSharesFromLabels } from '../../lib/metrics/modes';
import { colourDiversity, COLOUR_COLLAPSE_SHARE, COVER_RANGE, mnistPlanDraws, mnistReport, planDistinctColours, type MnistPlanDraws } from '../../lib/reports/mnist';
import type { Scale } from '../../lib/experiments/scale';
import { inputOf } from '../helpers/evidence';

/** A run whose evaluation classified `counts` outputs as red, green, blue and `unassigned` as none. */
function cell(method: string, counts: readonly number[] | null, status: CellResult['status'] = 'completed', seed = 0): CellResult {
  const labels: number[] = [];
  if (counts) {
    counts.forEach((c, k) => labels.push(...Array<number>(c).fill(k)));
  }
  const modes = counts ? modeSharesFromLabels(Int32Array.from(labels.length ? labels : []), ['red', 'green', 'blue']) : undefined;
  return {
    id: `d768-mnist-cmnist-${method.toLowerCase()}-s${seed}`,
    factors: { method, pair: 'mnist-cmnist', dim: 768, seed },
    status,
    divergedAt: status === 'diverged' ? 123 : undefined,
    metrics: counts && status === 'completed' ? ({ n: 500, dTarget: 1, transportCost: 1, modes, evalSeconds: 0 } as RunMetrics) : undefined,
  };
}

/** Adds unassigned outputs to a cell's counts. */
function withUnassigned(method: string, counts: readonly number[], unassigned: number, seed = 0): CellResult {
  const labels = [...counts.flatMap((c, k) => Array<number>(c).fill(k)), ...Array<number>(unassigned).fill(-1)];
  const base = cell(method, counts, 'completed', seed);
  return { ...base, metrics: { ...(base.metrics as RunMetrics), modes: modeSharesFromLabels(Int32Array.from(labels), ['red', 'green', 'blue']) } };
}

/** Three seeds of each method, as the paper scale runs them. */
const seeds3 = (method: string, counts: readonly number[] | null, status: CellResult['status'] = 'completed') => [0, 1, 2].map((s) => cell(method, counts, status, s));
const report = (scale: Scale, results: readonly CellResult[], d: MnistPlanDraws | null = null) => mnistReport(inputOf('mnist', scale, results), d);

const verdictOf = (r: ReturnType<typeof mnistReport>, start: string) => {
  const v = r.verdicts.find((x) => x.claim.includes(start));
  assert.ok(v, `no verdict containing '${start}'`);
  return v;
};

test('the thresholds are the ones the notebook states', () => {
  assert.equal(COLOUR_COLLAPSE_SHARE, 0.8);
  assert.deepEqual(COVER_RANGE, [0.2, 0.47]);
  // The cover range is ⅓ ± 0.13, i.e. about six binomial standard deviations at n = 500: a fair plan passes.
  const sd = Math.sqrt(((1 / 3) * (2 / 3)) / 500);
  assert.ok((1 / 3 - COVER_RANGE[0]) / sd > 6 && (COVER_RANGE[1] - 1 / 3) / sd > 6);
});

test('collapse of OTM-s and coverage by OTP, three paper-scale seeds each, are reproduced as the paper describes', () => {
  const r = report('paper', [...seeds3('OTM-s', [5, 10, 485]), ...seeds3('OTP', [170, 160, 170])]);
  assert.equal(verdictOf(r, 'OTM-s collapses').verdict, 'reproduced');
  assert.equal(verdictOf(r, 'OTP covers the three colours').verdict, 'reproduced');
  assert.equal(verdictOf(r, 'OTM-s collapses').level, 'paper');
  assert.match(verdictOf(r, 'OTM-s collapses').detail, /B 0\.97/);
  // Without plan draws, the per-input claim is not judged, and FID/LPIPS are quoted, not run.
  assert.equal(verdictOf(r, 'stochastic plan').verdict, 'not run');
  assert.equal(verdictOf(r, 'FID 3.18').verdict, 'not run');
  assert.equal(r.figures.length, 0);
});

test('one seed, or quick-scale runs, decide nothing', () => {
  const one = report('paper', [cell('OTM-s', [5, 10, 485]), cell('OTP', [170, 160, 170])]);
  assert.deepEqual([verdictOf(one, 'OTM-s collapses').verdict, verdictOf(one, 'OTM-s collapses').reason], ['inconclusive', 'too few seeds']);
  const quick = report('quick', [...seeds3('OTM-s', [5, 10, 485]), ...seeds3('OTP', [170, 160, 170])]);
  assert.deepEqual([verdictOf(quick, 'OTP covers').verdict, verdictOf(quick, 'OTP covers').reason], ['inconclusive', 'quick evidence only']);
});

test('threshold edges: a largest share of exactly 0.8 is a collapse; shares at 0.2 and 0.47 still cover', () => {
  const edge = report('paper', [...seeds3('OTM-s', [400, 50, 50]), ...seeds3('OTP', [100, 165, 235])]);
  assert.equal(verdictOf(edge, 'OTM-s collapses').verdict, 'reproduced');
  assert.equal(verdictOf(edge, 'OTP covers').verdict, 'reproduced');
  const off = report('paper', [...seeds3('OTM-s', [399, 51, 50]), ...seeds3('OTP', [99, 165, 236])]);
  assert.equal(verdictOf(off, 'OTM-s collapses').verdict, 'not reproduced');
  assert.equal(verdictOf(off, 'OTP covers').verdict, 'not reproduced');
});

test('unassigned (grey) outputs count against the shares: grey outputs neither collapse nor cover', () => {
  const r = report('paper', [0, 1, 2].flatMap((s) => [withUnassigned('OTM-s', [0, 0, 10], 490, s), withUnassigned('OTP', [20, 20, 20], 440, s)]));
  assert.equal(verdictOf(r, 'OTM-s collapses').verdict, 'not reproduced');
  assert.equal(verdictOf(r, 'OTP covers').verdict, 'not reproduced');
  const un = r.tables[0].rows.find((x) => x.cell === 'OTP' && x.metric.startsWith('share unassigned'));
  assert.ok(un && Math.abs(un.ours[0] - 0.88) < 1e-12);
});

test('a diverged OTP seed fails the coverage check on that seed and shows as DIV in the table', () => {
  const r = report('paper', [...seeds3('OTM-s', [0, 0, 500]), cell('OTP', null, 'diverged', 0), cell('OTP', [170, 160, 170], 'completed', 1), cell('OTP', [170, 160, 170], 'completed', 2)]);
  const v = verdictOf(r, 'OTP covers');
  assert.equal(v.verdict, 'not reproduced');
  assert.match(v.detail, /d768-mnist-cmnist-otp-s0 diverged ✗/);
  const rows = r.tables[0].rows.filter((x) => x.cell === 'OTP');
  assert.equal(rows.length, 4);
  for (const row of rows) {
    assert.deepEqual(row.ours, []);
    assert.equal(row.note, 'DIV at iteration 123');
  }
});

test('the published FID and LPIPS rows carry the numbers of data/paper/otp-mnist.json', () => {
  const r = report('paper', [cell('OTM-s', [0, 0, 500]), cell('OTP', [170, 160, 170])]);
  const pub = r.tables.find((t) => t.name === 'mnist-published');
  assert.ok(pub);
  const val = (m: string, metric: string) => pub.rows.find((x) => x.cell.startsWith(m) && x.metric === metric)?.paper;
  assert.deepEqual([val('OTM-s', 'FID'), val('OTP', 'FID'), val('OTM-s', 'LPIPS'), val('OTP', 'LPIPS')], [62.4, 3.18, 0.36, 0.32]);
  for (const row of pub.rows) assert.deepEqual(row.ours, []);
});

test('expected distinct colours of the plan: the closed form matches enumeration of all colour sequences', () => {
  for (const draws of [1, 2, 4, 8]) {
    let sum = 0;
    const total = 3 ** draws;
    for (let code = 0; code < total; code++) {
      const seen = new Set<number>();
      let c = code;
      for (let k = 0; k < draws; k++) {
        seen.add(c % 3);
        c = Math.floor(c / 3);
      }
      sum += seen.size;
    }
    assert.ok(Math.abs(planDistinctColours(draws) - sum / total) < 1e-12, `draws = ${draws}`);
  }
  assert.deepEqual(colourDiversity([1, 2, 3, 0]), { mean: 1.5, atLeastTwo: 0.5 });
});

function draws(otpDistinct: number[], otpPres: number, otmsPres: number): MnistPlanDraws {
  const img = (n: number) => ({ n, d: 12, data: new Float32Array(n * 12).fill(-1) });
  return {
    split: 'test',
    n: otpDistinct.length,
    draws: 8,
    inputs: img(3),
    preservationBaseline: 0.08,
    skipped: [],
    methods: [
      { method: 'OTM-s', cellId: 'd768-mnist-cmnist-otm-s-s0', shown: [img(3)], shares: [0, 0, 1], unassigned: 0, distinctColours: otpDistinct.map(() => 1), preservation: otmsPres, tint: [0, 0, 1], purity: 0.4 },
      { method: 'OTP', cellId: 'd768-mnist-cmnist-otp-s0', shown: Array.from({ length: 8 }, () => img(3)), shares: [0.3, 0.3, 0.4], unassigned: 0, distinctColours: otpDistinct, preservation: otpPres, tint: [0.3, 0.3, 0.4], purity: 0.5 },
    ],
  };
}

test('per-input stochasticity and digit preservation are read from one seed’s plan draws: too few seeds to decide', () => {
  const results = [...seeds3('OTM-s', [0, 0, 500]), ...seeds3('OTP', [170, 160, 170])];
  const good = report('paper', results, draws([3, 3, 2, 1], 0.01, 0.02));
  assert.deepEqual([verdictOf(good, 'stochastic plan').verdict, verdictOf(good, 'stochastic plan').reason], ['inconclusive', 'too few seeds']);
  assert.match(verdictOf(good, 'stochastic plan').detail, /75% of inputs with ≥ 2 colours/);
  assert.equal(verdictOf(good, 'keeps the digit').reason, 'too few seeds');
  assert.equal(good.figures.length, 1);
  const bad = report('paper', results, draws([1, 1, 2, 1], 0.03, 0.02));
  assert.match(verdictOf(bad, 'stochastic plan').detail, /25% of inputs/);
  const plan = bad.tables.find((t) => t.name === 'mnist-plan-draws');
  assert.ok(plan && plan.rows.some((x) => x.cell === 'OTP' && x.metric.startsWith('inputs with') && x.ours[0] === 0.25));
});

test('plan draws skip cells that did not complete, and the report then says the per-input claim was not run', () => {
  const results = [cell('OTM-s', null, 'missing'), cell('OTP', null, 'diverged')];
  const d = mnistPlanDraws('/nonexistent-results-dir', results);
  assert.equal(d.methods.length, 0);
  assert.deepEqual(d.skipped, ['d768-mnist-cmnist-otm-s-s0 (missing)', 'd768-mnist-cmnist-otp-s0 (diverged)']);
  const r = report('quick', results, d);
  assert.equal(verdictOf(r, 'stochastic plan').verdict, 'not run');
  assert.match(verdictOf(r, 'stochastic plan').reason ?? '', /otp-s0 \(diverged\)/);
  assert.equal(r.figures.length, 0);
  assert.ok(r.notes.some((n) => n.startsWith('No plan draws recorded')));
});

test('a completed run evaluated before held-out draws were recorded asks, in one line, to be re-evaluated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otbook-mnist-old-'));
  const results = [cell('OTM-s', [0, 0, 500]), cell('OTP', [170, 160, 170])].map((c) => ({ ...c, from: dir }));
  const d = mnistPlanDraws(null, results);
  assert.equal(d.methods.length, 0);
  assert.deepEqual(d.skipped, results.map((c) => `${c.id} (evaluated before held-out draws were recorded: re-evaluate with otbook eval --model ${join(dir, c.id)})`));
  const r = report('quick', results, d);
  assert.equal(verdictOf(r, 'stochastic plan').verdict, 'not run');
  assert.match(verdictOf(r, 'stochastic plan').reason ?? '', /re-evaluate with otbook eval/);
});

test('the report reads the draws that evaluation recorded: metrics.json heldOut and samples.json heldOut', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otbook-mnist-new-'));
  const img = (v: number) => Array.from({ length: 12 }, () => v);
  const summary = (distinctModes: number[], preservation: number): HeldOutDrawSummary => ({
    split: 'test', n: 4, draws: 8, shares: [0.3, 0.3, 0.4], unassigned: 0, distinctModes, preservation, preservationBaseline: 0.08, tint: [0.3, 0.3, 0.4], purity: 0.5,
  });
  const results = [
    { ...cell('OTM-s', [0, 0, 500]), from: dir, metrics: { ...(cell('OTM-s', [0, 0, 500]).metrics as RunMetrics), heldOut: summary([0, 4, 0, 0], 0.02) } },
    { ...cell('OTP', [170, 160, 170]), from: dir, metrics: { ...(cell('OTP', [170, 160, 170]).metrics as RunMetrics), heldOut: summary([0, 1, 1, 2], 0.01) } },
  ];
  for (const c of results) {
    mkdirSync(join(dir, c.id), { recursive: true });
    writeFileSync(join(dir, c.id, 'samples.json'), JSON.stringify({ heldOut: { inputs: [img(-1), img(0)], draws: [[img(1), img(1)], [img(0.5), img(0.5)]] } }));
  }
  const d = mnistPlanDraws(null, results);
  assert.deepEqual(d.skipped, []);
  assert.deepEqual([d.n, d.draws, d.inputs.n, d.inputs.d, d.preservationBaseline], [4, 8, 2, 12, 0.08]);
  const otp = d.methods.find((m) => m.method === 'OTP');
  assert.ok(otp);
  assert.deepEqual([...otp.distinctColours].sort(), [1, 2, 3, 3]);
  assert.deepEqual(colourDiversity(otp.distinctColours), { mean: 2.25, atLeastTwo: 0.75 });
  assert.deepEqual([otp.shown.length, otp.shown[1].data[0]], [2, 0.5]);
  const r = report('quick', results, d);
  assert.match(verdictOf(r, 'stochastic plan').detail, /75% of inputs with ≥ 2 colours/);
  assert.equal(r.figures.length, 1);
});
