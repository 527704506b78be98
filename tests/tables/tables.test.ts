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
  formatMeanSpread,
  loadDanfo,
  saveTable,
  showTable,
  summarizeSeeds,
  tableCsv,
  tableHtml,
  tableText,
  tableToFigure,
  tableView,
  verdictFor,
} from '../../lib/tables';

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

test('summarizeSeeds: mean and sample standard deviation (n − 1), non-finite seeds ignored', () => {
  const s = summarizeSeeds([1, 2, 3, 4, Number.NaN]);
  assert.ok(s);
  assert.equal(s.n, 4);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.spread - Math.sqrt(5 / 3)) < 1e-15);
  const one = summarizeSeeds([0.7]);
  assert.ok(one && one.n === 1 && Number.isNaN(one.spread));
  assert.equal(summarizeSeeds([]), null);
  assert.equal(formatMeanSpread(summarizeSeeds([0.12345, 0.12355])), '0.1235 ± 7.1e-5');
  assert.equal(formatMeanSpread(one), '0.7 (1 seed)');
  assert.equal(formatMeanSpread(null), '—');
});

test('verdictFor: within max(abs, rel·|paper|, 2·spread) is consistent; otherwise better/worse or differs', () => {
  const s = (mean: number, spread: number) => ({ mean, spread, n: 3 });
  assert.equal(verdictFor(1.0, s(1.09, 0)), 'consistent'); // 10 % default
  assert.equal(verdictFor(1.0, s(1.11, 0)), 'differs');
  assert.equal(verdictFor(1.0, s(1.3, 0.2)), 'consistent'); // 2 spreads
  assert.equal(verdictFor(1.0, s(0.5, 0.01), 'lower'), 'better');
  assert.equal(verdictFor(1.0, s(0.5, 0.01), 'higher'), 'worse');
  assert.equal(verdictFor(1.0, s(1.5, 0.01), 'lower'), 'worse');
  assert.equal(verdictFor(1.0, s(1.5, 0.01), undefined, { rel: 0.6 }), 'consistent');
  assert.equal(verdictFor(0, s(0.001, 0), undefined, { rel: 0.1, abs: 0.01 }), 'consistent');
  assert.equal(verdictFor(null, s(1, 0)), 'no paper value');
  assert.equal(verdictFor(1, null), 'no result');
});

test('comparisonTable: a danfo DataFrame with display and CSV columns', () => {
  const df = comparisonTable([
    { cell: 'Fig. 3, 8 Gaussians', metric: 'W2', paper: 0.5, ours: [0.49, 0.51, 0.5], better: 'lower' },
    { cell: 'Table 2 "HD"', metric: 'BW-UVP', paper: null, ours: [1.25] },
    { cell: 'x', metric: 'm', paper: 2, ours: [], verdict: 'skipped (see text)' },
  ]);
  assert.ok(df instanceof loadDanfo().DataFrame);
  assert.deepEqual(df.columns, [...COMPARISON_COLUMNS]);
  const v = tableView(df);
  assert.deepEqual(v.rows[0], ['Fig. 3, 8 Gaussians', 'W2', 0.5, '0.5 ± 0.01', 0.5, 0.010000000000000009, 3, 'consistent']);
  assert.deepEqual(v.rows[1].slice(3), ['1.25 (1 seed)', 1.25, null, 1, 'no paper value']);
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

test('HTML and text: escaped, verdicts coloured, columns selectable', () => {
  const df = comparisonTable([{ cell: '<b>x</b>', metric: 'W2', paper: 1, ours: [5, 5.1], better: 'lower' }]);
  const html = tableHtml(df, { columns: COMPARISON_DISPLAY, title: 'T & C' });
  assert.ok(html.includes('&lt;b&gt;x&lt;/b&gt;') && !html.includes('<b>x</b>'));
  assert.ok(html.includes('T &amp; C'));
  assert.match(html, /background:#fbe3e3">worse</);
  assert.equal((html.match(/<th /g) ?? []).length, COMPARISON_DISPLAY.length);
  const text = tableText(df, { columns: COMPARISON_DISPLAY }).split('\n');
  assert.match(text[0], /^cell\s+metric\s+paper\s+ours\s+verdict$/);
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
    showTable(df, { columns: ['cell', 'verdict'] });
  } finally {
    process.stdout.write = write;
  }
  assert.match(printed.join(''), /^cell\s+verdict\n/);
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
