import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { paths } from '../paths';
import type { NotebookRun } from './records';
import type { Verdict } from '../verdicts/types';
import type { Scale } from '../experiments/scale';


/** A published table that cannot be re-run here (data/paper/*.json with `notRunHere`). */
interface PublishedTable {
  readonly title: string;
  readonly source: string;
  readonly notRunHere?: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function readVerdicts(name: string): Verdict[] {
  const f = join(paths.figures(), name, 'verdicts.json');
  if (!existsSync(f)) return [];
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as Verdict[];
  } catch {
    return [];
  }
}

function notRunTables(): PublishedTable[] {
  const dir = paths.paperData();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PublishedTable)
    .filter((t) => t.notRunHere);
}

/** Marks a time that includes little or no training (the notebook found its cells finished). */
function rerenderNote(r: NotebookRun): string {
  const c = r.producedCells;
  return c && c.produced < c.of ? `<br><span class="d">${c.produced} of ${c.of} cells new in this run</span>` : '';
}

/** Writes book/index.html: each notebook with its status, time and verdicts, and what could not be run. */
export function writeBookIndex(runs: readonly NotebookRun[], scale: Scale): string {
  const dir = paths.book();
  mkdirSync(dir, { recursive: true });
  const rows = runs
    .map((r) => {
      const verdicts = readVerdicts(r.name)
        .map((v) => `<li><b>${esc(v.verdict)}</b>: ${esc(v.claim)} <span class="d">${esc(v.detail)}</span></li>`)
        .join('');
      const status = r.status === 'ok' ? '✔' : `✘ cell ${r.cellIndex ?? '?'}: ${esc(r.error ?? '')}`;
      return `<tr><td><a href="${esc(relative(dir, r.html))}">${esc(r.name)}</a></td><td>${status}</td><td>${r.seconds.toFixed(0)} s${rerenderNote(r)}</td><td><ul>${verdicts}</ul></td></tr>`;
    })
    .join('\n');
  const tables = notRunTables()
    .map(
      (t) =>
        `<h3>${esc(t.title)}</h3><p>${esc(t.notRunHere ?? '')} <i>Source: ${esc(t.source)}</i></p><table><tr>${t.columns
          .map((c) => `<th>${esc(c)}</th>`)
          .join('')}</tr>${t.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c === null ? '–' : String(c))}</td>`).join('')}</tr>`).join('')}</table>`,
    )
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>otbook: the book</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}.d{color:#555}</style></head>
<body><h1>otbook — reproducing “Overcoming Spurious Solutions in Semi-Dual Neural Optimal Transport” (ICML 2025)</h1>
<p>Scale: <b>${scale}</b>. Built ${new Date().toISOString()}. Each notebook puts the paper's numbers beside ours.</p>
<table><tr><th>notebook</th><th>status</th><th>time</th><th>verdicts</th></tr>
${rows}
</table>
<h2>Not run here</h2>
${tables || '<p>(none)</p>'}
</body></html>
`;
  const out = join(dir, 'index.html');
  writeFileSync(out, html);
  return out;
}

