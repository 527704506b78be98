import type * as tf from '@tensorflow/tfjs-core';

/**
 * Recycling the output buffers of our native cpu kernels. A training step allocates a few hundred
 * Float32Arrays of 0.5–1 MB; V8 frees them only in garbage collections that this external-memory
 * pressure triggers several times per outer iteration (measured: ~35% of the step's CPU time at d = 16).
 *
 * A buffer goes back to the pool when the tensor data holding it is deleted, but only if nothing else can
 * still see it. The cpu backend hands its internal arrays out (dataSync returns the array itself, and the
 * Slice kernel stores subarray views of its input), so the pool watches the backend: a buffer seen by
 * readSync/read (escaped), or registered a second time (a view, or the same array under another id), is
 * never recycled. Buffers the pool did not allocate are never touched.
 */
type State = 'fresh' | 'live' | 'blocked' | 'pooled';

interface CpuBackendHooks {
  data: { get(dataId: tf.DataId): { values?: unknown } | undefined; has(dataId: tf.DataId): boolean };
  write(values: unknown, shape: number[], dtype: tf.DataType): tf.DataId;
  move(dataId: tf.DataId, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  readSync(dataId: tf.DataId): unknown;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly state = new WeakMap<ArrayBufferLike, State>();
  private pooledBytes = 0;
  private hooked: CpuBackendHooks | null = null;
  /** Counters for tests and the bench. */
  readonly stats = { taken: 0, reused: 0, recycled: 0 };

  constructor(private readonly capBytes = 64 * 1024 * 1024) {}

  /** An array of n floats with arbitrary contents; the caller must overwrite all of it. */
  take(n: number): Float32Array {
    this.stats.taken++;
    const list = this.free.get(n);
    const a = list?.pop();
    if (a) {
      this.stats.reused++;
      this.pooledBytes -= a.byteLength;
      this.state.set(a.buffer, 'fresh');
      return a;
    }
    const b = new Float32Array(n);
    if (this.hooked) this.state.set(b.buffer, 'fresh');
    return b;
  }

  private registered(values: unknown): void {
    if (!ArrayBuffer.isView(values)) return;
    const s = this.state.get(values.buffer);
    if (s === undefined) return;
    const whole = values instanceof Float32Array && values.byteOffset === 0 && values.byteLength === values.buffer.byteLength;
    this.state.set(values.buffer, s === 'fresh' && whole ? 'live' : 'blocked');
  }

  private escaped(values: unknown): void {
    if (ArrayBuffer.isView(values) && this.state.has(values.buffer)) this.state.set(values.buffer, 'blocked');
  }

  private released(values: unknown): void {
    if (!(values instanceof Float32Array) || this.state.get(values.buffer) !== 'live') return;
    if (this.pooledBytes + values.byteLength > this.capBytes) {
      this.state.delete(values.buffer);
      return;
    }
    this.state.set(values.buffer, 'pooled');
    this.pooledBytes += values.byteLength;
    this.stats.recycled++;
    const list = this.free.get(values.length);
    if (list) list.push(values);
    else this.free.set(values.length, [values]);
  }

  /** Watches a cpu backend instance (own-property wrappers over its prototype methods). */
  attach(backend: CpuBackendHooks): void {
    if (this.hooked) return;
    const proto = Object.getPrototypeOf(backend) as CpuBackendHooks;
    const self = this;
    Object.assign(backend, {
      write(this: CpuBackendHooks, values: unknown, shape: number[], dtype: tf.DataType): tf.DataId {
        self.registered(values);
        return proto.write.call(this, values, shape, dtype);
      },
      move(this: CpuBackendHooks, dataId: tf.DataId, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void {
        self.registered(values);
        proto.move.call(this, dataId, values, shape, dtype, refCount);
      },
      readSync(this: CpuBackendHooks, dataId: tf.DataId): unknown {
        const v = proto.readSync.call(this, dataId);
        self.escaped(this.data.get(dataId)?.values);
        self.escaped(v);
        return v;
      },
      disposeData(this: CpuBackendHooks, dataId: tf.DataId, force?: boolean): boolean {
        const values = this.data.get(dataId)?.values;
        const r = proto.disposeData.call(this, dataId, force);
        if (r && values !== undefined && !this.data.has(dataId)) self.released(values);
        return r;
      },
    });
    this.hooked = backend;
  }

  /** Removes the wrappers and forgets the pooled buffers. */
  detach(): void {
    const b = this.hooked as unknown as Record<string, unknown> | null;
    if (b) for (const k of ['write', 'move', 'readSync', 'disposeData']) delete b[k];
    this.hooked = null;
    this.free.clear();
    this.pooledBytes = 0;
  }
}
