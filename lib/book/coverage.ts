import { EVIDENCE_LEVELS, type EvidenceLevel } from '../experiments/scale';

/**
 * How much evidence stands behind verdicts (issue 16 part 3): per evidence level, the cells judged at it and the
 * distinct runs (seeds) behind them, and the cells never run. Read from verdict records as they are saved
 * (figures/<notebook>/verdicts.json), so that the index page counts exactly what the notebooks judged.
 */

export type CoverageLevel = EvidenceLevel | 'not run';
export const COVERAGE_LEVELS: readonly CoverageLevel[] = [...EVIDENCE_LEVELS, 'not run'];

export interface LevelCount {
  readonly level: CoverageLevel;
  /** Distinct cells judged at this level ('d=16 One-to-Many'); a cell judged at two levels by two claims counts at both. */
  readonly cells: number;
  /** Distinct runs (run folders, one per seed) behind them. */
  readonly runs: number;
}

/** A cell of a verdict record, as far as coverage needs it. */
interface CoverageCell {
  readonly cell: string;
  readonly level: EvidenceLevel | null;
  readonly runs: readonly string[];
}

const isLevel = (v: unknown): v is EvidenceLevel => typeof v === 'string' && (EVIDENCE_LEVELS as readonly string[]).includes(v);

/** The cells of a verdict record (a Verdict, or its JSON); [] for anything else. */
export function coverageCells(record: unknown): CoverageCell[] {
  if (typeof record !== 'object' || record === null) return [];
  const cells = (record as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) return [];
  return cells.flatMap((c: unknown): CoverageCell[] => {
    if (typeof c !== 'object' || c === null) return [];
    const r = c as Record<string, unknown>;
    if (typeof r.cell !== 'string') return [];
    const runs = Array.isArray(r.runs) ? r.runs.filter((x): x is string => typeof x === 'string') : [];
    return [{ cell: r.cell, level: isLevel(r.level) ? r.level : null, runs }];
  });
}

/** Cells and runs per level over verdict records (levels with nothing are left out). */
export function coverageOf(records: readonly unknown[]): LevelCount[] {
  const cells = new Map<CoverageLevel, Set<string>>();
  const runs = new Map<CoverageLevel, Set<string>>();
  for (const rec of records) {
    for (const c of coverageCells(rec)) {
      const level: CoverageLevel = c.level ?? 'not run';
      cells.set(level, (cells.get(level) ?? new Set()).add(c.cell));
      const set = runs.get(level) ?? new Set<string>();
      for (const r of c.runs) set.add(r);
      runs.set(level, set);
    }
  }
  return COVERAGE_LEVELS.filter((l) => cells.has(l)).map((level) => ({ level, cells: cells.get(level)?.size ?? 0, runs: runs.get(level)?.size ?? 0 }));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** 'paper level: 2 cells (12 runs); quick level: 8 cells (24 runs); not run: 6 cells' ('' when no cell). */
export function coverageText(counts: readonly LevelCount[]): string {
  return counts.map((c) => (c.level === 'not run' ? `not run: ${plural(c.cells, 'cell')}` : `${c.level} level: ${plural(c.cells, 'cell')} (${plural(c.runs, 'run')})`)).join('; ');
}
