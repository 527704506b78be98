import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { adamFactors, forRunSlices, installAdamKernel, uninstallAdamKernel, type AdamKernelFunc } from './adam';
import { asCpuBackend, cpuValues, sizeOf, type CpuBackendLike, broadcastBatchIndex } from './internals';
import { DENSE_KERNEL, registerDenseGradient, RELU_GRAD_KERNEL, SUM_ROWS_KERNEL } from './dense';
import { BufferPool } from './pool';
import { originalKernel, replaceKernel, restoreKernel } from './registry';

/**
 * The optional native addon (native/otbook_native.c, built by native/build.js when a C compiler and
 * OpenBLAS are present) as kernels of tfjs's cpu backend: OpenBLAS sgemm for every matMul (all transpose
 * cases, at 50–80 GFLOP/s against ≈0.3 for the JS loop), then the element-wise kernels that dominate a
 * training step once matMul is fast (bias add, ReLU and its gradient, squares, reductions), a dense layer's
 * forward pass and a ReLU's backward pass as one op each (dense.ts), and the fused Adam update. Each kernel
 * handles the common layouts and hands anything else (int32, general broadcasting, odd axes) to the original JS
 * kernel, so results never depend on whether the addon exists.
 */

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Kernel = (args: KernelArgs) => tf.TensorInfo;

export interface NativeAddon {
  readonly abiVersion: number;
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, b: Float32Array, out: Float32Array, batch: number, aIndex: Int32Array | null, bIndex: Int32Array | null,
  ): void;
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, out: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, mode: number, inner: number): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  reduceSum(x: Float32Array, outer: number, inner: number, out: Float32Array, leading: boolean): void;
  /** Means of the rows of x [outer, inner], bit for bit tfjs's JS Mean over trailing axes. */
  meanRows(x: Float32Array, outer: number, inner: number, out: Float32Array): void;
  /** sin (op 0) or cos (op 1) of each value; returns how many indices it listed in `unsure` for Math.sin/cos, or -1. */
  trig(op: 0 | 1, x: Float32Array, out: Float32Array, unsure: Int32Array): number;
  denseForward(x: Float32Array, W: Float32Array, bias: Float32Array | null, out: Float32Array, m: number, k: number, n: number, relu: boolean): void;
  reluGrad(dy: Float32Array, y: Float32Array, out: Float32Array): void;
  denseForwardBatch(x: Float32Array, W: Float32Array, bias: Float32Array | null, out: Float32Array, runs: number, m: number, k: number, n: number, relu: boolean): void;
  sumRowsBatch(x: Float32Array, out: Float32Array, runs: number, rows: number, cols: number): void;
  sigmoid(x: Float32Array, out: Float32Array, unsure: Int32Array): number;
  setNumThreads(n: number): void;
  numThreads(): number;
  config(): string;
  /** Products with k at most this, or n or m at most min(this, 2), use the addon's own loops instead of sgemm (0: sgemm always). */
  setSmallGemm(maxDim: number): void;
  smallGemm(): number;
}

const ABI_VERSION = 8;
const FUNCTIONS = [
  'gemm', 'adam', 'binary', 'unary', 'reduceSum', 'denseForward', 'reluGrad', 'denseForwardBatch', 'sumRowsBatch', 'sigmoid', 'setNumThreads', 'numThreads',
  'config', 'setSmallGemm', 'smallGemm', 'meanRows', 'trig',
] as const;

/** native/build/Release/otbook_native.node, from lib/backend/kernels (tsx) or dist/backend/kernels (built). */
export const NATIVE_ADDON_PATH = path.resolve(__dirname, '..', '..', '..', 'native', 'build', 'Release', 'otbook_native.node');

let cached: { addon: NativeAddon | null; reason: string } | null = null;

