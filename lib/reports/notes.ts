import type { CellResult } from '../experiments/sweep';

/**
 * The notes every trained experiment's report carries about the runs its tables show: the sample size of the
 * exact-OT metrics, the seeds, the runs that diverged, were flagged under-trained, or are missing.
 */
export function runNotes(results: readonly CellResult[]): string[] {
  const n = results.find((r) => r.metrics)?.metrics?.n;
  const seeds = new Set(results.filter((r) => r.status !== 'missing').map((r) => r.factors.seed)).size;
  const div = results.filter((r) => r.status === 'diverged').map((r) => `${r.id} at iteration ${r.divergedAt}`);
  const slow = results.flatMap((r) => ('underTrained' in r && typeof r.underTrained === 'string' ? [`${r.id} (${r.underTrained})`] : []));
  const missing = results.filter((r) => r.status === 'missing').map((r) => r.id);
  return [
    `Exact-OT metrics on n = ${n ?? '?'} samples per side; ${seeds} seed(s) per cell in the tables (mean ± sample std, n).`,
    ...(div.length ? [`Diverged (NaN/Inf), reported as DIV: ${div.join(', ')}.`] : []),
    ...(slow.length ? [`Under-trained (lib/verdicts/under-training.ts; a claim resting on them is inconclusive): ${slow.join('; ')}.`] : []),
    ...(missing.length ? [`Not run: ${missing.length} cell(s) of this scale (${missing.slice(0, 12).join(', ')}${missing.length > 12 ? ', …' : ''}).`] : []),
  ];
}
