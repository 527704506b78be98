import type { PointCloud } from '../points';
import { UserError } from '../errors';
import { sig4, strideIndices } from './numbers';
import { COLORS, MARKER_SIZE, axisStyle, baseLayout } from './style';
import type { Datum, Figure, ScatterTrace } from './types';

/**
 * Two coordinates to plot, as 0-based indices into a point (the same convention as `column()` in
 * lib/points.ts): `[0, 1]` is the first two coordinates. A paper that says "axes 1 and 33" in 1-based
 * mathematical notation means `[0, 32]` here; check which convention the paper's code uses.
 */
export type AxisPair = readonly [number, number];

/** Default number of points drawn per cloud; `maxPoints: Infinity` draws all of them. */
export const DEFAULT_MAX_POINTS = 2000;
/** Default number of x → T(x) segments drawn. */
export const DEFAULT_MAX_SEGMENTS = 150;

export interface CloudStyle {
  readonly name: string;
  readonly color: string;
  readonly size?: number;
  readonly opacity?: number;
  readonly symbol?: string;
}

export interface CloudTraceOptions {
  readonly axes?: AxisPair;
  /** At most this many points (evenly strided); default DEFAULT_MAX_POINTS. */
  readonly maxPoints?: number;
  /** Show in the legend (default true). */
  readonly showlegend?: boolean;
}

export function checkAxes(p: PointCloud, axes: AxisPair, what: string): void {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= p.d) {
      throw new UserError(
        `${what}: axis index ${a} is not a coordinate of a ${p.d}-dimensional cloud; allowed: integers 0..${p.d - 1} (0-based)`,
      );
    }
  }
}

