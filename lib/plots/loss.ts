import { UserError } from '../errors';
import { sig4 } from './numbers';
import { COLORS, axisStyle, baseLayout } from './style';
import type { Annotation, Datum, Figure, LineStyle, ScatterTrace } from './types';

export interface Series {
  readonly name: string;
  readonly values: ArrayLike<number>;
  /** x values (default 0, 1, 2, …); same length as values. */
  readonly iterations?: ArrayLike<number>;
  readonly color?: string;
  readonly dash?: LineStyle['dash'];
}

export interface LossCurveOptions {
  /** Logarithmic y axis. Values ≤ 0 cannot be drawn there: they become gaps and a note says how many. */
  readonly logY?: boolean;
  /**
   * Longer series are reduced to this many buckets, each kept as its minimum and maximum (in x order), so spikes
   * and the envelope survive, which plain striding would lose. Default 1000.
   */
  readonly maxPoints?: number;
}

export interface LossFigureOptions extends LossCurveOptions {
  readonly title?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Indices kept by min/max bucketing, ascending. */
export function envelopeIndices(values: ArrayLike<number>, maxPoints: number): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < values[iMin]) iMin = i;
      if (iMax < 0 || v > values[iMax]) iMax = i;
    }
    if (iMin < 0) out.push(lo); // an all-NaN bucket stays visible as a gap
    else if (iMin === iMax) out.push(iMin);
    else out.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  return out;
}

/** One line trace per series, plus the number of values hidden because they are ≤ 0 on a log axis. */
export function lossCurveTraces(series: readonly Series[], options: LossCurveOptions = {}): { traces: ScatterTrace[]; hidden: number } {
  const maxPoints = options.maxPoints ?? 1000;
  let hidden = 0;
  const traces = series.map((s, k): ScatterTrace => {
    if (s.iterations && s.iterations.length !== s.values.length) {
      throw new UserError(
        `loss series '${s.name}': ${s.iterations.length} iterations for ${s.values.length} values; they must have the same length`,
      );
    }
    const idx = envelopeIndices(s.values, maxPoints);
    const x: Datum[] = [];
    const y: Datum[] = [];
    for (const i of idx) {
      const v = s.values[i];
      x.push(s.iterations ? sig4(s.iterations[i]) : i);
      if (options.logY && v <= 0) {
        hidden++;
        y.push(null);
      } else {
        y.push(sig4(v));
      }
    }
    return {
      type: 'scatter',
      mode: 'lines',
      name: s.name,
      legendgroup: s.name,
      x,
      y,
      connectgaps: false,
      line: { color: s.color ?? COLORS.series[k % COLORS.series.length], width: 1.5, ...(s.dash ? { dash: s.dash } : {}) },
      hoverinfo: 'x+y+name',
    };
  });
  return { traces, hidden };
}

/** Several series against iteration. */
export function lossCurvesFigure(series: readonly Series[], options: LossFigureOptions = {}): Figure {
  const { traces, hidden } = lossCurveTraces(series, options);
  const annotations: Annotation[] = hidden
    ? [
        {
          text: `${hidden} value(s) ≤ 0 not drawn on the log scale`,
          x: 1,
          y: 1.02,
          xref: 'paper',
          yref: 'paper',
          xanchor: 'right',
          yanchor: 'bottom',
          showarrow: false,
          font: { size: 10, color: '#a00' },
        },
      ]
    : [];
  return {
    data: traces,
    layout: {
      ...baseLayout(options.width ?? 640, options.height ?? 400, options.title),
      xaxis: axisStyle(options.xTitle ?? 'iteration'),
      yaxis: { ...axisStyle(options.yTitle ?? 'loss'), ...(options.logY ? { type: 'log', exponentformat: 'power' } : {}) },
      annotations,
    },
    config: { displaylogo: false },
  };
}
