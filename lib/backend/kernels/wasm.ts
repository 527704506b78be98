import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, sizeOf, type WasmBackendLike, broadcastBatchIndex } from './internals';
import { isReplaced, originalKernel, replaceKernel, restoreKernel } from './registry';

/**
 * wasm matMul without slow paths. tfjs-backend-wasm 4.22 runs XNNPACK only for an unbatched product with
 * neither transpose flag set; anything else goes to a scalar triple loop (≈1 GFLOP/s with transposeB,
 * ≈0.4 with transposeA, against ≈20 through XNNPACK). A dense layer's backward pass uses the flagged forms
 * (dX = dY·Wᵀ, dW = Xᵀ·dY), so do gradients of gradients. These wrappers transpose explicitly (the wasm
 * Transpose kernel, memory-bound and cheap) and run each batch through XNNPACK. Working at kernel level,
 * every matMul benefits — inside tf.grad, tf.variableGrads and nested gradients — with autodiff unchanged.
 *
 * A side fix: the unpatched kernel mis-indexes broadcast batch dimensions ([1,m,k]·[3,k,n]); ours broadcasts
 * like the cpu backend.
 */

type Kernel = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => tf.TensorInfo;

type WasmMatMulFn = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: number, transposeB: number, outId: number,
) => void;

const matMulFns = new WeakMap<object, WasmMatMulFn>();

function wasmMatMul(backend: WasmBackendLike): WasmMatMulFn {
  let f = matMulFns.get(backend.wasm);
  if (!f) {
    f = backend.wasm.cwrap('BatchMatMul', null, [
      'number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number',
    ]) as unknown as WasmMatMulFn;
    matMulFns.set(backend.wasm, f);
  }
  return f;
}

function kernelOf(name: string): Kernel {
  const k = originalKernel(name, 'wasm');
  if (!k) throw new Error(`otbook kernels: wasm kernel ${name} is not registered`);
  return k.kernelFunc as unknown as Kernel;
}

function transposeLast2(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  const r = x.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return kernelOf('Transpose')({ inputs: { x }, backend, attrs: { perm } });
}

const shapeBytes = (s: number[]): Uint8Array => new Uint8Array(new Int32Array(s).buffer);

/** Registers a tensor id in the wasm backend's C++ table that points into existing memory (no copy). */
function view(backend: WasmBackendLike, offset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, offset);
  return id;
}

/**
 * out[i] = a[i]·b[i] for non-transposed a [..., m, k] and b [..., k, n] (batch dims broadcast), one XNNPACK
 * product per batch on views of the operands. Views get fresh ids: XNNPACK caches packed weights by the id
 * of b, so reusing a real tensor's id under another shape would be unsafe.
 */