/** The addon, or null with the reason (not built, disabled by OTBOOK_NATIVE=0, stale build). */
export function loadNative(): { addon: NativeAddon | null; reason: string } {
  if (cached) return cached;
  if (process.env.OTBOOK_NATIVE === '0') return (cached = { addon: null, reason: 'disabled by OTBOOK_NATIVE=0' });
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(NATIVE_ADDON_PATH) as Record<string, unknown>;
    const missing = FUNCTIONS.filter((f) => typeof mod[f] !== 'function');
    if (mod.abiVersion !== ABI_VERSION || missing.length > 0) {
      return (cached = { addon: null, reason: `stale build (run node native/build.js): ${missing.join(', ') || 'abi version'}` });
    }
    // A plain copy of the exports (the addon's own properties are read-only), so that tests can spy on it.
    const addon = { ...mod } as unknown as NativeAddon;
    // One BLAS thread unless asked otherwise: on the shared 2-core machine a second thread was as often
    // 2× slower as faster (it waits for a core that the main thread or another process holds), and at
    // these sizes (K or N of 16–256) the gain when idle is small. OPENBLAS_NUM_THREADS, which OpenBLAS
    // reads itself, or OTBOOK_BLAS_THREADS override this.
    const threads = process.env.OTBOOK_BLAS_THREADS;
    if (threads !== undefined && threads !== '') {
      const n = Number(threads);
      if (!Number.isInteger(n) || n < 1) throw new Error(`OTBOOK_BLAS_THREADS=${threads} is not an integer ≥ 1`);
      addon.setNumThreads(n);
    } else if (!process.env.OPENBLAS_NUM_THREADS) {
      addon.setNumThreads(1);
    }
    return (cached = { addon, reason: `loaded (${addon.config().trim()}, ${addon.numThreads()} BLAS threads)` });
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('OTBOOK_BLAS_THREADS')) throw e;
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return (cached = { addon: null, reason: `not built (${msg})` });
  }
}

function orig(name: string): Kernel {
  const k = originalKernel(name, 'cpu');
  if (!k) throw new Error(`otbook kernels: cpu kernel ${name} is not registered`);
  return k.kernelFunc as unknown as Kernel;
}

/** The kernel registered now (ours or tfjs's). */
function current(name: string): Kernel {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`otbook kernels: cpu kernel ${name} is not registered`);
  return k.kernelFunc as unknown as Kernel;
}

function f32(backend: CpuBackendLike, t: tf.TensorInfo | undefined): Float32Array | null {
  return t && t.dtype === 'float32' ? cpuValues(backend, t) : null;
}

/** Index of each output batch into a broadcast operand's batches; null when no broadcasting is needed. */
function batchIndex(outer: number[], own: number[]): Int32Array | null {
  return tf.util.arraysEqual(outer, own) ? null : broadcastBatchIndex(outer, own);
}

/** Output buffers of the native kernels (see pool.ts). */
export const nativePool = new BufferPool();

function makeMatMul(addon: NativeAddon): Kernel {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const av = backend && f32(backend, a);
    const bv = backend && f32(backend, b);
    if (!backend || !av || !bv) return orig('BatchMatMul')(args);
    const ta = args.attrs?.transposeA === true;
    const tb = args.attrs?.transposeB === true;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
    const ka = ta ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
    if (ka !== kb) {
      throw new Error(`Error in matMul: inner shapes (${ka}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${ta} and transposeB=${tb} must match.`);
    }
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
    const batch = sizeOf(outer);
    const out = nativePool.take(batch * m * n);
    addon.gemm(ta, tb, m, n, ka, av, bv, out, batch, batchIndex(outer, outerA), batchIndex(outer, outerB));
    return backend.makeTensorInfo([...outer, m, n], 'float32', out);
  };
}

