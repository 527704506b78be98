import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { paths } from '../paths';
import type { NotebookRun } from './records';
import type { Scale } from '../experiments/scale';
import { COVERAGE_LEVELS, coverageOf, coverageText, type LevelCount } from './coverage';

/**
 * book/index.html, the page a researcher opens first: a summary table of every claim (what the paper reports,
 * what we measured, the verdict and the evidence behind it), then one card per notebook with thumbnails of its
 * saved figures linking to them, its tables and its page, then what could not be run here.
 */

/**
 * What the index shows of a verdict. Today's records (lib/verdicts/types.ts: claim, verdict, detail) fill the
 * first three; the verdict record being redefined in issue 14 adds the others, each optional until it lands, and
 * each shown as '—' where absent.
 */
export interface VerdictSummary {
  readonly claim: string;
  /** The verdict word: reproduced, not reproduced, inconclusive (with its reason), not run. */
  readonly verdict: string;
  readonly detail?: string;
  /** The paper's value for the claim, as the report states it. */
  readonly paper?: string | number | null;
  /** Our value. */
  readonly ours?: string | number | null;
  /** Why the verdict is what it is (an inconclusive verdict's reason). */
  readonly reason?: string;
  /** The evidence level of the runs behind it: paper, reduced (with its measured agreement), or quick. */
  readonly evidence?: string;
  /** How many runs (cells × seeds) the verdict used. */
  readonly runs?: number | string;
  /** The test applied, in words. */
  readonly test?: string;
}

