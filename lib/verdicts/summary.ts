import type { RunMetrics } from '../experiments/evaluate';
import type { CellResult } from '../experiments/sweep';
import { meanAndStd } from './stats';

/** A metric of a run's metrics.json (undefined where the run does not measure it). */
export type MetricOf = (m: RunMetrics) => number | undefined;

/**
 * A metric over the seeds of one cell: the values of the completed runs, and how many runs diverged or are
 * missing, which are counted, never averaged.
 */
export interface SeedSummary {
  readonly values: readonly number[];
  readonly mean: number;
  /** Sample standard deviation over seeds (n − 1); 0 for one seed, NaN for none. */
  readonly std: number;
  readonly count: number;
  readonly diverged: number;
  readonly missing: number;
}

export function summarize(results: readonly CellResult[], metric: MetricOf): SeedSummary {
  const values: number[] = [];
  let diverged = 0;
  let missing = 0;
  for (const r of results) {
    const v = r.status === 'completed' && r.metrics ? metric(r.metrics) : undefined;
    if (r.status === 'diverged') diverged++;
    else if (v === undefined || !Number.isFinite(v)) missing++;
    else values.push(v);
  }
  const s = meanAndStd(values);
  return { values, mean: s.mean, std: s.std, count: values.length, diverged, missing };
}

/** A number with `digits` significant digits, in plain notation between 1e−3 and 1e6. */
export function sig(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return Number(v.toPrecision(digits)).toExponential();
  return String(Number(v.toPrecision(digits)));
}

/** '0.9144 ± 0.0035 (n = 3)', '0.9144 (n = 1)', '—' (no value); diverged runs are counted: ', 1 DIV'. */
export function formatSummary(s: Pick<SeedSummary, 'values' | 'diverged'>): string {
  const { mean, std, n } = meanAndStd(s.values);
  const div = s.diverged ? `${n ? ', ' : ''}${s.diverged} DIV` : '';
  if (n === 0) return s.diverged ? `DIV (${s.diverged} run${s.diverged > 1 ? 's' : ''})` : '—';
  return `${sig(mean)}${n > 1 ? ` ± ${sig(std, 2)}` : ''} (n = ${n})${div}`;
}

/** The seed values themselves, for a reader who checks a test by hand: '0.9115, 0.9126, 0.918'. */
export function formatValues(values: readonly number[]): string {
  return values.map((v) => sig(v)).join(', ');
}