function coords(p: PointCloud, idx: Int32Array, j: number): Datum[] {
  const out: Datum[] = new Array<Datum>(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = sig4(p.data[idx[k] * p.d + j]);
  return out;
}

/** A marker-only scatter of two coordinates of a cloud. */
export function cloudTrace(p: PointCloud, style: CloudStyle, options: CloudTraceOptions = {}): ScatterTrace {
  const axes = options.axes ?? [0, 1];
  checkAxes(p, axes, `cloud '${style.name}'`);
  const idx = strideIndices(p.n, options.maxPoints ?? DEFAULT_MAX_POINTS);
  return {
    type: 'scatter',
    mode: 'markers',
    name: style.name,
    legendgroup: style.name,
    showlegend: options.showlegend ?? true,
    x: coords(p, idx, axes[0]),
    y: coords(p, idx, axes[1]),
    marker: {
      color: style.color,
      size: style.size ?? MARKER_SIZE,
      opacity: style.opacity ?? 0.7,
      ...(style.symbol ? { symbol: style.symbol } : {}),
    },
    hoverinfo: 'x+y+name',
  };
}

export interface SegmentsOptions {
  readonly axes?: AxisPair;
  /** At most this many segments (evenly strided over the pairs); default DEFAULT_MAX_SEGMENTS. */
  readonly maxSegments?: number;
  readonly name?: string;
  readonly color?: string;
  readonly width?: number;
  readonly showlegend?: boolean;
}

/**
 * Segments x_i → T(x_i) for a subsample of pairs, as ONE line trace whose segments are separated by nulls
 * (one trace per segment would make the figure JSON and the legend explode).
 */
export function segmentsTrace(from: PointCloud, to: PointCloud, options: SegmentsOptions = {}): ScatterTrace {
  if (from.n !== to.n || from.d !== to.d) {
    throw new UserError(
      `segments x → T(x): the clouds must pair up point by point, got ${from.n}×${from.d} and ${to.n}×${to.d}`,
    );
  }
  const axes = options.axes ?? [0, 1];
  checkAxes(from, axes, 'segments x → T(x)');
  const idx = strideIndices(from.n, options.maxSegments ?? DEFAULT_MAX_SEGMENTS);
  const x: Datum[] = [];
  const y: Datum[] = [];
  for (const i of idx) {
    x.push(sig4(from.data[i * from.d + axes[0]]), sig4(to.data[i * to.d + axes[0]]), null);
    y.push(sig4(from.data[i * from.d + axes[1]]), sig4(to.data[i * to.d + axes[1]]), null);
  }
  const name = options.name ?? 'x → T(x)';
  return {
    type: 'scatter',
    mode: 'lines',
    name,
    legendgroup: name,
    showlegend: options.showlegend ?? true,
    x,
    y,
    connectgaps: false,
    line: { color: options.color ?? COLORS.segment, width: options.width ?? 0.8 },
    hoverinfo: 'skip',
  };
}

/** The clouds of one transport picture; each is optional. `mapped` must pair with `source` to draw segments. */
export interface TransportClouds {
  readonly source?: PointCloud;
  readonly target?: PointCloud;
  /** T(x) for the source points, in the same order. */
  readonly mapped?: PointCloud;
  /** The noised source (e.g. OTP's x + σ·z), drawn green. */
  readonly noised?: PointCloud;
}

export interface TransportOptions {
  readonly axes?: AxisPair;
  readonly maxPoints?: number;
  /** Number of x → T(x) segments, or 0 for none. Default DEFAULT_MAX_SEGMENTS when source and mapped are given. */
  readonly segments?: number;
  /** Legend names (defaults: 'source', 'target', 'T(x)', 'noised source'). */
  readonly names?: Partial<Record<keyof TransportClouds, string>>;
  readonly showlegend?: boolean;
}

/** Traces in drawing order: target, source, noised source, segments, T(x) on top. */
export function transportTraces(clouds: TransportClouds, options: TransportOptions = {}): ScatterTrace[] {
  const names = {
    source: 'source',
    target: 'target',
    mapped: 'T(x)',
    noised: 'noised source',
    ...options.names,
  };
  const common: CloudTraceOptions = {
    axes: options.axes,
    maxPoints: options.maxPoints,
    showlegend: options.showlegend ?? true,
  };
  const out: ScatterTrace[] = [];
  if (clouds.target) out.push(cloudTrace(clouds.target, { name: names.target, color: COLORS.target }, common));
  if (clouds.source) out.push(cloudTrace(clouds.source, { name: names.source, color: COLORS.source }, common));
  if (clouds.noised) out.push(cloudTrace(clouds.noised, { name: names.noised, color: COLORS.noised }, common));
  const nSeg = options.segments ?? DEFAULT_MAX_SEGMENTS;
  if (clouds.source && clouds.mapped && nSeg > 0) {
    out.push(
      segmentsTrace(clouds.source, clouds.mapped, {
        axes: options.axes,
        maxSegments: nSeg,
        showlegend: options.showlegend ?? true,
      }),
    );
  }
  if (clouds.mapped) out.push(cloudTrace(clouds.mapped, { name: names.mapped, color: COLORS.mapped }, common));
  return out;
}

/**
 * The book's name for coordinate i (0-based in code): x[i + 1], counted from 1 as the paper does ("axes 1 and 33"
 * at d = 64 are code axes [0, 32]). Every figure titles its axes this way.
 */
export function axisName(i: number): string {
  return `x[${i + 1}]`;
}

export interface TransportFigureOptions extends TransportOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** Axis titles; default axisName() of each axis: `x[1]`, `x[2]`, … (1-based, as the paper counts coordinates). */
  readonly axisTitles?: readonly [string, string];
  /** Same scale on both axes (default true: a circle stays a circle). */
  readonly equalAspect?: boolean;
}

/** One panel: source, target, T(x), noised source and segments in the paper's colours. */
export function transportFigure(clouds: TransportClouds, options: TransportFigureOptions = {}): Figure {
  const axes = options.axes ?? [0, 1];
  const titles = options.axisTitles ?? [axisName(axes[0]), axisName(axes[1])];
  const base = baseLayout(options.width ?? 520, options.height ?? 460, options.title);
  return {
    data: transportTraces(clouds, { ...options, axes }),
    layout: {
      ...base,
      xaxis: axisStyle(titles[0]),
      yaxis: { ...axisStyle(titles[1]), ...((options.equalAspect ?? true) ? { scaleanchor: 'x', scaleratio: 1 } : {}) },
    },
    config: { displaylogo: false },
  };
}
