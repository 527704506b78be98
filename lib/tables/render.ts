import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataFrame } from 'danfojs-node';
import { UserError } from '../errors';
import { escapeHtml } from '../plots/html';
import { checkOutputName, figuresDir } from '../plots/paths';
import { formatValue, tableFigure, type TableValue } from '../plots/table';
import { displayBundle } from '../plots/tslab-display';
import type { Figure } from '../plots/types';

export type Cell = string | number | boolean | null;

export interface TableView {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

/** Columns and rows of a DataFrame, optionally a subset of columns in the given order. */
export function tableView(df: DataFrame, columns?: readonly string[]): TableView {
  const all = df.columns;
  const pick = columns ?? all;
  const idx = pick.map((c) => {
    const i = all.indexOf(c);
    if (i < 0) throw new UserError(`table: no column '${c}'; columns are ${all.join(', ')}`);
    return i;
  });
  const values: unknown = df.values;
  const rows = (Array.isArray(values) ? values : []).map((row: unknown) => {
    const r = Array.isArray(row) ? row : [row];
    return idx.map((i) => toCell(r[i]));
  });
  return { columns: pick, rows };
}

export interface TableFormat {
  /** Columns to show, in order (default all). */
  readonly columns?: readonly string[];
  /** Significant digits of numbers (default 4). */
  readonly digits?: number;
  readonly title?: string;
}

function cellText(v: Cell, digits: number): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && Number.isNaN(v)) return '—';
  return formatValue(v as TableValue, digits);
}

/** Background of a cell holding one of the four verdict words (verdict tables); other cells stay white. */
const VERDICT_COLORS: Readonly<Record<string, string>> = {
  reproduced: '#e3f4e3',
  'not reproduced': '#fbe3e3',
  inconclusive: '#fdf3d8',
  'not run': '#eeeeee',
};

function verdictColor(column: string, v: Cell): string | undefined {
  return column === 'verdict' && typeof v === 'string' ? VERDICT_COLORS[v] : undefined;
}

/** An HTML table with inline styles (notebook front ends strip <style> elements from untrusted output). */
export function tableHtml(df: DataFrame, format: TableFormat = {}): string {
  const { columns, rows } = tableView(df, format.columns);
  const digits = format.digits ?? 4;
  const th = 'style="text-align:left;padding:4px 10px;border-bottom:2px solid #888;background:#e8edf3"';
  const head = columns.map((c) => `<th ${th}>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => {
      const tds = r.map((v, i) => {
        const bg = verdictColor(columns[i], v);
        const align = typeof v === 'number' ? 'right' : 'left';
        return `<td style="text-align:${align};padding:3px 10px;border-bottom:1px solid #ddd${bg ? `;background:${bg}` : ''}">${escapeHtml(cellText(v, digits))}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('\n');
  const caption = format.title !== undefined ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">${escapeHtml(format.title)}</caption>` : '';
  return `<table class="otbook-table" style="border-collapse:collapse;font-family:Helvetica,Arial,sans-serif;font-size:13px">${caption}\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** The same table as aligned plain text (terminals, text/plain). */
export function tableText(df: DataFrame, format: TableFormat = {}): string {
  const { columns, rows } = tableView(df, format.columns);
  const digits = format.digits ?? 4;
  const cells = [columns.slice(), ...rows.map((r) => r.map((v) => cellText(v, digits)))];
  const widths = columns.map((_, c) => Math.max(...cells.map((r) => [...r[c]].length)));
  const line = (r: readonly string[]): string => r.map((s, c) => s + ' '.repeat(widths[c] - [...s].length)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [...(format.title !== undefined ? [format.title] : []), line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/**
 * Shows a table in a tslab notebook as one output with text/html and text/plain. Outside a notebook it prints the
 * text version to stdout (useful in scripts and the CLI).
 */
export function showTable(df: DataFrame, format: TableFormat = {}): void {
  const route = displayBundle({ 'text/html': tableHtml(df, format), 'text/plain': tableText(df, format) });
  if (route === 'none') process.stdout.write(`${tableText(df, format)}\n`);
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF. Numbers keep full precision; null/NaN → empty. */
export function csvField(v: Cell): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of a DataFrame (all columns unless given). danfo's own toCSV does not quote fields, so we do it here. */
export function tableCsv(df: DataFrame, columns?: readonly string[]): string {
  const { columns: cols, rows } = tableView(df, columns);
  return [cols.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}

export interface SaveTableOptions {
  /** Folder (default figuresDir(), next to the figures). */
  readonly dir?: string;
  readonly columns?: readonly string[];
}

/** Writes `<dir>/<name>.csv` and returns its path. */
export function saveTable(df: DataFrame, name: string, options: SaveTableOptions = {}): string {
  checkOutputName(name, 'table');
  const dir = options.dir ?? figuresDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, tableCsv(df, options.columns));
  return path;
}

/** The table as a Plotly table figure, for save() as PNG/SVG (verdict cells coloured). */
export function tableToFigure(df: DataFrame, format: TableFormat = {}): Figure {
  const { columns, rows } = tableView(df, format.columns);
  const digits = format.digits ?? 4;
  return tableFigure(
    columns,
    rows.map((r) => r.map((v) => cellText(v, digits))),
    {
      title: format.title,
      cellColors: rows.map((r) => r.map((v, i) => verdictColor(columns[i], v) ?? '#ffffff')),
    },
  );
}
