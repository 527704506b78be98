import type { Where } from '../experiments/registry';
import type { RunMetrics } from '../experiments/evaluate';
import { cellEvidence, type Evidence, type EvidenceRun } from '../verdicts/evidence';
import { claimVerdict, judgeEverySeed, judgeOrdering, judgeRatio, floorOf, TESTS, type CellInput, type Side } from '../verdicts/rule';
import { sig, type MetricOf } from '../verdicts/summary';
import type { CellVerdict, Verdict } from '../verdicts/types';

export { dTarget, floorOf } from '../verdicts/rule';
export const dCost: MetricOf = (m: RunMetrics) => m.dCost;

/** One cell of a claim: its name in tables, the factors that locate it (without the method), the paper's numbers. */
export interface ClaimCell {
  readonly cell: string;
  readonly where: Where;
  /** The paper's value for each method of the comparison, when it publishes them. */
  readonly paper?: Readonly<Record<string, number | null>>;
}

/** The cell's runs for the given methods, from the strongest level where it was run (lib/verdicts/evidence.ts). */
export function cellSides(evidence: Evidence, where: Where, methods: readonly string[], factor = 'method'): { input: Omit<CellInput, 'paper'>; sides: Side[] } {
  const found = cellEvidence(
    evidence,
    methods.map((m) => ({ ...where, [factor]: m })),
  );
  return { input: { cell: '', set: found?.set ?? null }, sides: methods.map((label, i) => ({ label, runs: found?.sides[i] ?? [] })) };
}

const paperText = (paper: ClaimCell['paper'], methods: readonly string[]) =>
  paper ? methods.filter((m) => typeof paper[m] === 'number').map((m) => `${m} ${paper[m]}`).join(', ') : '';

/**
 * "`lower`'s metric is below `higher`'s" on each cell (judgeOrdering). With `floorLimited`, a D_target
 * comparison is checked against the estimation floor using the paper's two values of the cell.
 */
export function orderingClaim(claim: string, evidence: Evidence, cells: readonly ClaimCell[], lower: string, higher: string, metric: MetricOf, options: { floorLimited?: boolean; factor?: string } = {}): Verdict {
  return claimVerdict(
    claim,
    `${TESTS.ordering}${options.floorLimited ? `; floor-limited where the paper's gap is under a tenth of our estimation floor` : ''}`,
    cells.map((c): CellVerdict => {
      const { input, sides } = cellSides(evidence, c.where, [lower, higher], options.factor);
      const pl = c.paper?.[lower];
      const ph = c.paper?.[higher];
      const floor = options.floorLimited ? { paper: typeof pl === 'number' && typeof ph === 'number' ? ([pl, ph] as const) : null, floor: floorOf } : undefined;
      return judgeOrdering({ ...input, cell: c.cell, paper: paperText(c.paper, [lower, higher]) }, sides[0], sides[1], metric, floor);
    }),
  );
}

/** "`big`'s metric is at least `factor` × `small`'s" on each cell (judgeRatio), floor-limited by the paper's value of `big`. */
export function ratioClaim(claim: string, evidence: Evidence, cells: readonly ClaimCell[], small: string, big: string, factor: number, metric: MetricOf, floorLimited = false): Verdict {
  return claimVerdict(
    claim,
    TESTS.ratio,
    cells.map((c) => {
      const { input, sides } = cellSides(evidence, c.where, [small, big]);
      const pb = c.paper?.[big];
      return judgeRatio({ ...input, cell: c.cell, paper: paperText(c.paper, [big, small]) }, sides[0], sides[1], factor, metric, floorLimited ? { paperBig: typeof pb === 'number' ? pb : null, floor: floorOf } : undefined);
    }),
  );
}

/** A check on every seed of each method (judgeEverySeed), one cell per (cell, method). */
export function everySeedClaim(
  claim: string,
  evidence: Evidence,
  cells: ReadonlyArray<{ readonly cell: string; readonly where: Where; readonly paper?: string }>,
  comparison: string,
  check: (r: EvidenceRun) => { holds: boolean; seen: string },
): Verdict {
  return claimVerdict(
    claim,
    TESTS.everySeed,
    cells.map((c) => {
      const found = cellEvidence(evidence, [c.where]);
      return judgeEverySeed({ cell: c.cell, set: found?.set ?? null, paper: c.paper }, { label: c.cell, runs: found?.sides[0] ?? [] }, comparison, check);
    }),
  );
}

/** '0.914' with four significant digits: the one way values are shown inside verdicts. */
export const num = (v: number | undefined): string => (v === undefined ? '—' : sig(v));