/** A published table that cannot be re-run here (data/paper/*.json with `notRunHere`). */
interface PublishedTable {
  readonly title: string;
  readonly source: string;
  readonly notRunHere?: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A link from book/ to a file: relative, with '/' separators, each part escaped for a URL. */
function href(from: string, to: string): string {
  return relative(from, to).split(sep).map(encodeURIComponent).join('/');
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** The fields of VerdictSummary found in a record of figures/<notebook>/verdicts.json; null if it has no claim. */
export function verdictSummary(record: unknown): VerdictSummary | null {
  if (typeof record !== 'object' || record === null) return null;
  const r = record as Record<string, unknown>;
  const claim = text(r.claim);
  const verdict = text(r.verdict);
  if (!claim || !verdict) return null;
  // A verdict record (lib/verdicts/types.ts) lists its runs and names its level; older summaries gave a count and 'evidence'.
  const runs = Array.isArray(r.runs) ? r.runs.length : typeof r.runs === 'number' || typeof r.runs === 'string' ? r.runs : undefined;
  return {
    claim,
    verdict,
    detail: text(r.detail),
    paper: text(r.paper) ?? null,
    ours: text(r.ours) ?? null,
    reason: text(r.reason),
    evidence: text(r.evidence) ?? text(r.level),
    runs,
    test: text(r.test),
  };
}

/** The verdict records a notebook saved (figures/<notebook>/verdicts.json), unparsed; [] when none or unreadable. */
export function readVerdictRecords(name: string): unknown[] {
  const f = join(paths.figures(), name, 'verdicts.json');
  if (!existsSync(f)) return [];
  try {
    const list: unknown = JSON.parse(readFileSync(f, 'utf8'));
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

export function readVerdicts(name: string): VerdictSummary[] {
  return readVerdictRecords(name).map(verdictSummary).filter((v): v is VerdictSummary => v !== null);
}

/** 'k cells · n runs' of one level, or an empty cell. */
function levelCell(count: LevelCount | undefined): string {
  if (!count) return '<td class="d">—</td>';
  return `<td>${count.cells} cell${count.cells === 1 ? '' : 's'}${count.level === 'not run' ? '' : `<div class="d">${count.runs} run${count.runs === 1 ? '' : 's'}</div>`}</td>`;
}

/**
 * The coverage table (issue 16 part 3): for each claim, how many of its cells were judged at each evidence level
 * and how many runs (seeds) stand behind them, from the notebooks' verdict records.
 */
function coverageTable(dir: string, runs: readonly NotebookRun[]): string {
  const rows = runs.flatMap((r) =>
    readVerdictRecords(r.name).flatMap((rec) => {
      const v = verdictSummary(rec);
      if (!v) return [];
      const counts = coverageOf([rec]);
      return [`<tr><td>${esc(v.claim)}</td>${COVERAGE_LEVELS.map((l) => levelCell(counts.find((c) => c.level === l))).join('')}<td><a href="${href(dir, r.html)}">${esc(r.name)}</a></td></tr>`];
    }),
  );
  if (rows.length === 0) return '';
  return `<table class="coverage"><tr><th>claim</th>${COVERAGE_LEVELS.map((l) => `<th>${l === 'not run' ? 'not run' : `${esc(l)} level`}</th>`).join('')}<th>notebook</th></tr>\n${rows.join('\n')}\n</table>`;
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

/** The page title of a notebook's HTML (its first heading, see execute_notebook.py), else its name. */
function pageTitle(r: NotebookRun): string {
  if (!existsSync(r.html)) return r.name;
  const fd = openSync(r.html, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const m = /<title>([^<]*)<\/title>/i.exec(buf.subarray(0, n).toString('utf8'));
    const t = m?.[1]?.trim();
    return t && t !== 'Notebook' ? t.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"') : r.name;
  } finally {
    closeSync(fd);
  }
}

/** A notebook's saved outputs (figures/<notebook>/): figures by base name with their formats, and tables. */
interface SavedOutputs {
  readonly figures: ReadonlyArray<{ readonly name: string; readonly png?: string; readonly html?: string; readonly svg?: string }>;
  readonly tables: readonly string[];
}

export function savedOutputs(name: string): SavedOutputs {
  const dir = join(paths.figures(), name);
  if (!existsSync(dir)) return { figures: [], tables: [] };
  const files = readdirSync(dir).sort();
  const bases = [...new Set(files.filter((f) => /\.(png|svg|html)$/.test(f)).map((f) => f.replace(/\.(png|svg|html)$/, '')))];
  const at = (base: string, ext: string) => (files.includes(`${base}.${ext}`) ? join(dir, `${base}.${ext}`) : undefined);
  return {
    figures: bases.map((b) => ({ name: b, png: at(b, 'png'), html: at(b, 'html'), svg: at(b, 'svg') })),
    tables: files.filter((f) => f.endsWith('.csv')).map((f) => join(dir, f)),
  };
}

const VERDICT_CLASS: ReadonlyArray<[RegExp, string]> = [
  [/^not reproduced/i, 'no'],
  [/^reproduced/i, 'yes'],
  [/^(partly|inconclusive)/i, 'part'],
  [/^not run/i, 'none'],
];
const verdictClass = (v: string) => VERDICT_CLASS.find(([re]) => re.test(v))?.[1] ?? 'none';

const cell = (v: string | number | null | undefined) => (v === undefined || v === null || v === '' ? '<span class="d">—</span>' : esc(String(v)));

function summaryTable(dir: string, runs: readonly NotebookRun[]): string {
  const rows = runs.flatMap((r) =>
    readVerdicts(r.name).map((v) => {
      const why = [v.reason, v.test].filter(Boolean).join(' · ');
      const detail = v.detail ? `<details><summary class="d">how it was judged</summary><div class="d">${esc(v.detail)}</div></details>` : '';
      return (
        `<tr><td>${esc(v.claim)}${why ? `<div class="d">${esc(why)}</div>` : ''}${detail}</td><td>${cell(v.paper)}</td><td>${cell(v.ours)}</td>` +
        `<td class="v ${verdictClass(v.verdict)}">${esc(v.verdict)}</td><td>${cell(v.evidence)}${v.runs !== undefined ? `<div class="d">${esc(String(v.runs))} runs</div>` : ''}</td>` +
        `<td><a href="${href(dir, r.html)}">${esc(r.name)}</a></td></tr>`
      );
    }),
  );
  if (rows.length === 0) return '<p class="d">No verdicts recorded yet: run the notebooks (otbook book).</p>';
  return `<table class="summary"><tr><th>claim</th><th>paper</th><th>ours</th><th>verdict</th><th>evidence level</th><th>notebook</th></tr>\n${rows.join('\n')}\n</table>`;
}

function notebookCard(dir: string, r: NotebookRun): string {
  const out = savedOutputs(r.name);
  const status = r.status === 'ok' ? '<span class="v yes">ran</span>' : `<span class="v no">failed at cell ${r.cellIndex ?? '?'}</span> ${esc(r.error ?? '')}`;
  const thumbs = out.figures
    .filter((f) => f.png)
    .map((f) => {
      const target = f.html ?? f.png ?? '';
      const other = [f.png ? `<a href="${href(dir, f.png)}">png</a>` : '', f.svg ? `<a href="${href(dir, f.svg)}">svg</a>` : ''].filter(Boolean).join(' ');
      return `<figure><a href="${href(dir, target)}"><img src="${href(dir, f.png ?? '')}" alt="${esc(f.name)}" loading="lazy"></a><figcaption>${esc(f.name)} · ${other}</figcaption></figure>`;
    })
    .join('');
  const tables = out.tables.map((t) => `<a href="${href(dir, t)}">${esc(basename(t))}</a>`).join(', ');
  const records = readVerdictRecords(r.name);
  const count = readVerdicts(r.name).length;
  const coverage = coverageText(coverageOf(records));
  return (
    `<section class="card" id="${esc(r.name)}"><h3><a href="${href(dir, r.html)}">${esc(pageTitle(r))}</a></h3>` +
    `<p class="d">${status} · ${r.seconds.toFixed(0)} s${rerenderNote(r)} · ${count} verdict${count === 1 ? '' : 's'} · <a href="${href(dir, r.notebook)}">executed notebook (.ipynb)</a></p>` +
    (coverage ? `<p class="d">Evidence behind its verdicts: ${esc(coverage)}</p>` : '') +
    (thumbs ? `<div class="thumbs">${thumbs}</div>` : '') +
    (tables ? `<p class="d">Tables (CSV): ${tables}</p>` : '') +
    `</section>`
  );
}

/** Writes book/index.html: the summary of the claims, the notebooks with their figures, and what could not be run. */
export function writeBookIndex(runs: readonly NotebookRun[], scale: Scale): string {
  const dir = paths.book();
  mkdirSync(dir, { recursive: true });
  const tables = notRunTables()
    .map(
      (t) =>
        `<h3>${esc(t.title)}</h3><p>${esc(t.notRunHere ?? '')} <i>Source: ${esc(t.source)}</i></p><table><tr>${t.columns
          .map((c) => `<th>${esc(c)}</th>`)
          .join('')}</tr>${t.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c === null ? '–' : String(c))}</td>`).join('')}</tr>`).join('')}</table>`,
    )
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>otbook: reproducing OTP (ICML 2025) — the book</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#e8edf3}.d{color:#555;font-size:90%}
.v{font-weight:bold;white-space:nowrap}.v.yes{color:#1a7f37}.v.no{color:#b42318}.v.part{color:#9a6700}.v.none{color:#666}
td.v.yes{background:#e7f5ea}td.v.no{background:#fdecea}td.v.part{background:#fff6db}
.card{border-top:1px solid #ddd;padding:.5em 0}.card h3{margin:.3em 0}
.thumbs{display:flex;flex-wrap:wrap;gap:12px}.thumbs figure{margin:0;width:260px}
.thumbs img{width:260px;height:170px;object-fit:contain;border:1px solid #ddd;background:#fff}
figcaption{font-size:85%;color:#555;overflow-wrap:anywhere}
</style></head>
<body><h1>otbook — reproducing “Overcoming Spurious Solutions in Semi-Dual Neural Optimal Transport” (ICML 2025)</h1>
<p>Scale of this build: <b>${esc(scale)}</b>. Built ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Each notebook puts the paper's numbers beside ours; the table below collects its verdicts.</p>
<h2>What holds</h2>
${summaryTable(dir, runs)}
<h2>Coverage: the evidence behind each claim</h2>
<p class="d">For each claim, its cells judged at each evidence level (paper: the appendix's settings; reduced: fewer iterations, deciding only where its agreement with the paper level was measured; quick: changed settings, a pipeline check that decides nothing) and the runs behind them (one per method and seed of the cell's comparison).</p>
${coverageTable(dir, runs) || '<p class="d">No verdicts recorded yet.</p>'}
<h2>Notebooks</h2>
${runs.map((r) => notebookCard(dir, r)).join('\n')}
<h2>Not run here</h2>
${tables || '<p>(none)</p>'}
</body></html>
`;
  const out = join(dir, 'index.html');
  writeFileSync(out, html);
  return out;
}