function makeFusedMatMul(matMul: Kernel): Kernel {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    if (!backend || !a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return orig('_FusedMatMul')(args);
    const temps: tf.TensorInfo[] = [];
    let cur = matMul({ inputs: { a, b }, backend, attrs: { transposeA: attrs.transposeA ?? false, transposeB: attrs.transposeB ?? false } });
    if (bias) {
      temps.push(cur);
      cur = current('Add')({ inputs: { a: cur, b: bias }, backend });
    }
    const act = typeof attrs.activation === 'string' ? attrs.activation : 'linear';
    if (act !== 'linear') {
      temps.push(cur);
      const x = cur;
      switch (act) {
        case 'relu': cur = current('Relu')({ inputs: { x }, backend }); break;
        case 'relu6': cur = current('Relu6')({ inputs: { x }, backend }); break;
        case 'elu': cur = current('Elu')({ inputs: { x }, backend }); break;
        case 'sigmoid': cur = current('Sigmoid')({ inputs: { x }, backend }); break;
        case 'leakyrelu': cur = current('LeakyRelu')({ inputs: { x }, backend, attrs: { alpha: attrs.leakyreluAlpha ?? 0.2 } }); break;
        case 'prelu':
          if (!preluActivationWeights) throw new Error('_FusedMatMul: prelu activation without weights');
          cur = current('Prelu')({ inputs: { x, alpha: preluActivationWeights }, backend });
          break;
        default: throw new Error(`Activation ${act} has not been implemented for the CPU backend.`);
      }
    }
    for (const t of temps) backend.disposeData(t.dataId);
    return cur;
  };
}

const BINARY_OPS: Record<string, number> = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, SquaredDifference: 4 };

/**
 * The broadcast layouts the C loop handles: same shape; one operand repeated over leading axes (a bias
 * row, a scalar: mode 1/2); one operand constant over trailing axes (a per-row value [n, 1]: mode 3/4).
 */
function binaryLayout(aShape: number[], bShape: number[], outShape: number[]): { mode: number; inner: number } | null {
  const n = sizeOf(outShape);
  if (tf.util.arraysEqual(aShape, bShape)) return { mode: 0, inner: n };
  const pad = (s: number[]): number[] => [...new Array<number>(outShape.length - s.length).fill(1), ...s];
  const classify = (full: number[], small: number[], rowMode: number, colMode: number): { mode: number; inner: number } | null => {
    if (!tf.util.arraysEqual(full, outShape)) return null;
    const s = pad(small);
    let lead = 0;
    while (lead < s.length && s[lead] === 1) lead++;
    if (s.slice(lead).every((d, i) => d === outShape[lead + i])) return { mode: rowMode, inner: sizeOf(outShape.slice(lead)) };
    let trail = s.length;
    while (trail > 0 && s[trail - 1] === 1) trail--;
    if (s.slice(0, trail).every((d, i) => d === outShape[i])) return { mode: colMode, inner: sizeOf(outShape.slice(trail)) };
    return null;
  };
  return classify(aShape, bShape, 1, 3) ?? classify(bShape, aShape, 2, 4);
}

function makeBinary(addon: NativeAddon, name: string): Kernel {
  const op = BINARY_OPS[name];
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const av = backend && f32(backend, a);
    const bv = backend && f32(backend, b);
    if (!backend || !av || !bv) return orig(name)(args);
    const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const layout = binaryLayout(a.shape, b.shape, outShape);
    if (!layout || sizeOf(outShape) === 0) return orig(name)(args);
    const out = nativePool.take(sizeOf(outShape));
    addon.binary(op, av, bv, out, layout.mode, layout.inner);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}

const UNARY_OPS: Record<string, number> = { Relu: 0, Step: 1, Square: 2, Sqrt: 3, Neg: 4, Relu6: 6 };

function makeUnary(addon: NativeAddon, name: string): Kernel {
  const op = UNARY_OPS[name];
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const xv = backend && f32(backend, x);
    if (!backend || !xv) return orig(name)(args);
    const alpha = typeof args.attrs?.alpha === 'number' ? args.attrs.alpha : 0;
    const out = nativePool.take(xv.length);
    addon.unary(op, xv, out, alpha);
    return backend.makeTensorInfo(x.shape.slice(), 'float32', out);
  };
}

/**
 * A reduction's operand and layout, as the native Sum and Mean read them: a float32 tensor of rank ≥ 1 and its
 * reduced axes (sorted, without repeats; all of them when the attribute is absent), with the output shape; null where
 * the JS kernel must run (another dtype, a scalar, no axis).
 */
