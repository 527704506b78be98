import * as tf from '@tensorflow/tfjs-core';
import { asCpuBackend, asWasmBackend, cpuValues, wasmF32 } from './internals';
import { replaceKernel, restoreKernel } from './registry';

/**
 * A fused Adam update, as a tfjs kernel named `OtbookAdamUpdate` so that each backend can carry its own
 * implementation (JS over the cpu backend's arrays, JS over the wasm heap, C in the native addon) and any
 * other backend (tfjs-node, webgl) falls back to composed tfjs ops. One call replaces the ~12 element-wise
 * kernels (and their allocations) of a composed update by a single pass over the parameter.
 *
 * The update is PyTorch's Adam (torch.optim.Adam, no weight decay, no amsgrad), step t counted from 1:
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,
 *   p ← p − lr·ĉ1·m / (√(ĉ2·v) + ε),   ĉ1 = 1/(1 − β1ᵗ), ĉ2 = 1/(1 − β2ᵗ).
 * (tf.train.adam differs: ε defaults to 1e-7 and it accumulates β powers in float32.)
 *
 * Kernel contract, for every backend that registers one: inputs {param, grad, m, v} (float32, one shape),
 * attrs AdamUpdateAttrs. It updates m and v in place, and either updates param in place and returns [] or
 * returns [newParam], which adamUpdate assigns to the variable. In-place writes are safe only into buffers
 * that nobody else sees; adamUpdate guarantees that before calling the kernel (see ensureOwned).
 */
export const ADAM_UPDATE_KERNEL = 'OtbookAdamUpdate';

export interface AdamUpdateAttrs {
  /** The step size; for a parameter of R runs ([R, …]) it may be one per run. */
  readonly lr: number | readonly number[];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 1 for the first update. */
  readonly step: number;
  /**
   * For a parameter of R runs ([R, …], lib/runs.ts): which runs to update. Absent, or all true: every element.
   * A run that is false keeps its parameter and moments unchanged (a diverged run of a group is frozen).
   */
  readonly active?: readonly boolean[];
}

/**
 * Calls f(start, end, lr) for the element ranges to update and their step sizes: [0, size) once when every run
 * is updated with one lr, else the slice of each active run (of R equal slices) with its own lr. Each element
 * gets the same arithmetic either way: the update is element-wise.
 */
export function forRunSlices(size: number, attrs: Pick<AdamUpdateAttrs, 'lr' | 'active'>, f: (start: number, end: number, lr: number) => void): void {
  const { lr, active } = attrs;
  if ((!active || active.every(Boolean)) && typeof lr === 'number') {
    f(0, size, lr);
    return;
  }
  const runs = active?.length ?? (lr as readonly number[]).length;
  const per = size / runs;
  for (let r = 0; r < runs; r++) if (!active || active[r]) f(r * per, (r + 1) * per, typeof lr === 'number' ? lr : lr[r]);
}

export type AdamImplementation = 'native' | 'js-cpu' | 'js-wasm' | 'composed';

interface AdamKernelArgs {
  inputs: { param: tf.TensorInfo; grad: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo };
  backend: unknown;
  attrs: AdamUpdateAttrs;
}
export type AdamKernelFunc = (args: AdamKernelArgs) => tf.TensorInfo[];

/** Bias-correction factors in double precision (the same numbers for every implementation). */
export function adamFactors(a: AdamUpdateAttrs): { c1: number; c2: number } {
  if (!(a.step >= 1) || !Number.isInteger(a.step)) throw new Error(`adamUpdate: step must be an integer ≥ 1, got ${a.step}`);
  return { c1: 1 / (1 - a.beta1 ** a.step), c2: 1 / (1 - a.beta2 ** a.step) };
}

/** The loop shared by the cpu and wasm JS kernels; `out` may alias `p` (in place). */
export function adamLoop(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, out: Float32Array, a: AdamUpdateAttrs & { readonly lr: number },
): void {
  const { c1, c2 } = adamFactors(a);
  const b1 = a.beta1;
  const b2 = a.beta2;
  const ob1 = 1 - b1;
  const ob2 = 1 - b2;
  const step = a.lr * c1;
  const eps = a.epsilon;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + ob1 * gi;
    const vi = b2 * v[i] + ob2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i] - (step * m[i]) / (Math.sqrt(c2 * v[i]) + eps);
  }
}

