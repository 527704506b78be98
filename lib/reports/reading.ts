import type { Verdict } from '../verdicts/types';
import { formatRuns, verdictHeadline, type Report } from './report';

/** One verdict as a row of the book's verdict tables: claim, verdict word, reason, level, paper, ours, test. */
export interface VerdictRow {
  readonly claim: string;
  readonly verdict: string;
  readonly reason: string;
  readonly level: string;
  readonly paper: string;
  readonly ours: string;
  readonly runs: string;
  readonly test: string;
}

export function verdictRows(verdicts: readonly Verdict[]): VerdictRow[] {
  return verdicts.map((v) => ({
    claim: v.claim,
    verdict: v.verdict,
    reason: v.reason ?? '',
    level: v.level ?? '—',
    paper: v.paper,
    ours: v.ours,
    runs: `${v.runs.length}: ${formatRuns(v.runs)}`,
    test: v.test,
  }));
}

const cellCount = (v: Verdict) => {
  const run = v.cells.filter((c) => c.verdict !== 'not run').length;
  return v.cells.length > 1 ? `; ${run} of ${v.cells.length} cells run` : '';
};

/**
 * The generated reading of a report (markdown): per claim its verdict word, reason and evidence level, and per
 * cell our numbers with the test. Rendered from the runs just read, so it cannot drift from them.
 */
export function readingOf(report: Report): string {
  const lines = [`**Verdicts of ${report.experiment}** (rule: docs/VERDICTS.md; tables above at scale ${report.scale}):`, ''];
  for (const v of report.verdicts) {
    lines.push(`* **${verdictHeadline(v)}**${cellCount(v)}: ${v.claim}`);
    for (const c of v.cells) {
      if (c.verdict === 'not run') {
        lines.push(`  * ${c.cell}: not run`);
        continue;
      }
      lines.push(`  * ${c.cell}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''}, ${c.level} level. Ours: ${c.ours}. ${c.test}`);
    }
    if (v.verdict === 'not run' && v.reason) lines.push(`  * ${v.reason}`);
  }
  return lines.join('\n');
}
