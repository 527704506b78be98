import { UserError } from '../errors';
import { FONT, axisStyle, baseLayout, lineCount, lineHeight, textWidth, titleBlock, wrapText } from './style';
import type { Annotation, Axis, Figure, ImageTrace, Layout, ScatterTrace } from './types';

export type PanelTrace = ScatterTrace | ImageTrace;

export interface Panel {
  readonly traces: readonly PanelTrace[];
  /** A title above this panel (use GridOptions.colTitles for one title per column). */
  readonly title?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
  /** Overrides GridOptions.equalAspect for this panel. */
  readonly equalAspect?: boolean;
  /** No ticks, grid or frame (pictures). */
  readonly bare?: boolean;
  /** Further settings of this panel's axes (e.g. { type: 'log' }), over the grid's own. */
  readonly xAxis?: Axis;
  readonly yAxis?: Axis;
}

export interface GridOptions {
  /** Titles at the left of each row, e.g. the methods of the paper's Fig. 3. */
  readonly rowTitles?: readonly string[];
  /** Titles above each column, e.g. the datasets. */
  readonly colTitles?: readonly string[];
  readonly title?: string;
  /** Size of one panel in pixels (default 230 × 210). */
  readonly panelWidth?: number;
  readonly panelHeight?: number;
  /** Pixels between panels, room for the tick labels (default 40). */
  readonly gap?: number;
  /** Same scale on x and y in every panel (default true). */
  readonly equalAspect?: boolean;
  /** One shared legend below the grid, each name once (default true). */
  readonly legend?: boolean;
  /** A line below the grid (e.g. what could not be drawn). */
  readonly note?: string;
}

const axisKey = (axis: 'x' | 'y', k: number): string => (k === 1 ? `${axis}axis` : `${axis}axis${k}`);
const axisRef = (axis: 'x' | 'y', k: number): string => (k === 1 ? axis : `${axis}${k}`);

/** Pixel sizes the layout reserves (estimated: the figure is built without a browser; the layout test measures). */
const TICK_LABELS_X = 20; // below an x axis
const TICK_LABELS_Y = 42; // left of a y axis ('−0.5', '10⁻¹')
const AXIS_TITLE = 20;
const PANEL_TITLE_SIZE = 11;
const COL_TITLE_SIZE = 13;
const ROW_TITLE_SIZE = 13;
const LEGEND_SIZE = 12;
const NOTE_SIZE = 11;

/** Rows a horizontal legend of these names takes at this width (Plotly wraps it): symbol, gap and text per entry. */
function legendRows(names: readonly string[], width: number): number {
  let rows = 1;
  let x = 0;
  for (const n of names) {
    const w = 50 + textWidth(n, LEGEND_SIZE);
    if (x > 0 && x + w > width) {
      rows++;
      x = 0;
    }
    x += w;
  }
  return rows;
}

/**
 * A rows × columns grid of panels with shared styling, e.g. 2 × 4 for the paper's Fig. 3 (rows = methods,
 * columns = datasets). A null panel leaves its cell empty. Traces with the same name share one legend entry and
 * one legend group, so clicking 'T(x)' hides it in every panel.
 *
 * Room is made for every text: titles wrap to the width they have (figure, column, panel) and push the panels down;
 * the gap between panels holds the tick labels and axis titles of their neighbours; the legend goes below the
 * lowest x-axis titles, and the bottom margin grows with its rows.
 */