function reduction(args: KernelArgs): { backend: CpuBackendLike; x: tf.TensorInfo; xv: Float32Array; axes: number[]; outShape: number[] } | null {
  const backend = asCpuBackend(args.backend);
  const { x } = args.inputs as { x: tf.TensorInfo };
  const xv = backend && f32(backend, x);
  if (!backend || !xv || x.shape.length === 0) return null;
  const axes = [...new Set(tf.util.parseAxisParam((args.attrs?.axis as number | number[] | undefined) ?? [], x.shape))].sort((p, q) => p - q);
  if (axes.length === 0) return null;
  const outShape = args.attrs?.keepDims === true ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return { backend, x, xv, axes, outShape };
}

/** Sum over a leading block of axes (bias gradients) or a trailing block (row sums, means). */
function makeSum(addon: NativeAddon): Kernel {
  return (args) => {
    const r = reduction(args);
    if (!r) return orig('Sum')(args);
    const { backend, x, xv, axes, outShape } = r;
    const rank = x.shape.length;
    const contiguous = axes.every((ax, i) => ax === axes[0] + i);
    const leading = contiguous && axes[0] === 0;
    const trailing = contiguous && axes[axes.length - 1] === rank - 1;
    if (!leading && !trailing) return orig('Sum')(args);
    const useLeading = leading && !(trailing && axes.length === rank) ? leading : false;
    const split = useLeading ? axes.length : axes[0];
    const outer = sizeOf(x.shape.slice(0, split));
    const inner = sizeOf(x.shape.slice(split));
    const out = nativePool.take(useLeading ? inner : outer);
    if (out.length > 0) addon.reduceSum(xv, outer, inner, out, useLeading);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}

/**
 * Mean over trailing axes of a float32 tensor (a loss's mean over its batch: two per training step) in one native
 * pass, bit for bit the JS kernel's (which casts, divides the whole input by the count, then sums it: 0.17 ms for
 * a group's [24, 128] losses, 7% of a d = 2 step of 24 runs). Other layouts go to the JS kernel.
 */
function makeMean(addon: NativeAddon): Kernel {
  return (args) => {
    const r = reduction(args);
    if (!r) return orig('Mean')(args);
    const { backend, x, xv, axes, outShape } = r;
    const rank = x.shape.length;
    const inner = sizeOf(x.shape.slice(rank - axes.length));
    if (!axes.every((ax, i) => ax === rank - axes.length + i) || inner === 0) return orig('Mean')(args);
    const outer = sizeOf(x.shape.slice(0, rank - axes.length));
    const out = nativePool.take(outer);
    if (outer > 0) addon.meanRows(xv, outer, inner, out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}

/**
 * OtbookDense (dense.ts): sgemm, bias and ReLU in one native call, for one layer ([B, k]·[k, n]) or for a group's R
 * layers at once ([R, B, k]·[R, k, n]); other layouts of one layer go through matMul, Add, Relu.
 */
function makeDense(addon: NativeAddon): Kernel {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { x, W, b } = args.inputs as { x: tf.TensorInfo; W: tf.TensorInfo; b?: tf.TensorInfo };
    const relu = args.attrs?.activation === 'relu';
    const xv = backend && f32(backend, x);
    const wv = backend && f32(backend, W);
    const bv = backend && b ? f32(backend, b) : null;
    if (x.shape.length === 3) {
      const [runs, m, k] = x.shape;
      const n = W.shape[2];
      const ok = W.shape.length === 3 && W.shape[0] === runs && W.shape[1] === k && (!b || (b.shape.length === 2 && b.shape[0] === runs && b.shape[1] === n));
      if (!backend || !xv || !wv || (b && !bv) || !ok) throw new Error(`OtbookDense(native): float32 [R, B, k], [R, k, n], [R, n] expected, got [${x.shape}], [${W.shape}], [${b?.shape ?? ''}]`);
      const out = nativePool.take(runs * m * n);
      addon.denseForwardBatch(xv, wv, bv, out, runs, m, k, n, relu);
      return backend.makeTensorInfo([runs, m, n], 'float32', out);
    }
    const plain = x.shape.length === 2 && W.shape.length === 2 && x.shape[1] === W.shape[0] && (!b || (b.shape.length === 1 && b.shape[0] === W.shape[1]));
    if (!backend || !xv || !wv || (b && !bv) || !plain) {
      const fused = current('_FusedMatMul');
      return fused({ inputs: { a: x, b: W, ...(b ? { bias: b } : {}) }, backend: args.backend, attrs: { transposeA: false, transposeB: false, activation: relu ? 'relu' : 'linear' } });
    }
    const [m, k] = x.shape;
    const n = W.shape[1];
    const out = nativePool.take(m * n);
    addon.denseForward(xv, wv, bv, out, m, k, n, relu);
    return backend.makeTensorInfo([m, n], 'float32', out);
  };
}

/** OtbookSumRows (dense.ts): each run's rows summed in float, in row order (the bias gradient of a group's layers). */
function makeSumRows(addon: NativeAddon): Kernel {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const xv = backend && f32(backend, x);
    if (!backend || !xv || x.shape.length !== 3) throw new Error(`OtbookSumRows(native): a float32 [R, B, n] tensor expected, got [${x.shape}]`);
    const [runs, rows, cols] = x.shape;
    const out = nativePool.take(runs * cols);
    addon.sumRowsBatch(xv, out, runs, rows, cols);
    return backend.makeTensorInfo([runs, cols], 'float32', out);
  };
}

/** OtbookReluGrad (dense.ts): dy · step(y) in one pass; other dtypes or shapes go through Step and Multiply. */
function makeReluGrad(addon: NativeAddon): Kernel {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const dv = backend && f32(backend, dy);
    const yv = backend && f32(backend, y);
    if (!backend || !dv || !yv || !tf.util.arraysEqual(dy.shape, y.shape)) {
      const step = current('Step')({ inputs: { x: y }, backend: args.backend, attrs: { alpha: 0 } });
      const out = current('Multiply')({ inputs: { a: dy, b: step }, backend: args.backend });
      backend?.disposeData(step.dataId);
      return out;
    }
    const out = nativePool.take(yv.length);
    addon.reluGrad(dv, yv, out);
    return backend.makeTensorInfo(y.shape.slice(), 'float32', out);
  };
}

