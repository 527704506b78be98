import { UserError } from '../errors';
import { FONT } from './style';
import type { Figure } from './types';

export type TableValue = string | number | null | undefined;

export interface TableFigureOptions {
  readonly title?: string;
  readonly width?: number;
  /** Significant digits for numbers (default 4). */
  readonly digits?: number;
  /** Relative column widths. */
  readonly columnWidths?: readonly number[];
  /** Background colour per cell, rows × columns (e.g. verdict colours); default plain. */
  readonly cellColors?: readonly (readonly string[])[];
}

export function formatValue(v: TableValue, digits = 4): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return Number(v.toPrecision(digits)).toExponential();
  return String(Number(v.toPrecision(digits)));
}

/** A result table as a Plotly table trace (for PNG/SVG export; notebooks show tables as HTML, see lib/tables). */
export function tableFigure(columns: readonly string[], rows: readonly (readonly TableValue[])[], options: TableFigureOptions = {}): Figure {
  rows.forEach((r, i) => {
    if (r.length !== columns.length) {
      throw new UserError(`tableFigure: row ${i} has ${r.length} values for ${columns.length} columns; give one value per column`);
    }
  });
  const values = columns.map((_, c) => rows.map((r) => formatValue(r[c], options.digits)));
  const rowH = 26;
  const top = options.title !== undefined ? 40 : 5;
  const colors = options.cellColors;
  return {
    data: [
      {
        type: 'table',
        header: { values: columns.map((c) => `<b>${c}</b>`), align: 'left', fill: { color: '#e8edf3' }, font: { ...FONT, size: 12 }, height: rowH },
        cells: {
          values,
          align: 'left',
          ...(colors ? { fill: { color: columns.map((_, c) => rows.map((__, r) => colors[r]?.[c] ?? '#ffffff')) } } : {}),
          font: { ...FONT, size: 12 },
          height: rowH,
        },
        ...(options.columnWidths ? { columnwidth: options.columnWidths } : {}),
      },
    ],
    layout: {
      ...(options.title !== undefined ? { title: { text: options.title, x: 0.5 } } : {}),
      width: options.width ?? Math.max(400, 130 * columns.length),
      height: top + rowH * (rows.length + 1) + 30,
      margin: { l: 5, r: 5, t: top, b: 5 },
      font: FONT,
      paper_bgcolor: '#ffffff',
    },
    config: { displaylogo: false },
  };
}
