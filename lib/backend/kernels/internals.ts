import * as tf from '@tensorflow/tfjs-core';

/**
 * The few internals of tfjs's cpu and wasm backends (4.22) that our kernels touch, as structural types.
 * Everything that reaches into a backend goes through the checks here, so that a tfjs upgrade that changes
 * them makes the patches decline (install returns false) instead of misbehaving.
 */

export interface CpuTensorData {
  values?: unknown;
  dtype: tf.DataType;
  refCount: number;
}

export interface CpuBackendLike {
  data: { get(dataId: tf.DataId): CpuTensorData | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  refCount(dataId: tf.DataId): number;
}

export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: tf.DataType;
  refCount: number;
}

export interface WasmModuleLike {
  HEAPU8: Uint8Array;
  cwrap(name: string, ret: null | 'number', args: string[]): (...args: unknown[]) => unknown;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

export interface WasmBackendLike {
  wasm: WasmModuleLike;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: tf.DataId): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  refCount(dataId: tf.DataId): number;
  incRef(dataId: tf.DataId): void;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

export function asCpuBackend(b: unknown): CpuBackendLike | null {
  if (!isObject(b)) return null;
  const data = b.data;
  if (!isObject(data) || typeof data.get !== 'function') return null;
  if (typeof b.makeTensorInfo !== 'function' || typeof b.disposeData !== 'function') return null;
  return b as unknown as CpuBackendLike;
}

export function asWasmBackend(b: unknown): WasmBackendLike | null {
  if (!isObject(b)) return null;
  const w = b.wasm;
  const m = b.dataIdMap;
  if (!isObject(w) || !isObject(m) || typeof m.get !== 'function') return null;
  if (!(w.HEAPU8 instanceof Uint8Array) || typeof w.cwrap !== 'function' || !isObject(w.tfjs)) return null;
  if (typeof b.makeOutput !== 'function' || typeof b.dataIdNextNumber !== 'number') return null;
  return b as unknown as WasmBackendLike;
}

/** The Float32Array that the cpu backend stores for a float32 tensor, or null. */
export function cpuValues(backend: CpuBackendLike, t: tf.TensorInfo): Float32Array | null {
  const d = backend.data.get(t.dataId);
  return d && d.values instanceof Float32Array ? d.values : null;
}

/** A view of a float32 tensor in the wasm heap (valid until the next allocation that grows the heap). */
export function wasmF32(backend: WasmBackendLike, t: tf.TensorInfo): Float32Array {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('otbook kernels: tensor not on the wasm backend');
  return new Float32Array(backend.wasm.HEAPU8.buffer, d.memoryOffset, tf.util.sizeFromShape(t.shape));
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * For each flat index of a broadcast batch shape `outer`, the flat index into an operand whose batch shape
 * `own` broadcasts to it (numpy rules: leading axes missing, axes of size 1 repeated).
 */
export function broadcastBatchIndex(outer: readonly number[], own: readonly number[]): Int32Array {
  const n = sizeOf(outer);
  const idx = new Int32Array(n);
  const pad = outer.length - own.length;
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    let j = 0;
    let stride = 1;
    for (let ax = outer.length - 1; ax >= 0; ax--) {
      const coord = rem % outer[ax];
      rem = Math.floor(rem / outer[ax]);
      const o = ax - pad;
      if (o >= 0) {
        if (own[o] !== 1) j += coord * stride;
        stride *= own[o];
      }
    }
    idx[flat] = j;
  }
  return idx;
}
