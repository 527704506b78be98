import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { configHash, type TrainConfig } from '../experiments/config';
import { resolveConfig } from '../experiments/defaults';
import { resolveSide } from '../experiments/data';
import type { RunSamples } from '../experiments/evaluate';
import { BUDGETS, type Cell } from '../experiments/registry';
import { readRunConfig, readRunRecord } from '../experiments/run-folder';
import type { Scale } from '../experiments/scale';
import { exactW2Squared } from '../ot/exact';
import { paths, repoRoot } from '../paths';
import { panelGrid, type Figure } from '../plots';
import type { PointCloud } from '../points';
import { Rng } from '../random';
import type { ComparisonRow } from '../tables';
import { RULE } from '../verdicts/rule';
import { welch } from '../verdicts/stats';
import { sig, summarize } from '../verdicts/summary';
import type { CellResult } from '../experiments/sweep';
import type { Report } from './report';
import { transportPanel, type CellSamples } from './report';

/**
 * Notebook 09 and `otbook report your-data`: OTP and OTM on a pair a researcher brings (two CSV files, or the two
 * sides of a named pair), the exact W2² of the data (lib/ot), D_target with its estimation floor, and the two
 * methods compared by the rule's ordering test. Every step is one the command line offers: `otbook w2` for the
 * exact W2², `otbook train` for each run (the configurations here are what its flags resolve to), `otbook map`
 * to transport points, and `otbook report your-data --results DIR` for this report.
 */

export const YOUR_DATA = 'your-data';

/** A pair: each side a CSV file (one point per row) or a named pair's side, e.g. 'one-to-many:source'. */
export interface YourData {
  readonly source: string;
  readonly target: string;
}

/** The example shipped with the book: data/your-data/{source,target}.csv (2-D). */
export function exampleData(): YourData {
  const dir = join(paths.repoData(), 'your-data');
  return { source: join(dir, 'source.csv'), target: join(dir, 'target.csv') };
}

const METHODS = [
  { label: 'OTM', method: 'otm' },
  { label: 'OTP', method: 'otp' },
] as const;

/** A CSV side as an absolute path (a run's configuration must find it from any folder); a pair's side as given. */
function sideSpec(spec: string): string {
  const named = /^[a-z0-9-]+:(source|target)$/.test(spec) && !existsSync(spec);
  return named || isAbsolute(spec) ? spec : resolve(spec);
}

/**
 * The runs of notebook 09: OTM and OTP on the pair, three seeds each (the rule's minimum for its test), with the
 * book's budget of the scale for Table 1 (the same settings as the 2-D cells of notebooks 02 and 03; the paper
 * scale is App. E.1's). Each configuration is what `otbook train --method M --source S --target T --seed s
 * --iterations K --inner-steps KT [--lr LR]` resolves to.
 */
export function yourDataCells(data: YourData, scale: Scale): Cell[] {
  const budget = scale === 'paper' ? null : BUDGETS.table1[scale];
  const source = sideSpec(data.source);
  const target = sideSpec(data.target);
  const seeds = scale === 'paper' ? BUDGETS.table1.paperSeeds : [0, 1, 2];
  return METHODS.flatMap(({ label, method }) =>
    seeds.map((seed): Cell => {
      const config = resolveConfig(undefined, {
        method,
        source,
        target,
        seed,
        ...(budget ? { iterations: budget.iterations, innerSteps: budget.innerSteps, ...(budget.lr ? { lr: budget.lr } : {}), logEvery: Math.max(1, Math.round(budget.iterations / 100)), checkpointEvery: Math.max(1, Math.round(budget.iterations / 10)) } : {}),
        ...(budget?.evalN ? { eval: { n: budget.evalN } } : {}),
      });
      return { id: `${method}-s${seed}`, factors: { method: label, seed }, config };
    }),
  );
}

/** results/your-data/<scale>-<hash of the runs' configurations>: other data or settings never share a folder. */
export function yourDataDir(scale: Scale, cells: readonly Cell[]): string {
  const hash = createHash('sha256').update(cells.map((c) => `${c.id}:${configHash(c.config)}`).sort().join('\n')).digest('hex').slice(0, 8);
  return join(paths.results(), YOUR_DATA, `${scale}-${hash}`);
}

