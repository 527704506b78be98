import type { PointCloud } from '../points';
import { UserError } from '../errors';
import { encodePngRgb } from './png';
import { FONT } from './style';
import type { Annotation, Figure, ImageTrace } from './types';

/**
 * How the d numbers of one point make a picture: d = height · width · channels, laid out 'hwc' (pixel by pixel,
 * tfjs's NHWC convention; the default) or 'chw' (plane by plane). Values in `range` map linearly to 0..255 and are
 * clamped (default [0, 1]; use [-1, 1] for data scaled that way).
 */
export interface ImageFormat {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly order?: 'hwc' | 'chw';
  readonly range?: readonly [number, number];
}

/** A block of the grid: the first `count` images of a cloud (default: one line of `cols`), with a title on its left. */
export interface ImageRow {
  readonly images: PointCloud;
  readonly title?: string;
  readonly count?: number;
  /** Overrides the grid's format for this block (e.g. grey MNIST sources next to coloured targets). */
  readonly format?: Partial<ImageFormat>;
}

export interface ImageGridOptions extends ImageFormat {
  /** Images per line (default 8). */
  readonly cols?: number;
  /** Background pixels between images (default 2). */
  readonly pad?: number;
  /** Each image pixel becomes scale × scale screen pixels, nearest-neighbour, so digits stay crisp (default 3). */
  readonly scale?: number;
  readonly title?: string;
}

export interface Mosaic {
  /** RGB bytes, row-major. */
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Vertical centre (in mosaic pixels) of each block, for titles. */
  readonly blockCenters: readonly number[];
}

function resolveFormat(base: ImageFormat, over: Partial<ImageFormat> | undefined, what: string, d: number): Required<ImageFormat> {
  const f = { order: 'hwc' as const, range: [0, 1] as const, ...base, ...over };
  if (![f.height, f.width].every((v) => Number.isInteger(v) && v > 0) || (f.channels !== 1 && f.channels !== 3)) {
    throw new UserError(`${what}: image format ${f.height}×${f.width}×${f.channels} is invalid; allowed: positive height and width, channels 1 or 3`);
  }
  if (f.height * f.width * f.channels !== d) {
    throw new UserError(
      `${what}: points have d = ${d}, which is not height·width·channels = ${f.height}·${f.width}·${f.channels} = ${f.height * f.width * f.channels}`,
    );
  }
  if (!(f.range[1] > f.range[0])) throw new UserError(`${what}: value range [${f.range[0]}, ${f.range[1]}] is empty; allowed: lo < hi`);
  return f;
}

