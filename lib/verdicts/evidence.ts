import { EVIDENCE_LEVELS, type EvidenceLevel, type Scale } from '../experiments/scale';
import type { CellResult } from '../experiments/sweep';
import { selectCells, type Where } from '../experiments/registry';

/** A finished or missing run with the evidence it gives. */
export interface EvidenceRun extends CellResult {
  readonly level: EvidenceLevel;
  /** Why the run counts as under-trained, from its own files (lib/verdicts/under-training.ts); null when it does not. */
  readonly underTrained: string | null;
  /** Its folder relative to the repository root, as verdicts list the runs they used. */
  readonly path: string;
}

/** One cell's outcome at both levels, in the agreement of a reduced level with the paper level. */
export interface AgreementCell {
  readonly cell: string;
  readonly paper: string;
  readonly reduced: string;
  readonly same: boolean;
}

/** The measured agreement of a reduced level with the paper level, on the cells run at both. */
export interface Agreement {
  readonly cells: readonly AgreementCell[];
  /** At least one cell compared, and every compared cell gave the same outcome. */
  readonly agrees: boolean;
  /** What was compared, in words (shown beside every verdict that uses the reduced level). */
  readonly text: string;
}

/** The runs of one experiment at one scale, with the evidence level the registry declares for that scale. */
export interface EvidenceSet {
  readonly level: EvidenceLevel;
  readonly experiment: string;
  readonly scale: Scale;
  readonly runs: readonly EvidenceRun[];
  /** Set for a reduced level once its agreement with the paper level has been measured. */
  readonly agreement?: Agreement;
}

/** Every set of runs a report may judge on, strongest level first. */
export type Evidence = readonly EvidenceSet[];

export const levelRank = (l: EvidenceLevel): number => EVIDENCE_LEVELS.indexOf(l);

/** The weaker of two levels (quick < reduced < paper). */
export function weakerLevel(a: EvidenceLevel, b: EvidenceLevel): EvidenceLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/** Sorts sets strongest level first, keeping the given order within a level. */
export function strongestFirst(sets: readonly EvidenceSet[]): EvidenceSet[] {
  return [...sets].sort((a, b) => levelRank(a.level) - levelRank(b.level));
}

/**
 * Whether a set's runs may decide a paper claim: the paper level always; a reduced level only where its agreement
 * with the paper level was measured and holds; the quick level never.
 */
export function decides(set: EvidenceSet): boolean {
  if (set.level === 'paper') return true;
  if (set.level === 'reduced') return set.agreement?.agrees === true;
  return false;
}

/** The sets of the given levels (all when `levels` is undefined): what a report judges on when asked for one level. */
export function onlyLevels(evidence: Evidence, levels: readonly EvidenceLevel[] | undefined): Evidence {
  return levels ? evidence.filter((s) => levels.includes(s.level)) : evidence;
}

/** Plain results of one experiment at one scale as an evidence set (no under-training flags, paths from `from`). */
export function evidenceSet(experiment: string, scale: Scale, level: EvidenceLevel, results: readonly CellResult[]): EvidenceSet {
  return {
    level,
    experiment,
    scale,
    runs: results.map((r) => ({ ...r, level, underTrained: null, path: r.from ? `${r.from}/${r.id}` : `${experiment}/${scale}/${r.id}` })),
  };
}

const finished = (r: CellResult) => r.status === 'completed' || r.status === 'diverged';

/**
 * The runs a cell is judged on: from the strongest level at which every side of the cell has a finished run,
 * else the strongest level at which any side has one; null when no level has run the cell. Runs of one
 * cell never mix levels.
 */
export function cellEvidence(evidence: Evidence, sides: readonly Where[]): { set: EvidenceSet; sides: EvidenceRun[][] } | null {
  const ordered = strongestFirst(evidence);
  const at = (set: EvidenceSet) => sides.map((where) => selectCells(set.runs, { where }).filter(finished));
  const full = ordered.find((set) => at(set).every((runs) => runs.length > 0));
  const any = full ?? ordered.find((set) => at(set).some((runs) => runs.length > 0));
  return any ? { set: any, sides: at(any) } : null;
}