/** One side's points: a CSV file whole, or n points sampled from a named pair's side. */
function sidePoints(spec: string, role: 'source' | 'target', n: number, rng: Rng): { points: PointCloud; sampled: boolean } {
  const side = resolveSide(sideSpec(spec), role, undefined);
  return side.cloud ? { points: side.cloud, sampled: false } : { points: side.sampler.sample(n, rng), sampled: true };
}

export interface DataW2 {
  /** W2² = min over plans of E‖x − y‖² between the two sides (exact OT). */
  readonly cost: number;
  readonly n: number;
  readonly m: number;
  readonly d: number;
  readonly solver: string;
  /** Whether a side was sampled (a named pair's side: n points, seeded), rather than read whole. */
  readonly sampled: boolean;
  readonly text: string;
}

/**
 * The exact W2² between the two sides of the data, as `otbook w2 --source S --target T` computes it: CSV files
 * whole (a discrete measure on their rows), a named pair's side by `n` points drawn with `seed`.
 */
export function exactW2OfData(data: YourData, options: { n?: number; seed?: number } = {}): DataW2 {
  const rng = new Rng(options.seed ?? 0);
  const n = options.n ?? 1000;
  const a = sidePoints(data.source, 'source', n, rng);
  const b = sidePoints(data.target, 'target', n, rng);
  if (a.points.d !== b.points.d) throw new UserError(`source ${data.source} has points of dimension ${a.points.d} but target ${data.target} has ${b.points.d}; they must agree`);
  const r = exactW2Squared(a.points, b.points);
  const sampled = a.sampled || b.sampled;
  return {
    cost: r.cost,
    n: r.n,
    m: r.m,
    d: a.points.d,
    solver: r.solver,
    sampled,
    text: `W2² = ${sig(r.cost)} (exact OT, ${r.solver}; n = ${r.n}, m = ${r.m}, d = ${a.points.d}${sampled ? `; sampled with seed ${options.seed ?? 0}` : ''})`,
  };
}