const cpuAdam: AdamKernelFunc = ({ inputs, backend, attrs }) => {
  const b = asCpuBackend(backend);
  if (!b) throw new Error('OtbookAdamUpdate(cpu): not the cpu backend');
  const [p, g, m, v] = [inputs.param, inputs.grad, inputs.m, inputs.v].map((t) => cpuValues(b, t));
  if (!p || !g || !m || !v) throw new Error('OtbookAdamUpdate(cpu): float32 inputs expected');
  forRunSlices(p.length, attrs, (s, e, lr) => adamLoop(p.subarray(s, e), g.subarray(s, e), m.subarray(s, e), v.subarray(s, e), p.subarray(s, e), { ...attrs, lr }));
  return [];
};

/**
 * The wasm backend's XNNPACK matMul caches weights packed from a tensor's buffer under the tensor's id, so a
 * parameter must never change in place there: the new parameter goes to a fresh buffer. m and v are ours.
 */
const wasmAdam: AdamKernelFunc = ({ inputs, backend, attrs }) => {
  const b = asWasmBackend(backend);
  if (!b) throw new Error('OtbookAdamUpdate(wasm): not the wasm backend');
  const out = b.makeOutput(inputs.param.shape.slice(), 'float32');
  // Views are taken after the allocation, which may have grown (and detached) the heap.
  const [p, g, m, v, o] = [inputs.param, inputs.grad, inputs.m, inputs.v, out].map((t) => wasmF32(b, t));
  if (attrs.active) o.set(p); // frozen runs keep their values
  forRunSlices(p.length, attrs, (s, e, lr) => adamLoop(p.subarray(s, e), g.subarray(s, e), m.subarray(s, e), v.subarray(s, e), o.subarray(s, e), { ...attrs, lr }));
  return [out];
};

/**
 * Above this many elements the composed update wins on wasm: its kernels are SIMD C++ (≈0.4 ns per element
 * and op here) against ≈12 ns per element for a JS loop over the heap, while the JS loop saves the ≈110 µs
 * of dispatching a dozen kernels. Measured crossover on the 2-core dev machine: 8k–16k elements.
 */
export const WASM_JS_ADAM_MAX_SIZE = 16384;

/** The JS kernels by backend; native.ts replaces the cpu one with C when the addon is built. */
export const JS_ADAM_KERNELS: Readonly<Record<string, AdamKernelFunc>> = { cpu: cpuAdam, wasm: wasmAdam };

const implementationOf = new Map<string, AdamImplementation>();

/** Registers the JS Adam kernel for a backend; true when it did. */
export function installJsAdamKernel(backendName: string): boolean {
  const k = JS_ADAM_KERNELS[backendName];
  if (!k) return false;
  replaceKernel(ADAM_UPDATE_KERNEL, backendName, k as unknown as tf.KernelFunc);
  implementationOf.set(backendName, backendName === 'cpu' ? 'js-cpu' : 'js-wasm');
  return true;
}

/** Used by native.ts. */
export function installAdamKernel(backendName: string, k: AdamKernelFunc, impl: AdamImplementation): void {
  replaceKernel(ADAM_UPDATE_KERNEL, backendName, k as unknown as tf.KernelFunc);
  implementationOf.set(backendName, impl);
}

export function uninstallAdamKernel(backendName: string): void {
  restoreKernel(ADAM_UPDATE_KERNEL, backendName);
  implementationOf.delete(backendName);
}

/**
 * Which implementation adamUpdate uses on a backend (default: the active one). 'js-wasm' applies to
 * parameters of at most WASM_JS_ADAM_MAX_SIZE elements; larger ones take the composed update.
 */
export function adamImplementation(backendName: string = tf.getBackend()): AdamImplementation {
  return tf.getKernel(ADAM_UPDATE_KERNEL, backendName) ? implementationOf.get(backendName) ?? 'composed' : 'composed';
}

