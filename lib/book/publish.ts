import { canDisplay, displayBundle, save, show } from '../plots';
import type { Report } from '../reports';
import { comparisonTable, saveTable, showTable, COMPARISON_DISPLAY } from '../tables';
import { recordVerdicts, type BookContext } from './context';

/** Shows the report's pieces inline (in a notebook) and saves them under ctx.figuresDir; records the verdicts. */
export async function publishReport(report: Report, ctx: BookContext, options: { show?: boolean } = {}): Promise<void> {
  const display = options.show ?? canDisplay();
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

/** The verdicts as a short list (HTML in a notebook, text elsewhere). */
export function showVerdicts(report: Report): void {
  const text = report.verdicts.map((v) => `• ${v.verdict.toUpperCase()}: ${v.claim}\n  ${v.detail}`).join('\n');
  const notes = report.notes.length ? `\nNotes:\n${report.notes.map((n) => `- ${n}`).join('\n')}` : '';
  const html = `<ul>${report.verdicts.map((v) => `<li><b>${esc(v.verdict)}</b>: ${esc(v.claim)}<br><small>${esc(v.detail)}</small></li>`).join('')}</ul>${
    report.notes.length ? `<p><b>Notes</b></p><ul>${report.notes.map((n) => `<li><small>${esc(n)}</small></li>`).join('')}</ul>` : ''
  }`;
  if (displayBundle({ 'text/html': html, 'text/plain': text + notes }) === 'none') process.stdout.write(`${text}${notes}\n`);
}

