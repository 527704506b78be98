import type { Verdict } from '../verdicts/types';
import type { RunMetrics } from '../experiments/evaluate';
import type { CellResult } from '../experiments/sweep';
import { formatMeanSpread, summarizeSeeds } from '../tables/comparison';

/**
 * A metric over the seeds of one table cell: the values of the completed runs (mean and spread as
 * lib/tables computes them), and how many runs diverged or are missing, which are counted, never averaged.
 */
export interface SeedSummary {
  readonly values: readonly number[];
  readonly mean: number;
  /** Sample standard deviation over seeds (n − 1); 0 for one seed. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
  readonly diverged: number;
  readonly missing: number;
}

export type MetricOf = (m: RunMetrics) => number | undefined;

/** Results whose factors match every given one (e.g. { method: 'OTP', pair: 'one-to-many', dim: 16 }). */
export function selectCells(results: readonly CellResult[], where: Readonly<Record<string, string | number>>): CellResult[] {
  return results.filter((r) => Object.entries(where).every(([k, v]) => r.factors[k] === v));
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
  const s = summarizeSeeds(values);
  return {
    values,
    mean: s?.mean ?? NaN,
    std: s && Number.isFinite(s.spread) ? s.spread : 0,
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
    count: values.length,
    diverged,
    missing,
  };
}

/** '0.6512 ± 0.041', '0.6512 (1 seed)', with diverged runs marked: 'DIV (3 of 3)', '0.65 ± 0.04, 1 DIV'. */
export function formatSummary(s: SeedSummary): string {
  if (s.count === 0) return s.diverged ? `DIV (${s.diverged} of ${s.diverged + s.missing})` : '–';
  const text = formatMeanSpread(summarizeSeeds(s.values));
  return s.diverged ? `${text}, ${s.diverged} DIV` : text;
}

/** How one cell of a claim came out. */
export interface CellJudgement {
  readonly cell: string;
  /** The claim holds on the means over seeds. */
  readonly holdsOnMean: boolean;
  /** It also holds for every seed pairing (the seed ranges do not overlap). */
  readonly holdsClearly: boolean;
  readonly detail: string;
}

/**
 * Judges "A is lower than B" cell by cell (e.g. OTP's D_target below OTM's). A cell supports the claim clearly
 * when A's worst seed beats B's best (ranges do not overlap, at least two seeds each); on the mean when only the
 * means order as claimed.
 */
export function judgeLower(cell: string, a: SeedSummary, b: SeedSummary, labels: readonly [string, string]): CellJudgement {
  if (a.count === 0 || b.count === 0) {
    const bDiverged = b.count === 0 && b.diverged > 0 && a.count > 0;
    return { cell, holdsOnMean: bDiverged, holdsClearly: bDiverged, detail: `${cell}: ${labels[0]} ${formatSummary(a)} vs ${labels[1]} ${formatSummary(b)}` };
  }
  const holdsOnMean = a.mean < b.mean;
  // With one seed on a side its spread is unknown, so nothing holds 'clearly'.
  const holdsClearly = a.count >= 2 && b.count >= 2 && a.max < b.min;
  return {
    cell,
    holdsOnMean,
    holdsClearly,
    detail: `${cell}: ${labels[0]} ${formatSummary(a)} vs ${labels[1]} ${formatSummary(b)}${holdsClearly ? '' : holdsOnMean ? ' (ranges overlap)' : ''}`,
  };
}

/** 'reproduced' when every cell holds clearly; 'partly' when some hold on the mean; else 'not reproduced'. */
export function verdictOf(claim: string, judgements: readonly CellJudgement[]): Verdict {
  const n = judgements.length;
  const clear = judgements.filter((j) => j.holdsClearly).length;
  const onMean = judgements.filter((j) => j.holdsOnMean).length;
  const verdict: Verdict['verdict'] = n > 0 && clear === n ? 'reproduced' : onMean > 0 ? 'partly reproduced' : 'not reproduced';
  const summary = `${onMean} of ${n} cells on the mean over seeds, ${clear} of ${n} with non-overlapping seed ranges`;
  return { claim, verdict, detail: `${summary}. ${judgements.map((j) => j.detail).join('; ')}` };
}
