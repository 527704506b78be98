import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { UserError } from '../../lib/errors';
import { figuresDir, setFiguresDir } from '../../lib/plots';
import type { DisplayContent } from '../../lib/plots/tslab-display';
import {
  COMPARISON_COLUMNS,
  COMPARISON_DISPLAY,
  comparisonTable,
  loadDanfo,
  saveTable,
  showTable,
  tableCsv,
  tableHtml,
  tableText,
  tableToFigure,
  tableView,
  verdictTable,
  VERDICT_COLUMNS,
} from '../../lib/tables';
import { formatSummary, summarize } from '../../lib/verdicts';
import type { CellResult, RunMetrics } from '../../lib/experiments';
import type { Verdict } from '../../lib/verdicts';

const dir = mkdtempSync(join(tmpdir(), 'otbook-tables-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An independent RFC 4180 reader (quoted fields, doubled quotes, commas and newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

test('summarize and formatSummary: mean ± sample std (n − 1) with n; diverged and missing runs counted, never averaged', () => {
  const run = (v: number | null, status: CellResult['status'] = 'completed'): CellResult => ({ id: 'x', factors: {}, status, metrics: v === null ? undefined : ({ dTarget: v } as RunMetrics) });
  const s = summarize([run(1), run(2), run(3), run(4), run(null, 'diverged'), run(null, 'missing')], (m) => m.dTarget);
  assert.deepEqual([s.mean, s.count, s.diverged, s.missing], [2.5, 4, 1, 1]);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-15);
  assert.equal(formatSummary({ values: [0.12345, 0.12355], diverged: 0 }), '0.1235 ± 7.1e-5 (n = 2)');
  assert.equal(formatSummary({ values: [0.7], diverged: 0 }), '0.7 (n = 1)');
  assert.equal(formatSummary({ values: [1, 3], diverged: 1 }), '2 ± 1.4 (n = 2), 1 DIV');
  assert.equal(formatSummary({ values: [], diverged: 3 }), 'DIV (3 runs)');
  assert.equal(formatSummary({ values: [], diverged: 0 }), '—');
});

test('tables only render: a row far from the paper carries no verdict of its own (the tolerance label is gone)', () => {
  // d = 2 One-to-Many OTM at the quick scale once printed 'consistent' beside the paper's 0.100 with 0.624 ± 0.99.
  const df = comparisonTable([{ cell: 'd=2 One-to-Many OTM', metric: 'D_target', paper: 0.1, ours: [1.77, 0.07, 0.03] }]);
  const row = tableView(df).rows[0];
  assert.equal(row[COMPARISON_COLUMNS.indexOf('note')], '');
  assert.ok(!tableText(df).includes('consistent'));
});

test('verdictTable: the four words, the reason and the level beside each claim', () => {
  const v: Verdict = { claim: 'c', paper: 'p', ours: 'o', verdict: 'inconclusive', reason: 'floor-limited', coverage: '1 of 1 cells run', level: 'paper', runs: [], test: 't', cells: [], detail: '' };
  const df = verdictTable([v, { ...v, verdict: 'not run', reason: undefined, level: null }]);
  assert.deepEqual(df.columns, [...VERDICT_COLUMNS]);
  assert.deepEqual(tableView(df).rows.map((r) => r.slice(1, 4)), [['inconclusive', 'floor-limited', 'paper'], ['not run', '', '—']]);
  assert.match(tableHtml(df), /background:#fdf3d8">inconclusive</);
});

test('comparisonTable: a danfo DataFrame with display and CSV columns', () => {
  const df = comparisonTable([
    { cell: 'Fig. 3, 8 Gaussians', metric: 'W2', paper: 0.5, ours: [0.49, 0.51, 0.5] },
    { cell: 'Table 2 "HD"', metric: 'BW-UVP', paper: null, ours: [1.25] },
    { cell: 'x', metric: 'm', paper: 2, ours: [], note: 'skipped (see text)' },
  ]);
  assert.ok(df instanceof loadDanfo().DataFrame);
  assert.deepEqual(df.columns, [...COMPARISON_COLUMNS]);
  const v = tableView(df);
  assert.deepEqual(v.rows[0], ['Fig. 3, 8 Gaussians', 'W2', 0.5, '0.5 ± 0.01 (n = 3)', 0.5, 0.010000000000000009, 3, '']);
  assert.deepEqual(v.rows[1].slice(3), ['1.25 (n = 1)', 1.25, null, 1, '']);
  assert.equal(v.rows[2][7], 'skipped (see text)');
  assert.deepEqual(tableView(df, COMPARISON_DISPLAY).columns, [...COMPARISON_DISPLAY]);
  assert.throws(() => tableView(df, ['nope']), UserError);
  assert.throws(() => comparisonTable([]), UserError);
});

test('CSV: quoted where needed, full precision, empty for missing; reads back with an independent parser', () => {
  const df = comparisonTable([
    { cell: 'a, "b"', metric: 'line\nbreak', paper: 1 / 3, ours: [0.1, 0.2] },
    { cell: 'plain', metric: 'W2', paper: null, ours: [1] },
  ]);
  const rows = parseCsv(tableCsv(df));
  assert.deepEqual(rows[0], [...COMPARISON_COLUMNS]);
  assert.equal(rows.length, 3);
  assert.equal(rows[1][0], 'a, "b"');
  assert.equal(rows[1][1], 'line\nbreak');
  assert.equal(Number(rows[1][2]), 1 / 3);
  assert.equal(Number(rows[1][4]), (0.1 + 0.2) / 2);
  assert.equal(rows[2][2], '');
  assert.equal(rows[2][5], '');
  const path = saveTable(df, 'comparison', { dir });
  assert.equal(path, join(dir, 'comparison.csv'));
  assert.deepEqual(parseCsv(readFileSync(path, 'utf8')), rows);
  assert.throws(() => saveTable(df, 'a/b', { dir }), UserError);
});

test('HTML and text: escaped, columns selectable', () => {
  const df = comparisonTable([{ cell: '<b>x</b>', metric: 'W2', paper: 1, ours: [5, 5.1] }]);
  const html = tableHtml(df, { columns: COMPARISON_DISPLAY, title: 'T & C' });
  assert.ok(html.includes('&lt;b&gt;x&lt;/b&gt;') && !html.includes('<b>x</b>'));
  assert.ok(html.includes('T &amp; C'));
  assert.equal((html.match(/<th /g) ?? []).length, COMPARISON_DISPLAY.length);
  const text = tableText(df, { columns: COMPARISON_DISPLAY }).split('\n');
  assert.match(text[0], /^cell\s+metric\s+paper\s+ours\s+note$/);
  assert.equal(text.length, 3);
  assert.equal(text[2].indexOf('W2'), text[0].indexOf('metric'), 'columns aligned');
  const fig = tableToFigure(df, { columns: COMPARISON_DISPLAY });
  assert.equal(fig.data[0].type, 'table');
});

test('showTable: one notebook output with text/html and text/plain; prints text outside a notebook', () => {
  const df = comparisonTable([{ cell: 'c', metric: 'm', paper: 1, ours: [1, 1] }]);
  const sent: DisplayContent[] = [];
  const fake = join(tmpdir(), 'otbook-fake-tables', 'node_modules', 'tslab', 'dist', 'jupyter.js');
  const m = new Module(fake);
  m.filename = fake;
  m.loaded = true;
  m.exports = { lastWriteDisplayData: (c: DisplayContent) => sent.push(c) };
  require.cache[fake] = m;
  (globalThis as { __tslab__?: unknown }).__tslab__ = { require };
  try {
    showTable(df);
  } finally {
    delete require.cache[fake];
    delete (globalThis as { __tslab__?: unknown }).__tslab__;
  }
  assert.equal(sent.length, 1);
  assert.deepEqual(Object.keys(sent[0].data).sort(), ['text/html', 'text/plain']);
  const printed: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => printed.push(s) > 0) as typeof process.stdout.write;
  try {
    showTable(df, { columns: ['cell', 'note'] });
  } finally {
    process.stdout.write = write;
  }
  assert.match(printed.join(''), /^cell\s+note\n/);
});

test('figuresDir: setFiguresDir, then OTBOOK_FIGURES_DIR, then figures/<OTBOOK_NOTEBOOK>', () => {
  const env = { dir: process.env.OTBOOK_FIGURES_DIR, nb: process.env.OTBOOK_NOTEBOOK };
  try {
    delete process.env.OTBOOK_FIGURES_DIR;
    process.env.OTBOOK_NOTEBOOK = '03-gaussians';
    setFiguresDir(null);
    assert.equal(figuresDir(), resolve(__dirname, '..', '..', 'figures', '03-gaussians'));
    process.env.OTBOOK_FIGURES_DIR = dir;
    assert.equal(figuresDir(), dir);
    setFiguresDir(join(dir, 'x'));
    assert.equal(figuresDir(), join(dir, 'x'));
  } finally {
    setFiguresDir(null);
    if (env.dir === undefined) delete process.env.OTBOOK_FIGURES_DIR;
    else process.env.OTBOOK_FIGURES_DIR = env.dir;
    if (env.nb === undefined) delete process.env.OTBOOK_NOTEBOOK;
    else process.env.OTBOOK_NOTEBOOK = env.nb;
  }
});