/**
 * SplitV along the last axis (the gradient of a concatenation of features: a stochastic map's [x, z], DIOTM's
 * [sin, cos] time embedding) as strided row copies; tfjs's cpu kernel copies such slices element by element
 * through index arithmetic (≈ 1 µs per element). A copy: the values are those of the original kernel.
 */
function makeSplitV(): (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const xv = backend && f32(backend, x);
    const rank = x.shape.length;
    const axis = rank > 0 ? tf.util.parseAxisParam(args.attrs?.axis as number, x.shape)[0] : -1;
    if (!backend || !xv || rank < 2 || axis !== rank - 1) return (orig('SplitV') as unknown as (a: KernelArgs) => tf.TensorInfo[])(args);
    const width = x.shape[rank - 1];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, args.attrs?.numOrSizeSplits as number | number[], axis);
    const rows = xv.length / Math.max(1, width);
    let offset = 0;
    return sizes.map((w) => {
      const out = nativePool.take(rows * w);
      for (let i = 0; i < rows; i++) out.set(xv.subarray(i * width + offset, i * width + offset + w), i * w);
      offset += w;
      return backend.makeTensorInfo([...x.shape.slice(0, -1), w], 'float32', out);
    });
  };
}

/** Concat along the last axis (a stochastic map's [x, z], DIOTM's [sin, cos] embedding): row-wise copies. */
function makeConcat(): Kernel {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const xs = args.inputs as unknown as tf.TensorInfo[];
    const rank = xs[0]?.shape.length ?? 0;
    const values = backend ? xs.map((t) => f32(backend, t)) : [];
    const axis = rank > 0 ? tf.util.parseAxisParam(args.attrs?.axis as number, xs[0].shape)[0] : -1;
    const lead = xs[0]?.shape.slice(0, -1) ?? [];
    const same = xs.every((t) => t.shape.length === rank && tf.util.arraysEqual(t.shape.slice(0, -1), lead));
    if (!backend || xs.length < 2 || rank < 2 || axis !== rank - 1 || !same || values.some((v) => !v)) return orig('Concat')(args);
    const widths = xs.map((t) => t.shape[rank - 1]);
    const total = widths.reduce((a, b) => a + b, 0);
    const rows = sizeOf(lead);
    const out = nativePool.take(rows * total);
    let offset = 0;
    xs.forEach((_, j) => {
      const v = values[j] as Float32Array;
      const w = widths[j];
      if (w >= 16) for (let i = 0; i < rows; i++) out.set(v.subarray(i * w, (i + 1) * w), i * total + offset);
      else for (let i = 0; i < rows; i++) for (let c = 0; c < w; c++) out[i * total + offset + c] = v[i * w + c];
      offset += w;
    });
    return backend.makeTensorInfo([...lead, total], 'float32', out);
  };
}

