import type { DataFrame } from 'danfojs-node';
import type { Verdict } from '../verdicts/types';
import { loadDanfo } from './danfo';

/** The columns of a verdict table: the four-word verdict, its reason and evidence level beside the claim. */
export const VERDICT_COLUMNS: readonly string[] = ['claim', 'verdict', 'reason', 'level', 'paper', 'ours'];

/** The verdicts of a report as a table (rendering only: the verdicts come from lib/verdicts). */
export function verdictTable(verdicts: readonly Verdict[]): DataFrame {
  const dfd = loadDanfo();
  const cols: Record<string, string[]> = Object.fromEntries(VERDICT_COLUMNS.map((c) => [c, []]));
  for (const v of verdicts) {
    cols.claim.push(v.claim);
    cols.verdict.push(v.verdict);
    cols.reason.push(v.reason ?? '');
    cols.level.push(v.level ?? '—');
    cols.paper.push(v.paper || '—');
    cols.ours.push(v.ours);
  }
  return new dfd.DataFrame(cols);
}