function batchedXnn(backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const m = a.shape[a.shape.length - 2];
  const k = a.shape[a.shape.length - 1];
  const n = b.shape[b.shape.length - 1];
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = sizeOf(outer);
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const aData = backend.dataIdMap.get(a.dataId);
  const bData = backend.dataIdMap.get(b.dataId);
  const oData = backend.dataIdMap.get(out.dataId);
  if (!aData || !bData || !oData) throw new Error('otbook kernels: wasm tensor missing');
  const ia = broadcastBatchIndex(outer, outerA);
  const ib = broadcastBatchIndex(outer, outerB);
  const f = wasmMatMul(backend);
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  for (let i = 0; i < batch; i++) {
    const va = view(backend, aData.memoryOffset + ia[i] * m * k * 4, m * k);
    const vb = view(backend, bData.memoryOffset + ib[i] * k * n * 4, k * n);
    const vo = view(backend, oData.memoryOffset + i * m * n * 4, m * n);
    f(va, aShape, 3, vb, bShape, 3, 0, 0, vo);
    backend.wasm.tfjs.disposeData(va);
    backend.wasm.tfjs.disposeData(vb);
    backend.wasm.tfjs.disposeData(vo);
  }
  return out;
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const attrs = args.attrs ?? {};
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const backend = asWasmBackend(args.backend);
  const batched = a.shape.length > 2 || b.shape.length > 2 ? sizeOf(a.shape.slice(0, -2)) > 1 || sizeOf(b.shape.slice(0, -2)) > 1 : false;
  const empty = sizeOf(a.shape) === 0 || sizeOf(b.shape) === 0;
  if (!backend || empty || a.dtype !== 'float32' || b.dtype !== 'float32' || (!transposeA && !transposeB && !batched)) {
    return kernelOf('BatchMatMul')(args);
  }
  const a2 = transposeA ? transposeLast2(a, backend) : a;
  const b2 = transposeB ? transposeLast2(b, backend) : b;
  try {
    if (batched) {
      const ka = a2.shape[a2.shape.length - 1];
      const kb = b2.shape[b2.shape.length - 2];
      if (ka !== kb) throw new Error(`Error in matMul: inner shapes (${ka}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
      return batchedXnn(backend, a2, b2);
    }
    return kernelOf('BatchMatMul')({ inputs: { a: a2, b: b2 }, backend, attrs: { transposeA: false, transposeB: false } });
  } finally {
    if (a2 !== a) backend.disposeData(a2.dataId);
    if (b2 !== b) backend.disposeData(b2.dataId);
  }
}

function fusedMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const attrs = args.attrs ?? {};
  const backend = asWasmBackend(args.backend);
  if (!backend || (attrs.transposeA !== true && attrs.transposeB !== true) || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return kernelOf('_FusedMatMul')(args);
  }
  const a2 = attrs.transposeA === true ? transposeLast2(a, backend) : a;
  const b2 = attrs.transposeB === true ? transposeLast2(b, backend) : b;
  try {
    return kernelOf('_FusedMatMul')({
      inputs: { ...args.inputs, a: a2, b: b2 },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
  } finally {
    if (a2 !== a) backend.disposeData(a2.dataId);
    if (b2 !== b) backend.disposeData(b2.dataId);
  }
}

/**
 * tf.clone — which the engine calls on every input and output it saves for the backward pass — copies the
 * tensor on wasm (the cpu backend shares it). Tensors are immutable, so sharing the buffer with a reference
 * count, as the wasm Reshape kernel already does, is enough.
 */
function identity(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const backend = asWasmBackend(args.backend);
  if (!backend || x.dtype === 'string' || !backend.dataIdMap.get(x.dataId)) return kernelOf('Identity')(args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

const PATCHED = ['BatchMatMul', '_FusedMatMul'] as const;

/** Installs the wasm matMul wrappers; false when the wasm backend or its kernels are not there. */
export function installWasmMatMulPatch(): boolean {
  if (!asWasmBackend(tf.findBackend('wasm'))) return false;
  for (const name of [...PATCHED, 'Transpose']) if (!originalKernel(name, 'wasm')) return false;
  replaceKernel('BatchMatMul', 'wasm', batchMatMul as unknown as tf.KernelFunc);
  replaceKernel('_FusedMatMul', 'wasm', fusedMatMul as unknown as tf.KernelFunc);
  return true;
}

export function uninstallWasmMatMulPatch(): void {
  for (const name of PATCHED) restoreKernel(name, 'wasm');
}

export function wasmMatMulPatchInstalled(): boolean {
  return isReplaced('BatchMatMul', 'wasm');
}

/** wasm Identity without the copy; false when the wasm backend is not there. */
export function installWasmIdentityPatch(): boolean {
  if (!asWasmBackend(tf.findBackend('wasm')) || !originalKernel('Identity', 'wasm')) return false;
  replaceKernel('Identity', 'wasm', identity as unknown as tf.KernelFunc);
  return true;
}

export function uninstallWasmIdentityPatch(): void {
  restoreKernel('Identity', 'wasm');
}