/** Tiles images into one RGB picture (white background), upscaled by `scale`. */
export function imageMosaic(rows: readonly ImageRow[], options: ImageGridOptions): Mosaic {
  const cols = options.cols ?? 8;
  const pad = options.pad ?? 2;
  const scale = options.scale ?? 3;
  if (!Number.isInteger(cols) || cols < 1) throw new UserError(`image grid: cols = ${cols}; allowed: a positive integer`);
  if (!Number.isInteger(scale) || scale < 1) throw new UserError(`image grid: scale = ${scale}; allowed: a positive integer`);
  const blocks = rows.map((row, b) => {
    const fmt = resolveFormat(options, row.format, `image grid block ${b}${row.title ? ` '${row.title}'` : ''}`, row.images.d);
    const count = Math.min(row.images.n, row.count ?? cols);
    return { row, fmt, count, lines: Math.max(1, Math.ceil(count / cols)) };
  });
  const cellW = Math.max(...blocks.map((b) => b.fmt.width));
  const cellH = Math.max(...blocks.map((b) => b.fmt.height));
  const lines = blocks.reduce((s, b) => s + b.lines, 0);
  const W = (pad + cols * (cellW + pad)) * scale;
  const H = (pad + lines * (cellH + pad)) * scale;
  const rgb = new Uint8Array(W * H * 3).fill(255);
  const centers: number[] = [];
  let line = 0;
  for (const { row, fmt, count, lines: blockLines } of blocks) {
    const top = (pad + line * (cellH + pad)) * scale;
    centers.push(top + ((blockLines * (cellH + pad) - pad) * scale) / 2);
    const [lo, hi] = fmt.range;
    const toByte = (v: number): number => (Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 255) : 0);
    const plane = fmt.height * fmt.width;
    for (let k = 0; k < count; k++) {
      const ox = pad + (k % cols) * (cellW + pad);
      const oy = pad + (line + Math.floor(k / cols)) * (cellH + pad);
      const base = k * row.images.d;
      for (let y = 0; y < fmt.height; y++) {
        for (let x = 0; x < fmt.width; x++) {
          const p = y * fmt.width + x;
          let r: number;
          let g: number;
          let bl: number;
          if (fmt.channels === 1) {
            r = g = bl = toByte(row.images.data[base + p]);
          } else if (fmt.order === 'hwc') {
            r = toByte(row.images.data[base + 3 * p]);
            g = toByte(row.images.data[base + 3 * p + 1]);
            bl = toByte(row.images.data[base + 3 * p + 2]);
          } else {
            r = toByte(row.images.data[base + p]);
            g = toByte(row.images.data[base + plane + p]);
            bl = toByte(row.images.data[base + 2 * plane + p]);
          }
          for (let sy = 0; sy < scale; sy++) {
            let o = (((oy + y) * scale + sy) * W + (ox + x) * scale) * 3;
            for (let sx = 0; sx < scale; sx++, o += 3) {
              rgb[o] = r;
              rgb[o + 1] = g;
              rgb[o + 2] = bl;
            }
          }
        }
      }
    }
    line += blockLines;
  }
  return { rgb, width: W, height: H, blockCenters: centers };
}

/** The mosaic as one image trace (PNG data URI). */
export function imageTrace(m: Mosaic, name = 'images'): ImageTrace {
  const png = encodePngRgb(m.rgb, m.width, m.height);
  return { type: 'image', name, source: `data:image/png;base64,${png.toString('base64')}`, x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: 'skip' };
}

/**
 * A grid of small pictures, e.g. MNIST digits above their coloured-MNIST images T(x): one block per row, titled on
 * the left. A single cloud is shown as one block of up to 8 lines.
 */
export function imageGridFigure(rows: readonly ImageRow[] | PointCloud, options: ImageGridOptions): Figure {
  const cols = options.cols ?? 8;
  const list: readonly ImageRow[] = 'data' in rows ? [{ images: rows, count: cols * 8 }] : rows;
  if (list.length === 0) throw new UserError('image grid: no rows given; pass a PointCloud or at least one ImageRow');
  const m = imageMosaic(list, options);
  const longest = Math.max(0, ...list.map((r) => (r.title ?? '').length));
  const margin = { l: longest ? Math.min(200, 16 + 7 * longest) : 5, r: 5, t: options.title !== undefined ? 40 : 5, b: 5 };
  const annotations: Annotation[] = list.flatMap((r, i) =>
    r.title === undefined
      ? []
      : [
          {
            text: r.title,
            x: -0.01,
            y: m.blockCenters[i],
            xref: 'paper',
            yref: 'y',
            xanchor: 'right',
            yanchor: 'middle',
            showarrow: false,
            font: { size: 12 },
          } satisfies Annotation,
        ],
  );
  return {
    data: [imageTrace(m)],
    layout: {
      ...(options.title !== undefined ? { title: { text: options.title, x: 0.5 } } : {}),
      width: m.width + margin.l + margin.r,
      height: m.height + margin.t + margin.b,
      margin,
      font: FONT,
      paper_bgcolor: '#ffffff',
      plot_bgcolor: '#ffffff',
      xaxis: { visible: false, range: [-0.5, m.width - 0.5] },
      yaxis: { visible: false, range: [m.height - 0.5, -0.5], scaleanchor: 'x', scaleratio: 1 },
      annotations,
      showlegend: false,
      hovermode: false,
    },
    config: { displaylogo: false },
  };
}