export function panelGrid(panels: readonly (readonly (Panel | null)[])[], options: GridOptions = {}): Figure {
  const rows = panels.length;
  const cols = Math.max(0, ...panels.map((r) => r.length));
  if (rows === 0 || cols === 0) throw new UserError('panelGrid: the grid is empty; give at least one row with one panel');
  if (options.rowTitles && options.rowTitles.length !== rows) {
    throw new UserError(`panelGrid: ${options.rowTitles.length} row titles for ${rows} rows; give one per row`);
  }
  if (options.colTitles && options.colTitles.length !== cols) {
    throw new UserError(`panelGrid: ${options.colTitles.length} column titles for ${cols} columns; give one per column`);
  }
  const pw = options.panelWidth ?? 230;
  const ph = options.panelHeight ?? 210;
  const all = panels.flatMap((r) => r.filter((p): p is Panel => p !== null));
  const hasYTitles = all.some((p) => !p.bare && p.yTitle !== undefined);
  const hasXTitles = all.some((p) => !p.bare && p.xTitle !== undefined);
  const ticked = all.some((p) => !p.bare);
  // Horizontal gap: the right panel's y tick labels and y title sit in it.
  const gap = Math.max(options.gap ?? 0, ticked ? TICK_LABELS_Y + (hasYTitles ? AXIS_TITLE + 8 : 0) + 10 : 12);
  const showLegend = options.legend ?? true;

  // Titles, wrapped to the width they have; each row of panels reserves the lines of its longest panel title.
  const panelTitles = panels.map((r) => r.map((p) => (p?.title !== undefined ? wrapText(p.title, pw, PANEL_TITLE_SIZE) : undefined)));
  const titleSpace = panelTitles.map((r) => Math.max(0, ...r.map((t) => (t === undefined ? 0 : lineCount(t) * lineHeight(PANEL_TITLE_SIZE) + 4))));
  const colTitles = options.colTitles?.map((t) => wrapText(t, pw, COL_TITLE_SIZE, true));
  const colSpace = colTitles ? Math.max(...colTitles.map((t) => lineCount(t))) * lineHeight(COL_TITLE_SIZE) + 6 : 0;
  const rowTitles = options.rowTitles?.map((t) => wrapText(t, ph, ROW_TITLE_SIZE, true));
  const rowSpace = rowTitles ? Math.max(...rowTitles.map((t) => lineCount(t))) * lineHeight(ROW_TITLE_SIZE) + 10 : 0;
  // Vertical gap below row r: the x tick labels and x title of row r, then the titles of row r + 1.
  const below = ticked ? TICK_LABELS_X + (hasXTitles ? AXIS_TITLE : 0) + 8 : 6;
  const vgaps = Array.from({ length: rows - 1 }, (_, r) => below + titleSpace[r + 1] + 6);

  const plotW = cols * pw + (cols - 1) * gap;
  const left = (ticked ? TICK_LABELS_Y + (hasYTitles ? AXIS_TITLE + 8 : 0) : 8) + rowSpace;
  const head = titleBlock(options.title, left + plotW + 15);
  const top = head.top + 8 + colSpace + titleSpace[0];
  const names = [...new Set(all.flatMap((p) => p.traces.map((t) => t.name ?? '')).filter((n) => n !== ''))];
  const legendH = showLegend && names.length ? legendRows(names, left + plotW) * lineHeight(LEGEND_SIZE + 6) + 8 : 0;
  const note = options.note !== undefined ? wrapText(options.note, left + plotW, NOTE_SIZE) : undefined;
  const noteH = note ? lineCount(note) * lineHeight(NOTE_SIZE) + 6 : 0;
  const margin = { l: left, r: 15, t: top, b: below + legendH + noteH + 8 };
  const plotH = rows * ph + vgaps.reduce((a, b) => a + b, 0);
  const width = margin.l + plotW + margin.r;
  const height = margin.t + plotH + margin.b;
  /** Top of row r, in paper coordinates. */
  const rowTop = (r: number) => 1 - (r * ph + vgaps.slice(0, r).reduce((a, b) => a + b, 0)) / plotH;

  const data: PanelTrace[] = [];
  const axes: Record<string, Axis> = {};
  const annotations: Annotation[] = [];
  const seen = new Set<string>();
  const equalDefault = options.equalAspect ?? true;

  for (let r = 0; r < rows; r++) {
    const y1 = rowTop(r);
    const y0 = y1 - ph / plotH;
    for (let c = 0; c < cols; c++) {
      const x0 = (c * (pw + gap)) / plotW;
      const x1 = x0 + pw / plotW;
      const k = r * cols + c + 1;
      const panel = panels[r][c] ?? null;
      const xa = axisRef('x', k);
      const ya = axisRef('y', k);
      if (!panel) {
        axes[axisKey('x', k)] = { domain: [x0, x1], anchor: ya, visible: false };
        axes[axisKey('y', k)] = { domain: [y0, y1], anchor: xa, visible: false };
        continue;
      }
      const bare: Axis = { showgrid: false, zeroline: false, showticklabels: false, ticks: '', showline: false };
      const equal = panel.equalAspect ?? equalDefault;
      axes[axisKey('x', k)] = {
        ...(panel.bare ? bare : axisStyle(panel.xTitle)),
        domain: [x0, x1],
        anchor: ya,
        ...(panel.xRange ? { range: panel.xRange } : {}),
        ...(equal ? { constrain: 'domain' } : {}),
        ...panel.xAxis,
      };
      axes[axisKey('y', k)] = {
        ...(panel.bare ? bare : axisStyle(panel.yTitle)),
        domain: [y0, y1],
        anchor: xa,
        ...(panel.yRange ? { range: panel.yRange } : {}),
        ...(equal ? { scaleanchor: xa, scaleratio: 1, constrain: 'domain' } : {}),
        ...panel.yAxis,
      };
      for (const t of panel.traces) {
        const name = t.name ?? '';
        const first = name !== '' && !seen.has(name);
        if (first) seen.add(name);
        data.push({ ...t, xaxis: xa, yaxis: ya, legendgroup: t.legendgroup ?? name, showlegend: showLegend && first });
      }
      const title = panelTitles[r][c];
      if (title !== undefined) {
        annotations.push({
          text: title,
          x: (x0 + x1) / 2,
          y: y1 + 4 / plotH,
          xref: 'paper',
          yref: 'paper',
          xanchor: 'center',
          yanchor: 'bottom',
          showarrow: false,
          font: { size: PANEL_TITLE_SIZE },
        });
      }
    }
  }
  colTitles?.forEach((text, c) => {
    const x0 = (c * (pw + gap)) / plotW;
    annotations.push({
      text: `<b>${text.replace(/<br>/g, '</b><br><b>')}</b>`,
      x: x0 + pw / plotW / 2,
      y: 1 + (titleSpace[0] + 4) / plotH,
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: COL_TITLE_SIZE },
    });
  });
  rowTitles?.forEach((text, r) => {
    annotations.push({
      text: `<b>${text.replace(/<br>/g, '</b><br><b>')}</b>`,
      x: -(margin.l - rowSpace / 2 - 2) / plotW,
      y: rowTop(r) - ph / plotH / 2,
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'middle',
      textangle: -90,
      showarrow: false,
      font: { size: ROW_TITLE_SIZE },
    });
  });
  if (note) {
    annotations.push({ text: note, x: 0, y: -(below + legendH) / plotH, xref: 'paper', yref: 'paper', xanchor: 'left', yanchor: 'top', showarrow: false, font: { size: NOTE_SIZE, color: '#a00' } });
  }
  const layout: Layout = {
    ...baseLayout(width, height, options.title),
    margin,
    font: FONT,
    showlegend: showLegend,
    // Below the lowest x-axis titles, centred on the figure.
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -below / plotH, yanchor: 'top', itemsizing: 'constant', font: { size: LEGEND_SIZE } },
    ...axes,
    annotations,
  };
  return { data, layout, config: { displaylogo: false } };
}
