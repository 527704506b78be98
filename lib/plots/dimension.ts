import { UserError } from '../errors';
import { panelGrid, type Panel, type PanelTrace } from './grid';
import { sig4 } from './numbers';
import { COLORS } from './style';
import type { Datum, Figure } from './types';

/**
 * Figures of the paper's result tables: a metric against the dimension, one colour per method, ours as the mean
 * over seeds with a bar from the lowest to the highest seed, the paper's published value as an open diamond on a
 * dotted line in the same colour, and the estimation floor (what a perfect map scores with the same n) as a grey
 * dashed line. Log scales on both axes by default: the tables span d = 2…256 and values over four decades.
 */

/** One cell of a result table: a method on a panel (a pair) at a dimension, our value per seed and the paper's. */
export interface DimensionPoint {
  readonly method: string;
  /** The panel (column) it belongs to, e.g. 'One-to-Many'; panels appear in the order first seen. */
  readonly panel: string;
  /** The row of panels, e.g. the metric 'D_target'; one row when absent. Rows appear in the order first seen. */
  readonly row?: string;
  readonly dim: number;
  /** Our value for each seed that finished (empty: not run or every seed diverged). */
  readonly ours: readonly number[];
  /** The published value, if the paper has one. */
  readonly paper?: number | null;
}

/** The estimation floor of a panel at a dimension, per seed (e.g. W2²(ν_n, ν′_n) at the n of D_target). */
export interface FloorPoint {
  readonly panel: string;
  readonly row?: string;
  readonly dim: number;
  readonly values: readonly number[];
}

export interface DimensionFigureInput {
  readonly title: string;
  readonly points: readonly DimensionPoint[];
  readonly floors?: readonly FloorPoint[];
  /** Default 'dimension d'. */
  readonly xTitle?: string;
  /** The y-axis title of each row (default: the row's name; 'value' without rows). */
  readonly yTitles?: Readonly<Record<string, string>>;
  /** Method order, which also fixes their colours (default: the order first seen). */
  readonly methods?: readonly string[];
  /** Default true. Values ≤ 0 cannot be drawn on a log axis and are left out (the note below the figure counts them). */
  readonly logY?: boolean;
  readonly logX?: boolean;
  /** Size of one panel in pixels (default 330 × 260). */
  readonly panelWidth?: number;
  readonly panelHeight?: number;
}

const NO_ROW = '';
export const FLOOR_NAME = 'estimation floor';