// Buffers that adamUpdate has made private. tf.tensor(typedArray) keeps the caller's array on the cpu
// backend, and tf.clone/reshape/variable share a buffer (backend refCount > 1); in-place writes must not
// reach any of those, so the first update of a buffer copies it.
const owned = new WeakSet<object>();

function ensureOwned(x: tf.Variable): void {
  const backend = tf.engine().backend;
  if (owned.has(x.dataId) && backend.refCount(x.dataId) === 1) return;
  const fresh = tf.engine().makeTensor(x.dataSync().slice(), x.shape, x.dtype);
  x.assign(fresh);
  fresh.dispose();
  owned.add(x.dataId);
}

function check(param: tf.Variable, grad: tf.Tensor, m: tf.Variable, v: tf.Variable): void {
  for (const [name, t] of [['grad', grad], ['m', m], ['v', v]] as const) {
    if (!tf.util.arraysEqual(t.shape, param.shape)) {
      throw new Error(`adamUpdate: ${name} has shape [${t.shape}], parameter ${param.name} has [${param.shape}]`);
    }
  }
  for (const t of [param, grad, m, v]) if (t.dtype !== 'float32') throw new Error(`adamUpdate: float32 expected, got ${t.dtype}`);
}

/** The same update as composed tfjs ops: the reference for tests and the fallback for other backends. */
export function adamUpdateComposed(param: tf.Variable, grad: tf.Tensor, m: tf.Variable, v: tf.Variable, attrs: AdamUpdateAttrs): void {
  check(param, grad, m, v);
  const { c1, c2 } = adamFactors(attrs);
  tf.tidy(() => {
    const active = attrs.active && !attrs.active.every(Boolean) ? attrs.active : null;
    // Frozen runs keep their values: the new value where the run is active, the old one elsewhere.
    const keep = (t: tf.Variable, next: tf.Tensor): tf.Tensor =>
      active ? tf.where(tf.tensor(active.map(Number), [active.length, ...t.shape.slice(1).map(() => 1)], 'bool'), next, t) : next;
    const m1 = tf.add(tf.mul(tf.scalar(attrs.beta1), m), tf.mul(tf.scalar(1 - attrs.beta1), grad));
    const v1 = tf.add(tf.mul(tf.scalar(attrs.beta2), v), tf.mul(tf.scalar(1 - attrs.beta2), tf.square(grad)));
    const denom = tf.add(tf.sqrt(tf.mul(tf.scalar(c2), v1)), tf.scalar(attrs.epsilon));
    const lr = attrs.lr;
    const step = typeof lr === 'number' ? tf.scalar(lr * c1) : tf.tensor(lr.map((l) => l * c1), [lr.length, ...param.shape.slice(1).map(() => 1)]);
    const p1 = tf.sub(param, tf.div(tf.mul(step, m1), denom));
    m.assign(keep(m, m1));
    v.assign(keep(v, v1));
    param.assign(keep(param, p1));
  });
}

/**
 * One Adam step on `param` with gradient `grad` and moment variables `m`, `v` (created by the caller, e.g.
 * tf.variable(tf.zerosLike(param), false)), updated in place. Call outside any gradient tape.
 */
export function adamUpdate(param: tf.Variable, grad: tf.Tensor, m: tf.Variable, v: tf.Variable, attrs: AdamUpdateAttrs): void {
  const backendName = tf.getBackend();
  const kernel = tf.getKernel(ADAM_UPDATE_KERNEL, backendName);
  if (!kernel || (implementationOf.get(backendName) === 'js-wasm' && param.size > WASM_JS_ADAM_MAX_SIZE)) {
    adamUpdateComposed(param, grad, m, v, attrs);
    return;
  }
  check(param, grad, m, v);
  ensureOwned(param);
  ensureOwned(m);
  ensureOwned(v);
  const outs = (kernel.kernelFunc as unknown as AdamKernelFunc)({
    inputs: { param, grad, m, v },
    backend: tf.engine().backend,
    attrs,
  });
  if (outs.length === 1) {
    const t = tf.engine().makeTensorFromTensorInfo(outs[0]);
    param.assign(t);
    t.dispose();
    owned.add(param.dataId);
  }
}
