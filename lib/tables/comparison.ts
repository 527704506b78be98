import type { DataFrame } from 'danfojs-node';
import { UserError } from '../errors';
import { loadDanfo } from './danfo';

/** Our value of one cell over seeds. `spread` is the sample standard deviation (n − 1); NaN for one seed. */
export interface SeedSummary {
  readonly mean: number;
  readonly spread: number;
  readonly n: number;
}

export function summarizeSeeds(values: readonly number[]): SeedSummary | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const n = finite.length;
  const mean = finite.reduce((s, v) => s + v, 0) / n;
  const spread = n > 1 ? Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { mean, spread, n };
}

function sig(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return Number(v.toPrecision(digits)).toExponential();
  return String(Number(v.toPrecision(digits)));
}

/** "mean ± spread" (4 and 2 significant digits), "mean (1 seed)", or "—". */
export function formatMeanSpread(s: SeedSummary | null): string {
  if (!s) return '—';
  if (s.n === 1) return `${sig(s.mean, 4)} (1 seed)`;
  return `${sig(s.mean, 4)} ± ${sig(s.spread, 2)}`;
}

export type Verdict = 'consistent' | 'better' | 'worse' | 'differs' | 'no paper value' | 'no result';

/**
 * When our mean counts as reproducing the paper's number: |mean − paper| ≤ max(abs, rel·|paper|, sigmas·spread).
 * Defaults: rel 0.1, abs 0, sigmas 2 (our seed-to-seed spread; the paper's own spread is rarely published).
 */
export interface Tolerance {
  readonly rel?: number;
  readonly abs?: number;
  readonly sigmas?: number;
}

export function verdictFor(
  paper: number | null,
  ours: SeedSummary | null,
  better?: 'lower' | 'higher',
  tolerance: Tolerance = {},
): Verdict {
  if (!ours) return 'no result';
  if (paper === null || !Number.isFinite(paper)) return 'no paper value';
  const { rel = 0.1, abs = 0, sigmas = 2 } = tolerance;
  const allowed = Math.max(abs, rel * Math.abs(paper), Number.isFinite(ours.spread) ? sigmas * ours.spread : 0);
  if (Math.abs(ours.mean - paper) <= allowed) return 'consistent';
  if (!better) return 'differs';
  return (better === 'lower') === ours.mean < paper ? 'better' : 'worse';
}

export interface ComparisonRow {
  /** The experiment cell, e.g. 'Fig. 3 / 8 Gaussians / OTP'. */
  readonly cell: string;
  readonly metric: string;
  readonly paper: number | null;
  /** Our value for each seed. */
  readonly ours: readonly number[];
  /** Which direction is better, for 'better'/'worse' verdicts (default: neither, 'differs'). */
  readonly better?: 'lower' | 'higher';
  readonly tolerance?: Tolerance;
  /** Overrides the computed verdict (e.g. a judgement made in the text). */
  readonly verdict?: string;
}

/** The columns shown in notebooks; the CSV has all of COMPARISON_COLUMNS. */
export const COMPARISON_DISPLAY: readonly string[] = ['cell', 'metric', 'paper', 'ours', 'verdict'];
export const COMPARISON_COLUMNS: readonly string[] = ['cell', 'metric', 'paper', 'ours', 'ours_mean', 'ours_spread', 'seeds', 'verdict'];

/**
 * The paper-versus-ours table: one row per (cell, metric), with `ours` as "mean ± spread" for reading and
 * ours_mean / ours_spread / seeds as numbers for the CSV.
 */
export function comparisonTable(rows: readonly ComparisonRow[]): DataFrame {
  if (rows.length === 0) throw new UserError('comparisonTable: no rows given; pass at least one ComparisonRow');
  const dfd = loadDanfo();
  const cols: Record<string, (string | number | null)[]> = Object.fromEntries(COMPARISON_COLUMNS.map((c) => [c, []]));
  for (const r of rows) {
    const s = summarizeSeeds(r.ours);
    cols.cell.push(r.cell);
    cols.metric.push(r.metric);
    cols.paper.push(r.paper);
    cols.ours.push(formatMeanSpread(s));
    cols.ours_mean.push(s ? s.mean : null);
    cols.ours_spread.push(s && Number.isFinite(s.spread) ? s.spread : null);
    cols.seeds.push(s ? s.n : 0);
    cols.verdict.push(r.verdict ?? verdictFor(r.paper, s, r.better, r.tolerance));
  }
  return new dfd.DataFrame(cols);
}