/**
 * Sigmoid with exactly the values of tfjs's JS kernel (1 / (1 + Math.exp(−x)) in double, stored as float32): C
 * computes every element whose float32 rounding is certain whatever the last bits of exp (see the addon), and
 * the few it cannot vouch for are computed here with Math.exp itself. Smooth networks (SiLU: DIOTM) spend most of
 * their step in this kernel otherwise.
 */
/** Indices a kernel computed in C could round differently from the JS kernel (Sigmoid, Sin, Cos): redone in JS. */
const UNSURE = new Int32Array(4096);

/**
 * Runs an element-wise kernel of the addon that lists in UNSURE the values it may round differently from JavaScript
 * (returning how many, or -1 when more than fit), and computes those, or all values on -1, with `js`.
 */
function elementwiseExactAsJs(backend: CpuBackendLike, x: tf.TensorInfo, xv: Float32Array, native: (out: Float32Array) => number, js: (v: number) => number): tf.TensorInfo {
  const out = nativePool.take(xv.length);
  const unsure = native(out);
  if (unsure < 0) for (let i = 0; i < xv.length; i++) out[i] = js(xv[i]);
  else for (let k = 0; k < unsure; k++) out[UNSURE[k]] = js(xv[UNSURE[k]]);
  return backend.makeTensorInfo(x.shape.slice(), 'float32', out);
}

function makeSigmoid(addon: NativeAddon): Kernel {
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const xv = backend && f32(backend, x);
    if (!backend || !xv) return orig('Sigmoid')(args);
    return elementwiseExactAsJs(backend, x, xv, (out) => addon.sigmoid(xv, out, UNSURE), (v) => 1 / (1 + Math.exp(-v)));
  };
}

/**
 * Sin and Cos (DIOTM's time embedding: 12% of its step in the JS kernels, at about 39 ns per value): the C library's
 * sin and cos in double, bit for bit the JS kernels' (values whose float rounding the two could disagree on are
 * computed with Math.sin or Math.cos; `trig` in native/otbook_native.c says why that is enough).
 */
function makeTrig(addon: NativeAddon, name: 'Sin' | 'Cos'): Kernel {
  const op = name === 'Sin' ? 0 : 1;
  const js = name === 'Sin' ? Math.sin : Math.cos;
  return (args) => {
    const backend = asCpuBackend(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const xv = backend && f32(backend, x);
    if (!backend || !xv) return orig(name)(args);
    return elementwiseExactAsJs(backend, x, xv, (out) => addon.trig(op, xv, out, UNSURE), js);
  };
}

function makeAdam(addon: NativeAddon): AdamKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const b = asCpuBackend(backend);
    if (!b) throw new Error('OtbookAdamUpdate(native): not the cpu backend');
    const [p, g, m, v] = [inputs.param, inputs.grad, inputs.m, inputs.v].map((t) => cpuValues(b, t));
    if (!p || !g || !m || !v) throw new Error('OtbookAdamUpdate(native): float32 inputs expected');
    const { c1, c2 } = adamFactors(attrs);
    forRunSlices(p.length, attrs, (s, e, lr) => {
      const [ps, gs, ms, vs] = s === 0 && e === p.length ? [p, g, m, v] : [p, g, m, v].map((a) => a.subarray(s, e));
      addon.adam(ps, gs, ms, vs, ps, lr, attrs.beta1, attrs.beta2, attrs.epsilon, c1, c2);
    });
    return [];
  };
}

export const NATIVE_KERNEL_NAMES = [
  'BatchMatMul', '_FusedMatMul', ...Object.keys(BINARY_OPS), ...Object.keys(UNARY_OPS), 'Sum', 'Mean', 'Sin', 'Cos',
] as const;

