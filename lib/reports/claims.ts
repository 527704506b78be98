import type { Verdict } from '../verdicts/types';
import { judgeLower, selectCells, summarize, verdictOf, type MetricOf, type SeedSummary } from '../verdicts/compare';
import type { CellResult } from '../experiments/sweep';

export const dTarget: MetricOf = (m) => m.dTarget;
export const dCost: MetricOf = (m) => m.dCost;
export const floorOf: MetricOf = (m) => m.floor;

export function summaryAt(results: readonly CellResult[], where: Readonly<Record<string, string | number>>, metric: MetricOf): SeedSummary {
  return summarize(selectCells(results, where), metric);
}

/**
 * "`better` has a lower metric than `worse`" over a list of cells (each a set of factors without the method),
 * judged cell by cell on the seeds (lib/verdicts/compare.ts).
 */
export function lowerClaim(
  claim: string,
  results: readonly CellResult[],
  cells: ReadonlyArray<Readonly<Record<string, string | number>>>,
  better: string,
  worse: string,
  metric: MetricOf,
): Verdict {
  return verdictOf(
    claim,
    cells.map((c) =>
      judgeLower(
        Object.entries(c)
          .map(([k, v]) => (k === 'dim' ? `d=${v}` : String(v)))
          .join(' '),
        summaryAt(results, { ...c, method: better }, metric),
        summaryAt(results, { ...c, method: worse }, metric),
        [better, worse],
      ),
    ),
  );
}

/**
 * A claim checked by a predicate on each cell (e.g. "D_target is at least 10× its floor"). `seeds` is the number
 * of seeds behind the cell's numbers: with fewer than two the spread is unknown, so the cell can support the
 * claim only "on the mean", and the claim at most 'partly reproduced'.
 */
export function predicateClaim(
  claim: string,
  checks: ReadonlyArray<{ readonly cell: string; readonly holds: boolean; readonly detail: string; readonly seeds?: number }>,
): Verdict {
  return verdictOf(
    claim,
    checks.map((c) => ({ cell: c.cell, holdsOnMean: c.holds, holdsClearly: c.holds && (c.seeds ?? 2) >= 2, detail: `${c.cell}: ${c.detail}` })),
  );
}
