import { canDisplay, displayBundle, save, show } from '../plots';
import { verdictText, type Report } from '../reports';
import { comparisonTable, saveTable, showTable, tableHtml, verdictTable, COMPARISON_DISPLAY, VERDICT_COLUMNS } from '../tables';
import { recordVerdicts, type BookContext } from './context';
import { coverageOf, coverageText } from './coverage';

/** Shows the report's pieces inline (in a notebook) and saves them under ctx.figuresDir; records the verdicts. */
export async function publishReport(report: Report, ctx: BookContext, options: { show?: boolean } = {}): Promise<void> {
  const display = options.show ?? canDisplay();
  if (report.settings && display) {
    const line = `Your settings, not the paper's (${report.settings}): everything below rests on the runs of these settings only; its verdicts are not the paper-level verdicts (see the notes).`;
    displayBundle({ 'text/html': `<p style="background:#fdf3d8;padding:6px"><b>${esc(line)}</b></p>`, 'text/plain': line });
  }
  for (const t of report.tables) {
    const df = comparisonTable(t.rows);
    saveTable(df, t.name, { dir: ctx.figuresDir });
    if (display) showTable(df, { columns: COMPARISON_DISPLAY, title: t.caption });
  }
  for (const f of report.figures) {
    await save(f.figure, f.name, { dir: ctx.figuresDir });
    if (display) show(f.figure);
  }
  recordVerdicts(ctx, report.verdicts);
  if (display) showVerdicts(report);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The verdicts: a table of the four-word verdicts with their reason and evidence level, then each claim's cells
 * with our numbers and the test (the generated reading, rendered from the runs just read), then the notes.
 */
export function showVerdicts(report: Report): void {
  const coverage = coverageText(coverageOf(report.verdicts));
  const evidence = coverage ? `Evidence behind these verdicts (cells of the claims at each level, and the runs behind them): ${coverage}.` : '';
  const text = [evidence, ...report.verdicts.map(verdictText)].filter(Boolean).join('\n');
  const notes = report.notes.length ? `\nNotes:\n${report.notes.map((n) => `- ${n}`).join('\n')}` : '';
  const cells = report.verdicts
    .map(
      (v) =>
        `<li><b>${esc(v.verdict)}</b>${v.reason && v.verdict === 'inconclusive' ? ` (${esc(v.reason)})` : ''}${v.level ? `, ${esc(v.level)} level` : ''}: ${esc(v.claim)} <small>(${esc(v.coverage)})</small><ul>${v.cells
          .map((c) => `<li><small>${esc(c.cell)}: <b>${esc(c.verdict)}</b>${c.reason ? ` (${esc(c.reason)})` : ''}${c.level ? `, ${esc(c.level)} level` : ''}${c.ours && c.ours !== '—' ? `; ours ${esc(c.ours)}` : ''}; ${esc(c.test)}</small></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  const html = `${report.verdicts.length ? tableHtml(verdictTable(report.verdicts), { columns: VERDICT_COLUMNS.slice(0, 4), title: 'Verdicts (docs/VERDICTS.md)' }) : ''}${evidence ? `<p><small>${esc(evidence)}</small></p>` : ''}<ul>${cells}</ul>${
    report.notes.length ? `<p><b>Notes</b></p><ul>${report.notes.map((n) => `<li><small>${esc(n)}</small></li>`).join('')}</ul>` : ''
  }`;
  if (displayBundle({ 'text/html': html, 'text/plain': text + notes }) === 'none') process.stdout.write(`${text}${notes}\n`);
}