let installed = false;

/**
 * The addon's small-product threshold from OTBOOK_NATIVE_SMALL_GEMM (unset: the addon's default, 4; 0: sgemm for
 * every product, as before these loops existed). `matmul` in native/otbook_native.c says which products skip sgemm.
 */
export function smallGemmSetting(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.OTBOOK_NATIVE_SMALL_GEMM;
  if (raw === undefined || raw === '') return null;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`OTBOOK_NATIVE_SMALL_GEMM must be an integer >= 0 (0 turns the small-product loops off); got '${raw}'`);
  return v;
}

/**
 * Registers the native kernels on the cpu backend; false when the addon is not available. `pool` (default:
 * on unless OTBOOK_NATIVE_POOL=0) recycles their output buffers (pool.ts).
 */
export function installNativeKernels(options: { pool?: boolean } = {}): boolean {
  const { addon } = loadNative();
  if (!addon) return false;
  const small = smallGemmSetting();
  if (small !== null) addon.setSmallGemm(small);
  for (const name of NATIVE_KERNEL_NAMES) if (!originalKernel(name, 'cpu')) return false;
  const usePool = options.pool ?? process.env.OTBOOK_NATIVE_POOL !== '0';
  const cpu = tf.findBackend('cpu');
  nativePool.detach();
  if (usePool && cpu && asCpuBackend(cpu)) nativePool.attach(cpu as unknown as Parameters<BufferPool['attach']>[0]);
  const matMul = makeMatMul(addon);
  replaceKernel('BatchMatMul', 'cpu', matMul as unknown as tf.KernelFunc);
  replaceKernel('_FusedMatMul', 'cpu', makeFusedMatMul(matMul) as unknown as tf.KernelFunc);
  for (const name of Object.keys(BINARY_OPS)) replaceKernel(name, 'cpu', makeBinary(addon, name) as unknown as tf.KernelFunc);
  for (const name of Object.keys(UNARY_OPS)) replaceKernel(name, 'cpu', makeUnary(addon, name) as unknown as tf.KernelFunc);
  replaceKernel('Sum', 'cpu', makeSum(addon) as unknown as tf.KernelFunc);
  replaceKernel('Mean', 'cpu', makeMean(addon) as unknown as tf.KernelFunc);
  replaceKernel(DENSE_KERNEL, 'cpu', makeDense(addon) as unknown as tf.KernelFunc);
  replaceKernel(RELU_GRAD_KERNEL, 'cpu', makeReluGrad(addon) as unknown as tf.KernelFunc);
  replaceKernel(SUM_ROWS_KERNEL, 'cpu', makeSumRows(addon) as unknown as tf.KernelFunc);
  replaceKernel('SplitV', 'cpu', makeSplitV() as unknown as tf.KernelFunc);
  replaceKernel('Concat', 'cpu', makeConcat() as unknown as tf.KernelFunc);
  replaceKernel('Sigmoid', 'cpu', makeSigmoid(addon) as unknown as tf.KernelFunc);
  replaceKernel('Sin', 'cpu', makeTrig(addon, 'Sin') as unknown as tf.KernelFunc);
  replaceKernel('Cos', 'cpu', makeTrig(addon, 'Cos') as unknown as tf.KernelFunc);
  registerDenseGradient();
  installAdamKernel('cpu', makeAdam(addon), 'native');
  installed = true;
  return true;
}

export function uninstallNativeKernels(): void {
  nativePool.detach();
  for (const name of NATIVE_KERNEL_NAMES) restoreKernel(name, 'cpu');
  restoreKernel(DENSE_KERNEL, 'cpu');
  restoreKernel(RELU_GRAD_KERNEL, 'cpu');
  restoreKernel(SUM_ROWS_KERNEL, 'cpu');
  restoreKernel('SplitV', 'cpu');
  restoreKernel('Concat', 'cpu');
  restoreKernel('Sigmoid', 'cpu');
  uninstallAdamKernel('cpu');
  installed = false;
}

export function nativeKernelsInstalled(): boolean {
  return installed;
}
