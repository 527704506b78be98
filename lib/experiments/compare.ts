import type { Verdict } from '../book/index-page';
import type { RunMetrics } from './evaluate';
import type { CellResult } from './sweep';

/** A metric over the seeds of one table cell. Diverged and missing runs are counted, not averaged. */
export interface SeedSummary {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Completed runs averaged. */
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
    if (r.status === 'diverged') diverged++;
    else if (r.status !== 'completed' || !r.metrics) missing++;
    else {
      const v = metric(r.metrics);
      if (v === undefined || !Number.isFinite(v)) missing++;
      else values.push(v);
    }
  }
  const count = values.length;
  const mean = count ? values.reduce((s, v) => s + v, 0) / count : NaN;
  // Sample standard deviation over seeds (n − 1); 0 for a single seed.
  const std = count > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (count - 1)) : 0;
  return { mean, std, min: count ? Math.min(...values) : NaN, max: count ? Math.max(...values) : NaN, count, diverged, missing };
}

/** '0.65 ± 0.04 (3 seeds)', 'DIV (3 of 3)', '–'. */
export function formatSummary(s: SeedSummary, digits = 3): string {
  if (s.count === 0) return s.diverged ? `DIV (${s.diverged} of ${s.diverged + s.missing})` : '–';
  const v = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(digits));
  const spread = s.count > 1 ? ` ± ${v(s.std)}` : '';
  const div = s.diverged ? `, ${s.diverged} DIV` : '';
  return `${v(s.mean)}${spread} (${s.count} seed${s.count > 1 ? 's' : ''}${div})`;
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
 * when A's worst seed beats B's best (ranges do not overlap); on the mean when only the means order as claimed.
 */
export function judgeLower(cell: string, a: SeedSummary, b: SeedSummary, labels: readonly [string, string]): CellJudgement {
  if (a.count === 0 || b.count === 0) {
    const bDiverged = b.count === 0 && b.diverged > 0 && a.count > 0;
    return { cell, holdsOnMean: bDiverged, holdsClearly: bDiverged, detail: `${cell}: ${labels[0]} ${formatSummary(a)} vs ${labels[1]} ${formatSummary(b)}` };
  }
  const holdsOnMean = a.mean < b.mean;
  const holdsClearly = a.max < b.min;
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