/** The finished runs in a folder of notebook 09 (each sub-folder one `otbook train` run), as results. */
function readRuns(dir: string): Array<CellResult & { config: TrainConfig; dir: string }> {
  if (!existsSync(dir)) throw new UserError(`otbook report your-data: no folder ${dir}; give --results the folder notebook 09 trained into (results/your-data/<scale>-<hash>)`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'config.json')))
    .flatMap((e) => {
      const runDir = join(dir, e.name);
      const record = readRunRecord(runDir);
      if (!record) return [];
      const config = readRunConfig(runDir);
      const label = METHODS.find((m) => m.method === config.method)?.label ?? config.method;
      return [{ id: e.name, factors: { method: label, seed: config.seed }, status: record.status, metrics: record.metrics, trainSeconds: record.trainSeconds, from: dir, config, dir: runDir }];
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

function samplesOf(dir: string): CellSamples | null {
  const f = join(dir, 'samples.json');
  if (!existsSync(f)) return null;
  const s = JSON.parse(readFileSync(f, 'utf8')) as RunSamples;
  const cloud = (rows: number[][]): PointCloud => ({ n: rows.length, d: rows[0]?.length ?? 0, data: Float32Array.from(rows.flat()) });
  return { columns: s.columns, x: cloud(s.x), smoothed: s.smoothed ? cloud(s.smoothed) : undefined, transported: cloud(s.transported), target: cloud(s.target) };
}

/** The transport of each method side by side (x, y, T(x) and OTP's x̃ in the data's first two coordinates). */
export function yourDataFigure(methods: ReadonlyArray<{ readonly title: string; readonly samples: CellSamples | null }>, scale: Scale): Figure {
  return panelGrid([methods.map((m) => transportPanel(m.samples, m.title))], { title: `Your data: x (blue), y (orange), T(x) (red), ${scale} scale`, panelWidth: 340, panelHeight: 300 });
}

/** The ordering test of the rule (one-sided Welch at RULE.alpha, ≥ RULE.minSeeds seeds a side), stated with its numbers. */
function orderingText(otp: readonly number[], otm: readonly number[]): string {
  const head = `OTP's D_target below OTM's, one-sided Welch t-test at the ${100 * (1 - RULE.alpha)}% level, ≥ ${RULE.minSeeds} seeds a side`;
  if (otp.length < RULE.minSeeds || otm.length < RULE.minSeeds) return `${head}: not tested (${otp.length} OTP and ${otm.length} OTM seeds finished).`;
  const w = welch(otp, otm, RULE.alpha);
  const outcome = w.pAbelowB < RULE.alpha ? 'OTP lower' : w.pAaboveB < RULE.alpha ? 'OTM lower' : 'within noise (neither one-sided test gives p < 0.05)';
  return `${head}: ${outcome}; t = ${sig(w.t, 3)}, df = ${sig(w.df, 3)}, p = ${sig(w.pAbelowB, 3)} (opposite direction p = ${sig(w.pAaboveB, 3)}); ${100 * (1 - 2 * RULE.alpha)}% interval of OTM − OTP: [${sig(w.interval[0], 3)}, ${sig(w.interval[1], 3)}].`;
}

/**
 * The report of notebook 09 on the runs in `dir`: per method D_target with its floor, the transport cost against
 * the exact W2² of the data, the transport drawn (seed 0 of each method), and OTP compared with OTM by the rule's
 * ordering test. It states no verdict: the runs bear on your data, not on a claim of the paper.
 */
export function yourDataReport(dir: string, scale: Scale): Report {
  const runs = readRuns(dir);
  if (runs.length === 0) throw new UserError(`otbook report your-data: ${dir} holds no run; train first (notebook 09, or otbook train … --out ${dir}/<method>-s<seed>)`);
  const first = runs[0].config;
  if (!first.source || !first.target) throw new UserError(`otbook report your-data: the runs in ${dir} were not trained on a source and a target (${first.pair ?? 'no data'}); notebook 09 trains with --source and --target`);
  const w2 = exactW2OfData({ source: first.source, target: first.target }, { n: first.eval.n });
  const rows: ComparisonRow[] = [];
  const values: Record<string, number[]> = {};
  for (const { label } of METHODS) {
    const mine = runs.filter((r) => r.factors.method === label);
    const dT = summarize(mine, (m) => m.dTarget);
    values[label] = [...dT.values];
    const note = dT.count === 0 ? (dT.diverged ? `DIV (${dT.diverged})` : 'not run') : dT.diverged ? `${dT.diverged} DIV` : undefined;
    rows.push({ cell: label, metric: `D_target = W2²(T#μ, ν) (n = ${first.eval.n})`, paper: null, ours: dT.values, note });
    rows.push({ cell: label, metric: 'estimation floor W2²(ν_n, ν′_n)', paper: null, ours: summarize(mine, (m) => m.floor).values });
    rows.push({ cell: label, metric: 'transport cost E‖T(x) − x‖²', paper: null, ours: summarize(mine, (m) => m.transportCost).values, note: `exact W2² of the data: ${sig(w2.cost)}` });
    rows.push({ cell: label, metric: '|W2² − E‖T(x) − x‖²| (D_cost against the exact W2²)', paper: null, ours: summarize(mine, (m) => Math.abs(w2.cost - m.transportCost)).values });
  }
  const figure = yourDataFigure(
    METHODS.map(({ label }) => {
      const run = runs.find((r) => r.factors.method === label && r.status === 'completed');
      return { title: `${label}${run ? `, seed ${run.config.seed}` : ''}`, samples: run ? samplesOf(run.dir) : null };
    }),
    scale,
  );
  const trainSeconds = runs.reduce((s, r) => s + (r.trainSeconds ?? 0), 0);
  return {
    experiment: YOUR_DATA,
    scale,
    tables: [{ name: 'your-data', caption: `OTM and OTP on your data (${first.source} → ${first.target}): mean ± sample std over seeds`, rows }],
    figures: [{ name: 'your-data-transport', caption: 'The transport of each method (seed shown in the title)', figure }],
    verdicts: [],
    notes: [
      `Exact W2² of the data: ${w2.text}. A map that transports μ onto ν optimally has E‖T(x) − x‖² = W2² and D_target at the estimation floor.`,
      orderingText(values.OTP, values.OTM),
      `D_target and the floor use n = ${first.eval.n} points drawn from each side${first.source.endsWith('.csv') ? ' (a CSV side is sampled with replacement)' : ''}; the floor is what a perfect map scores at that n.`,
      `${runs.length} runs in ${dir.startsWith(repoRoot()) ? dir.slice(repoRoot().length + 1) : dir}, ${sig(trainSeconds, 3)} s of training in all.`,
    ],
  };
}
