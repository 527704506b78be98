import type { DataFrame } from 'danfojs-node';
import { UserError } from '../errors';
import { formatSummary } from '../verdicts/summary';
import { meanAndStd } from '../verdicts/stats';
import { loadDanfo } from './danfo';

export interface ComparisonRow {
  /** The experiment cell, e.g. 'Fig. 3 / 8 Gaussians / OTP'. */
  readonly cell: string;
  readonly metric: string;
  readonly paper: number | null;
  /** Our value for each seed. */
  readonly ours: readonly number[];
  /**
   * What the reader must know about the row ('not run', 'DIV (3 runs)', 'paper level'). Tables only render:
   * whether a claim holds is decided by lib/verdicts and shown in the verdicts, never in a table row.
   */
  readonly note?: string;
}

/** The columns shown in notebooks; the CSV has all of COMPARISON_COLUMNS. */
export const COMPARISON_DISPLAY: readonly string[] = ['cell', 'metric', 'paper', 'ours', 'note'];
export const COMPARISON_COLUMNS: readonly string[] = ['cell', 'metric', 'paper', 'ours', 'ours_mean', 'ours_std', 'seeds', 'note'];

/**
 * The paper-versus-ours table: one row per (cell, metric), with `ours` as "mean ± std (n = k)" for reading and
 * ours_mean / ours_std / seeds as numbers for the CSV.
 */
export function comparisonTable(rows: readonly ComparisonRow[]): DataFrame {
  if (rows.length === 0) throw new UserError('comparisonTable: no rows given; pass at least one ComparisonRow');
  const dfd = loadDanfo();
  const cols: Record<string, (string | number | null)[]> = Object.fromEntries(COMPARISON_COLUMNS.map((c) => [c, []]));
  for (const r of rows) {
    const values = r.ours.filter((v) => Number.isFinite(v));
    const s = meanAndStd(values);
    cols.cell.push(r.cell);
    cols.metric.push(r.metric);
    cols.paper.push(r.paper);
    cols.ours.push(formatSummary({ values, diverged: 0 }));
    cols.ours_mean.push(s.n ? s.mean : null);
    cols.ours_std.push(s.n > 1 ? s.std : null);
    cols.seeds.push(s.n);
    cols.note.push(r.note ?? '');
  }
  return new dfd.DataFrame(cols);
}
