import { UserError } from '../errors';
import { FONT, axisStyle, baseLayout } from './style';
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
}

const axisKey = (axis: 'x' | 'y', k: number): string => (k === 1 ? `${axis}axis` : `${axis}axis${k}`);
const axisRef = (axis: 'x' | 'y', k: number): string => (k === 1 ? axis : `${axis}${k}`);

/**
 * A rows × columns grid of panels with shared styling, e.g. 2 × 4 for the paper's Fig. 3 (rows = methods,
 * columns = datasets). A null panel leaves its cell empty. Traces with the same name share one legend entry and
 * one legend group, so clicking 'T(x)' hides it in every panel.
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
  const gap = options.gap ?? 40;
  const hasPanelTitles = panels.some((r) => r.some((p) => p?.title !== undefined));
  const showLegend = options.legend ?? true;
  const margin = {
    // Row titles sit left of the y-axis titles, which need about 55 px beside their tick labels.
    l: options.rowTitles ? 100 : 60,
    r: 15,
    t: (options.title !== undefined ? 45 : 10) + (options.colTitles ? 28 : 0) + (hasPanelTitles ? 18 : 0),
    b: showLegend ? 70 : 35,
  };
  const vgap = gap + (hasPanelTitles ? 18 : 0);
  const plotW = cols * pw + (cols - 1) * gap;
  const plotH = rows * ph + (rows - 1) * vgap;
  const width = margin.l + plotW + margin.r;
  const height = margin.t + plotH + margin.b;

  const data: PanelTrace[] = [];
  const axes: Record<string, Axis> = {};
  const annotations: Annotation[] = [];
  const seen = new Set<string>();
  const equalDefault = options.equalAspect ?? true;

  for (let r = 0; r < rows; r++) {
    const y1 = 1 - (r * (ph + vgap)) / plotH;
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
      };
      axes[axisKey('y', k)] = {
        ...(panel.bare ? bare : axisStyle(panel.yTitle)),
        domain: [y0, y1],
        anchor: xa,
        ...(panel.yRange ? { range: panel.yRange } : {}),
        ...(equal ? { scaleanchor: xa, scaleratio: 1, constrain: 'domain' } : {}),
      };
      for (const t of panel.traces) {
        const name = t.name ?? '';
        const first = name !== '' && !seen.has(name);
        if (first) seen.add(name);
        data.push({ ...t, xaxis: xa, yaxis: ya, legendgroup: t.legendgroup ?? name, showlegend: showLegend && first });
      }
      if (panel.title !== undefined) {
        annotations.push({
          text: panel.title,
          x: (x0 + x1) / 2,
          y: y1 + 4 / plotH,
          xref: 'paper',
          yref: 'paper',
          xanchor: 'center',
          yanchor: 'bottom',
          showarrow: false,
          font: { size: 11 },
        });
      }
    }
  }
  options.colTitles?.forEach((text, c) => {
    const x0 = (c * (pw + gap)) / plotW;
    annotations.push({
      text: `<b>${text}</b>`,
      x: x0 + pw / plotW / 2,
      y: 1 + (hasPanelTitles ? 24 : 6) / plotH,
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: 13 },
    });
  });
  options.rowTitles?.forEach((text, r) => {
    const y1 = 1 - (r * (ph + vgap)) / plotH;
    annotations.push({
      text: `<b>${text}</b>`,
      x: -(margin.l - 14) / plotW,
      y: y1 - ph / plotH / 2,
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'middle',
      textangle: -90,
      showarrow: false,
      font: { size: 13 },
    });
  });
  const layout: Layout = {
    ...baseLayout(width, height, options.title),
    margin,
    font: FONT,
    showlegend: showLegend,
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -30 / plotH, yanchor: 'top', itemsizing: 'constant' },
    ...axes,
    annotations,
  };
  return { data, layout, config: { displaylogo: false } };
}
