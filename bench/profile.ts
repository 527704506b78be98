import * as tf from '@tensorflow/tfjs-core';

/**
 * Time per kernel on the active backend: wraps every kernel registered for it with a timer while `fn` runs,
 * then puts the kernels back. Kernels called from inside other kernels (a patch delegating to the original)
 * are counted in both, so shares can sum above 100%. cpuMs is the process's CPU time (all threads), which
 * is what to compare on a shared machine.
 */
type KernelTimes = Array<{ kernel: string; ms: number; cpuMs: number; calls: number }>;

/**
 * Wraps every kernel of the active backend: `wrap(name, inner)` returns the function registered in its place.
 * Returns a function that puts the original kernels back.
 */
function wrapKernels(wrap: (kernelName: string, inner: tf.KernelFunc) => tf.KernelFunc): () => void {
  const backendName = tf.getBackend();
  const configs = tf.getKernelsForBackend(backendName);
  for (const c of configs) {
    tf.unregisterKernel(c.kernelName, backendName);
    tf.registerKernel({ ...c, kernelFunc: wrap(c.kernelName, c.kernelFunc) });
  }
  return () => {
    for (const c of configs) {
      tf.unregisterKernel(c.kernelName, backendName);
      tf.registerKernel(c);
    }
  };
}

/** Wraps every kernel of the active backend with a timer; returns the times so far and a function that restores the kernels. */
function timeKernels(): { times: () => KernelTimes; restore: () => void } {
  const acc = new Map<string, { ms: number; cpuMs: number; calls: number }>();
  const restore = wrapKernels((kernelName, inner) => (args) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return inner(args);
    } finally {
      const e = acc.get(kernelName) ?? { ms: 0, cpuMs: 0, calls: 0 };
      e.ms += performance.now() - t0;
      const c1 = process.cpuUsage(c0);
      e.cpuMs += (c1.user + c1.system) / 1000;
      e.calls++;
      acc.set(kernelName, e);
    }
  });
  return { times: () => [...acc.entries()].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms), restore };
}

/** Floating-point operations of the matrix products that ran in `fn`, and the number of other kernel calls. */
export interface ProductCount {
  /** 2·m·n·k summed over every product (per batch entry). */
  readonly flops: number;
  readonly products: number;
  /** Kernel calls that are not products (element-wise ops, reductions, reshapes, Adam). */
  readonly otherCalls: number;
  /**
   * Bytes those other calls read and write: their inputs' and outputs' sizes (a 4-byte element each). Reshape and
   * Identity are left out: the cpu backend shares their input's data instead of copying it.
   */
  readonly otherBytes: number;
  /** The products grouped by shape, with how many calls had it (bench/floors.ts times each shape on its own). */
  readonly shapes: readonly ProductShape[];
}

/** One product's shape as it ran: `batch` products of op(a) m×k by op(b) k×n (op transposes where ta, tb). */
export interface ProductShape {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly ta: boolean;
  readonly tb: boolean;
  /** How many kernel calls ran this shape. */
  readonly calls: number;
}

/**
 * Counts the arithmetic of the matrix products run in `fn` from their operands' shapes: BatchMatMul (the composed
 * layers and every backward product), _FusedMatMul, and OtbookDense (lib/backend/kernels/dense.ts: x [(R,) B, k] ·
 * W [(R,) k, n]). A product m×k by k×n is 2·m·n·k operations, the count a BLAS rate is quoted in.
 */
export function countProducts(fn: () => void): ProductCount {
  let flops = 0;
  let products = 0;
  let otherCalls = 0;
  let otherBytes = 0;
  const shapes = new Map<string, ProductShape>();
  const restore = wrapKernels((kernelName, inner) => (args) => {
    const shape = productShape(kernelName, args);
    if (shape === null) {
      otherCalls++;
      const out = inner(args);
      if (!SHARED_DATA_KERNELS.has(kernelName)) {
        const infos = [...Object.values(args.inputs), ...(Array.isArray(out) ? out : [out])];
        for (const t of infos) if (t) otherBytes += 4 * t.shape.reduce((p, q) => p * q, 1);
      }
      return out;
    } else {
      flops += shapeFlops(shape);
      products++;
      const key = [shape.batch, shape.m, shape.n, shape.k, shape.ta, shape.tb].join(',');
      shapes.set(key, { ...shape, calls: (shapes.get(key)?.calls ?? 0) + 1 });
    }
    return inner(args);
  });
  try {
    fn();
  } finally {
    restore();
  }
  return { flops, products, otherCalls, otherBytes, shapes: [...shapes.values()] };
}

/** 2·m·n·k per batch entry: the count a BLAS rate is quoted in. */
export function shapeFlops(s: Omit<ProductShape, 'calls'>): number {
  return 2 * s.batch * s.m * s.n * s.k;
}

const SHARED_DATA_KERNELS = new Set(['Reshape', 'Identity']);
const PRODUCT_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', 'OtbookDense']);

function productShape(kernelName: string, args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): Omit<ProductShape, 'calls'> | null {
  if (!PRODUCT_KERNELS.has(kernelName)) return null;
  const [a, b] = kernelName === 'OtbookDense' ? [args.inputs.x, args.inputs.W] : [args.inputs.a, args.inputs.b];
  if (!a || !b) throw new Error(`${kernelName}: its two operands were not found among its inputs`);
  const ta = kernelName !== 'OtbookDense' && args.attrs?.transposeA === true;
  const tb = kernelName !== 'OtbookDense' && args.attrs?.transposeB === true;
  const sa = a.shape;
  const sb = b.shape;
  const m = ta ? sa[sa.length - 1] : sa[sa.length - 2];
  const k = ta ? sa[sa.length - 2] : sa[sa.length - 1];
  const n = tb ? sb[sb.length - 2] : sb[sb.length - 1];
  const batchOf = (s: readonly number[]) => s.slice(0, -2).reduce((p, q) => p * q, 1);
  return { batch: Math.max(batchOf(sa), batchOf(sb)), m, n, k, ta, tb };
}

export function profileKernels(fn: () => void): KernelTimes {
  const t = timeKernels();
  try {
    fn();
  } finally {
    t.restore();
  }
  return t.times();
}

/** profileKernels for work that awaits (a sweep's group timing). */
export async function profileKernelsAsync(fn: () => Promise<unknown>): Promise<KernelTimes> {
  const t = timeKernels();
  try {
    await fn();
  } finally {
    t.restore();
  }
  return t.times();
}
