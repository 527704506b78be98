import type { EvidenceLevel } from '../experiments/scale';

export type { EvidenceLevel } from '../experiments/scale';

/** The four words a verdict may use (docs/VERDICTS.md); nothing else is ever printed as a verdict. */
export const VERDICT_WORDS = ['reproduced', 'not reproduced', 'inconclusive', 'not run'] as const;
export type VerdictWord = (typeof VERDICT_WORDS)[number];

/**
 * Why a verdict is inconclusive, in the order the rule checks them on a cell (the first that applies is given):
 * the evidence level cannot decide, the runs cannot, or the test cannot. 'cells not run' is a claim's: every
 * cell run is reproduced, but the claim also covers cells never run.
 */
export const INCONCLUSIVE_REASONS = [
  'quick evidence only',
  'reduced level without measured agreement',
  'diverged runs only',
  'too few seeds',
  'under-trained',
  'floor-limited',
  'within noise',
  'cells not run',
] as const;
export type InconclusiveReason = (typeof INCONCLUSIVE_REASONS)[number];

/** How one cell of a claim (e.g. d = 16 One-to-Many) came out under the rule. */
export interface CellVerdict {
  /** The cell, as tables name it ('d=16 One-to-Many'). */
  readonly cell: string;
  readonly verdict: VerdictWord;
  /** Set exactly when the verdict is 'inconclusive'. */
  readonly reason?: InconclusiveReason;
  /** The evidence level of the runs judged; null when the cell was not run. */
  readonly level: EvidenceLevel | null;
  /** The runs judged: their folders relative to the repository (e.g. data/runs/table1/paper/d16-…-s0). */
  readonly runs: readonly string[];
  /** The published numbers the cell is compared with ('OTM 73.23, OTP 0.65'), or '' when the paper has none. */
  readonly paper: string;
  /** Our numbers: mean ± std (n) per side, or the per-seed values a predicate looked at. */
  readonly ours: string;
  /** The comparison made and its numbers (statistic, degrees of freedom, p-value, interval), checkable by hand. */
  readonly test: string;
}

/**
 * A claim of a paper and what the book concludes on it: the record `otbook report` prints, notebooks show, and the
 * book's index page summarises (figures/<notebook>/verdicts.json). Every number in it comes from the runs judged
 * (listed in `runs`) or from data/paper.
 */
export interface Verdict {
  readonly claim: string;
  /** The published values behind the claim, cell by cell ('' when the claim is the book's own). */
  readonly paper: string;
  /** Our values, cell by cell, at the level each cell was judged on. */
  readonly ours: string;
  readonly verdict: VerdictWord;
  /** For 'inconclusive': the distinct reasons of its inconclusive cells ('floor-limited; within noise'); for 'not run': why. */
  readonly reason?: string;
  /** How many of the claim's cells were run, and which were not ('1 of 6 cells run (not run: d=64 …)'). */
  readonly coverage: string;
  /** The evidence level the verdict word rests on (the weakest among the cells that decided it); null when not run. */
  readonly level: EvidenceLevel | null;
  /** Every run judged, over all cells. */
  readonly runs: readonly string[];
  /** The rule applied, in words ('one-sided Welch t-test at the 95% level per cell, ≥ 3 seeds a side'). */
  readonly test: string;
  readonly cells: readonly CellVerdict[];
  /** The cells in one line each ('d=16 One-to-Many: inconclusive (within noise), paper level; …'), for text displays. */
  readonly detail: string;
}