function ordered(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/** Methods keep their colour across the table figures; others take the palette in order. */
const METHOD_COLORS: Readonly<Record<string, string>> = {
  OTM: '#1f77b4',
  'OTM-s': '#ff7f0e',
  OTP: '#d62728',
  'OTP-CNS': '#2ca02c',
  'L (linear)': '#8c564b',
};

function methodColor(method: string, k: number): string {
  return METHOD_COLORS[method] ?? COLORS.series[k % COLORS.series.length];
}

/** A grid of panels (rows × columns) of a metric against the dimension; see the module comment. */
export function dimensionFigure(input: DimensionFigureInput): Figure {
  const finite = input.points.filter((p) => p.ours.every((v) => Number.isFinite(v)));
  if (finite.length !== input.points.length) {
    const bad = input.points.find((p) => !p.ours.every((v) => Number.isFinite(v)));
    throw new UserError(`dimensionFigure: ${bad?.method} at d = ${bad?.dim} has a non-finite value; leave diverged seeds out of 'ours'`);
  }
  if (input.points.length === 0) throw new UserError('dimensionFigure: no points given; pass at least one DimensionPoint');
  for (const p of input.points) {
    if (!(Number.isFinite(p.dim) && p.dim > 0)) throw new UserError(`dimensionFigure: dimension ${p.dim} of ${p.method} is not allowed; use a positive number`);
  }
  const logY = input.logY ?? true;
  const logX = input.logX ?? true;
  const rows = ordered(input.points.map((p) => p.row ?? NO_ROW));
  const panels = ordered(input.points.map((p) => p.panel));
  const methods = input.methods ?? ordered(input.points.map((p) => p.method));
  const dims = [...new Set(input.points.map((p) => p.dim))].sort((a, b) => a - b);
  let hidden = 0;
  const y = (v: number): Datum => {
    if (logY && v <= 0) {
      hidden++;
      return null;
    }
    return sig4(v);
  };

  const grid: Panel[][] = rows.map((row) =>
    panels.map((panel): Panel => {
      const here = input.points.filter((p) => (p.row ?? NO_ROW) === row && p.panel === panel);
      const traces: PanelTrace[] = [];
      methods.forEach((method, k) => {
        const color = methodColor(method, k);
        const pts = here.filter((p) => p.method === method).sort((a, b) => a.dim - b.dim);
        const ran = pts.filter((p) => p.ours.length > 0);
        if (ran.length) {
          const m = ran.map((p) => mean(p.ours));
          traces.push({
            type: 'scatter',
            mode: 'lines+markers',
            name: method,
            legendgroup: method,
            x: ran.map((p) => p.dim),
            y: m.map(y),
            marker: { color, size: 7 },
            line: { color, width: 2 },
            error_y: {
              type: 'data',
              symmetric: false,
              array: ran.map((p, i) => sig4(Math.max(...p.ours) - m[i]) ?? 0),
              arrayminus: ran.map((p, i) => sig4(m[i] - Math.min(...p.ours)) ?? 0),
              color,
              thickness: 1.5,
              width: 4,
            },
            hoverinfo: 'x+y+name',
          });
        }
        const published = pts.filter((p) => typeof p.paper === 'number' && Number.isFinite(p.paper));
        if (published.length) {
          traces.push({
            type: 'scatter',
            mode: 'lines+markers',
            name: `${method} (paper)`,
            legendgroup: `${method} (paper)`,
            x: published.map((p) => p.dim),
            y: published.map((p) => y(p.paper as number)),
            marker: { color, size: 10, symbol: 'diamond-open', line: { width: 2, color } },
            line: { color, width: 1, dash: 'dot' },
            hoverinfo: 'x+y+name',
          });
        }
      });
      const floors = (input.floors ?? []).filter((f) => (f.row ?? NO_ROW) === row && f.panel === panel && f.values.length > 0).sort((a, b) => a.dim - b.dim);
      if (floors.length) {
        traces.push({
          type: 'scatter',
          // Markers too: a floor known at one dimension only is a single point.
          mode: 'lines+markers',
          marker: { color: '#7f7f7f', size: 9, symbol: 'line-ew-open', line: { width: 2, color: '#7f7f7f' } },
          name: FLOOR_NAME,
          legendgroup: FLOOR_NAME,
          x: floors.map((f) => f.dim),
          y: floors.map((f) => y(mean(f.values))),
          line: { color: '#7f7f7f', width: 2, dash: 'dash' },
          hoverinfo: 'x+y+name',
        });
      }
      // Log ticks: every decade when the values span two or more, else 1, 2, 5 (every digit would crowd the axis).
      const shown = traces.flatMap((t) => (t.type === 'scatter' ? t.y : [])).filter((v): v is number => typeof v === 'number' && v > 0);
      const decades = shown.length ? Math.log10(Math.max(...shown) / Math.min(...shown)) : 0;
      return {
        title: rows.length > 1 && row !== NO_ROW ? `${panel}: ${row}` : panel,
        traces,
        xTitle: input.xTitle ?? 'dimension d',
        yTitle: input.yTitles?.[row] ?? (row === NO_ROW ? 'value' : row),
        equalAspect: false,
        xAxis: logX ? { type: 'log', tickvals: dims, ticktext: dims.map(String) } : { tickvals: dims },
        yAxis: logY ? { type: 'log', exponentformat: 'power', dtick: decades >= 2 ? 1 : 'D2' } : {},
      };
    }),
  );
  const figure = panelGrid(grid, {
    title: input.title,
    panelWidth: input.panelWidth ?? 330,
    panelHeight: input.panelHeight ?? 260,
    equalAspect: false,
    ...(hidden ? { note: `${hidden} value(s) ≤ 0 are not drawn on the log scale` } : {}),
  });
  return figure;
}

/** A cell of OTP Table 1 as a report holds it: D_target or D_cost of a method on a pair at d. */
export interface Table1Point {
  readonly method: string;
  /** The pair's title, e.g. 'Perpendicular'. */
  readonly pair: string;
  readonly dim: number;
  readonly metric: 'D_target' | 'D_cost';
  readonly ours: readonly number[];
  readonly paper: number | null;
}

/** The estimation floor of D_target on a pair at d (one value per seed or run). */
export interface Table1Floor {
  readonly pair: string;
  readonly dim: number;
  readonly values: readonly number[];
}

export const METRIC_TITLES: Readonly<Record<string, string>> = {
  D_target: 'D_target = W2²(T#μ, ν)',
  D_cost: 'D_cost = |W2² − E‖T(x) − x‖²|',
};

/** OTP Table 1: D_target (top row, with the floor) and D_cost (bottom) against d, per pair, for OTM, OTM-s, OTP. */
export function table1Figure(points: readonly Table1Point[], floors: readonly Table1Floor[] = [], title = 'OTP Table 1: D_target and D_cost against d'): Figure {
  return dimensionFigure({
    title: `${title} — ours: mean, bar from lowest to highest seed; ◇ paper`,
    points: points.map((p) => ({ method: p.method, panel: p.pair, row: p.metric, dim: p.dim, ours: p.ours, paper: p.paper })),
    floors: floors.map((f) => ({ panel: f.pair, row: 'D_target', dim: f.dim, values: f.values })),
    yTitles: METRIC_TITLES,
    methods: ['OTM', 'OTM-s', 'OTP'].filter((m) => points.some((p) => p.method === m)).concat(ordered(points.map((p) => p.method)).filter((m) => !['OTM', 'OTM-s', 'OTP'].includes(m))),
  });
}

/** A cell of OTP Table 3: D_target of OTP-CNS (constant σ) or OTP (decreasing σ) on a pair at d. */
export interface Table3Point {
  readonly method: string;
  readonly pair: string;
  readonly dim: number;
  readonly ours: readonly number[];
  readonly paper: number | null;
}

/** OTP Table 3: D_target against d per pair, constant (OTP-CNS) vs decreasing noise (OTP), with the floor. */
export function table3Figure(points: readonly Table3Point[], floors: readonly Table1Floor[] = [], title = 'OTP Table 3: constant vs decreasing noise'): Figure {
  return dimensionFigure({
    title: `${title} — ours: mean, bar from lowest to highest seed; ◇ paper`,
    points: points.map((p) => ({ method: p.method, panel: p.pair, dim: p.dim, ours: p.ours, paper: p.paper })),
    floors: floors.map((f) => ({ panel: f.pair, dim: f.dim, values: f.values })),
    yTitles: { '': METRIC_TITLES.D_target },
  });
}

/** A row of OTP Table 4: L2-UVP (%) of a solver at dimension D (ours per seed, and the published value). */
export interface Table4Point {
  /** Our solver, or a published one (then `ours` is empty), e.g. 'OTP', 'L (linear)', 'MMv2:R'. */
  readonly method: string;
  readonly dim: number;
  readonly ours: readonly number[];
  readonly paper: number | null;
}

/** OTP Table 4: forward L2-UVP (%) against D on Mix3toMix10, ours beside the published values. */
export function table4Figure(points: readonly Table4Point[], title = 'OTP Table 4: L2-UVP on the W2 benchmark (Mix3toMix10)'): Figure {
  return dimensionFigure({
    title: `${title} — ours: mean, bar from lowest to highest seed; ◇ paper`,
    points: points.map((p) => ({ method: p.method, panel: 'Mix3toMix10', dim: p.dim, ours: p.ours, paper: p.paper })),
    xTitle: 'dimension D',
    yTitles: { '': 'forward L2-UVP (%)' },
    panelWidth: 460,
    panelHeight: 320,
  });
}
