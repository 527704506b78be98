import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../lib/random';
import { installNativeKernels, loadNative, nativeKernelsInstalled, uninstallNativeKernels, type NativeAddon } from '../../lib/backend/kernels';
import { smallGemmSetting } from '../../lib/backend/kernels/native';
import { denseOp } from '../../lib/backend/kernels/dense';
import { assertClose, randn } from './helpers';

// Every native kernel against the original JS kernel of the cpu backend on the same inputs. 1e-5 scaled
// error: float32 sums of ≤ 300 O(1) terms in another order (OpenBLAS blocks and vectorises them).
const TOL = 1e-5;
const { addon, reason } = loadNative();
const skip = addon ? false : `native addon not available: ${reason}`;

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** f's values with the JS kernels and with the native ones. */
function both(f: () => tf.Tensor): { js: Float32Array; native: Float32Array; shapeJs: number[]; shapeNative: number[] } {
  const run = (): [Float32Array, number[]] => {
    const t = tf.tidy(f);
    const r: [Float32Array, number[]] = [Float32Array.from(t.dataSync()), t.shape.slice()];
    t.dispose();
    return r;
  };
  uninstallNativeKernels();
  const [js, shapeJs] = run();
  assert.equal(installNativeKernels(), true);
  const [native, shapeNative] = run();
  return { js, native, shapeJs, shapeNative };
}

function check(f: () => tf.Tensor, what: string, tol = TOL): void {
  const r = both(f);
  assert.deepEqual(r.shapeNative, r.shapeJs, `${what}: shape`);
  assertClose(r.native, r.js, tol, what);
}

/** How often each named addon function is called while `f` runs with the native kernels installed. */
function countCalls(names: ReadonlyArray<keyof NativeAddon>, f: () => tf.Tensor): Record<string, number> {
  const a = addon as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = Object.fromEntries(names.map((k) => [k, a[k]]));
  const calls: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  for (const k of names) a[k] = (...args: unknown[]) => {
    calls[k]++;
    return saved[k].apply(a, args);
  };
  try {
    installNativeKernels();
    tf.tidy(f);
  } finally {
    Object.assign(a, saved);
  }
  return calls;
}

const data = (rng: Rng, shape: number[], scale = 1): Float32Array => {
  const t = randn(rng, shape, scale);
  const v = Float32Array.from(t.dataSync());
  t.dispose();
  return v;
};

test('matMul: all transpose combos, batched and broadcast shapes', { skip }, () => {
  const rng = new Rng(11);
  const shapes: Array<[number, number, number, number[], number[]]> = [
    [5, 7, 3, [], []], [128, 16, 64, [], []], [1, 33, 1, [], []], [64, 130, 17, [], []],
    [4, 6, 5, [3], [3]], [9, 20, 11, [2, 3], [2, 3]], [4, 6, 5, [1], [3]], [4, 6, 5, [3], [1]], [4, 6, 5, [], [3]],
    [3, 0, 4, [], []],
  ];
  for (const [m, k, n, ba, bb] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const sa = [...ba, ...(ta ? [k, m] : [m, k])];
        const sb = [...bb, ...(tb ? [n, k] : [k, n])];
        const a = data(rng, sa);
        const b = data(rng, sb);
        check(() => tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb), `matMul [${sa}]·[${sb}] ta=${ta} tb=${tb}`);
      }
    }
  }
  // int32 goes to the JS kernel
  check(() => tf.cast(tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32')), 'float32'), 'int32 matMul');
});

test('fused matMul: bias and every activation', { skip }, () => {
  const rng = new Rng(12);
  const a = data(rng, [8, 16]);
  const b = data(rng, [12, 16]);
  const bias = data(rng, [12]);
  const alpha = data(rng, [12], 0.1);
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
    check(
      () => tf.fused.matMul({
        a: tf.tensor2d(a, [8, 16]), b: tf.tensor2d(b, [12, 16]), transposeB: true, bias: tf.tensor1d(bias), activation,
        ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(alpha) } : {}), leakyreluAlpha: 0.3,
      }),
      `fused ${activation}`,
    );
  }
});

test('binary ops: every broadcast layout, and the ones handed back to JS', { skip }, () => {
  const rng = new Rng(13);
  const layouts: Array<[number[], number[]]> = [
    [[6, 5], [6, 5]], [[6, 5], [5]], [[5], [6, 5]], [[6, 5], []], [[], [6, 5]], [[6, 5], [6, 1]], [[6, 1], [6, 5]],
    [[6, 5], [1, 5]], [[2, 3, 4], [3, 4]], [[2, 3, 4], [2, 3, 1]], [[2, 3, 4], [2, 1, 1]],
    [[2, 1, 4], [1, 3, 1]], [[2, 3, 4], [2, 1, 4]], // general broadcasting: the JS kernel
  ];
  for (const op of ['add', 'sub', 'mul', 'div', 'squaredDifference'] as const) {
    for (const [sa, sb] of layouts) {
      const a = data(rng, sa);
      const b = data(rng, sb).map((v) => (op === 'div' ? v + Math.sign(v) * 0.5 : v));
      check(() => tf[op](tf.tensor(a, sa), tf.tensor(b, sb)), `${op} [${sa}] [${sb}]`);
    }
  }
  check(() => tf.cast(tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')), 'float32'), 'int32 add');
});

test('unary ops, NaN and signed zeros included', { skip }, () => {
  const rng = new Rng(14);
  const x = Float32Array.from([...data(rng, [40]), NaN, 0, -0, 7, 6, -1e-30]);
  check(() => tf.relu(tf.tensor1d(x)), 'relu');
  check(() => tf.relu6(tf.tensor1d(x)), 'relu6');
  check(() => tf.step(tf.tensor1d(x)), 'step');
  check(() => tf.step(tf.tensor1d(x), 0.3), 'step alpha');
  check(() => tf.square(tf.tensor1d(x)), 'square');
  check(() => tf.sqrt(tf.tensor1d(x)), 'sqrt (NaN below 0)');
  check(() => tf.neg(tf.tensor1d(x)), 'neg');
  const n = tf.tidy(() => tf.relu(tf.tensor1d([NaN])).dataSync()[0]);
  assert.ok(Number.isNaN(n), 'relu keeps NaN like the JS kernel');
});

test('sum over leading, trailing, all and odd axes, with keepDims', { skip }, () => {
  const rng = new Rng(15);
  const x = data(rng, [4, 5, 6]);
  for (const axis of [0, 1, 2, -1, [0, 1], [1, 2], [0, 1, 2], [0, 2], undefined] as Array<number | number[] | undefined>) {
    for (const keep of [false, true]) {
      check(() => tf.sum(tf.tensor3d(x, [4, 5, 6]), axis, keep), `sum axis=${JSON.stringify(axis)} keepDims=${keep}`);
    }
  }
  check(() => tf.mean(tf.tensor2d(x, [20, 6]), 0), 'mean axis 0');
  check(() => tf.cast(tf.sum(tf.tensor1d([1, 2, 3], 'int32')), 'float32'), 'int32 sum');
});

test('Sin and Cos: bit for bit the JS kernels (Math.sin, Math.cos), NaN, infinities, huge and tiny arguments included', { skip }, () => {
  // Spread 9: up to 10^5 (DIOTM's angles reach 1000 rad).
  const x = mixedFloats(31, 9, [NaN, Infinity, -Infinity, 0, -0, Math.fround(Math.PI), Math.fround(Math.PI / 2), 1e-45, 3.4e38, -3.4e38]);
  assert.ok(sameBits(tf.sin, x), 'native sin differs from the JS kernel');
  assert.ok(sameBits(tf.cos, x), 'native cos differs from the JS kernel');
  assert.deepEqual(countCalls(['trig'], () => tf.add(tf.sin(tf.tensor1d(x.subarray(0, 100))), tf.cos(tf.tensor1d(x.subarray(0, 100))))), { trig: 2 });
});

test('mean over trailing axes is bit for bit the JS kernel (divide, then add in double), in one native call; other axes go to the JS kernel', { skip }, () => {
  const rng = new Rng(16);
  // Values over many magnitudes, so that the order of rounding shows: x / n rounded to float before the sum.
  const x = Float32Array.from(data(rng, [24, 128, 3]), (v, i) => v * 10 ** ((i % 13) - 6));
  for (const axis of [-1, 2, [1, 2], [0, 1, 2], undefined, 0, 1, [0, 1]] as Array<number | number[] | undefined>) {
    for (const keep of [false, true]) {
      check(() => tf.mean(tf.tensor3d(x, [24, 128, 3]), axis, keep), `mean axis=${JSON.stringify(axis)} keepDims=${keep}`, 0);
    }
  }
  check(() => tf.mean(tf.tensor2d(x.subarray(0, 24 * 128), [24, 128]), -1), 'mean of a group\'s losses [24, 128]', 0);
  check(() => tf.mean(tf.tensor1d(x.subarray(0, 1000))), 'mean of a vector', 0);
  check(() => tf.mean(tf.tensor1d([1, 2, 4], 'int32')), 'int32 mean', 0);
  const special = both(() => tf.mean(tf.tensor2d([NaN, 1, Infinity, 2, -Infinity, Infinity], [3, 2]), -1));
  assert.deepEqual(Array.from(special.native), Array.from(special.js), 'NaN and ±Inf');
  const calls = countCalls(['meanRows'], () => tf.mean(tf.tensor2d(x.subarray(0, 24 * 128), [24, 128]), -1));
  assert.deepEqual(calls, { meanRows: 1 });
  assert.deepEqual(countCalls(['meanRows'], () => tf.mean(tf.tensor2d(x.subarray(0, 24 * 128), [24, 128]), 0)), { meanRows: 0 });
});

test('gradients of gradients through native kernels equal the JS kernels (ReLU MLP, R1-like penalty)', { skip }, () => {
  const rng = new Rng(16);
  const [n, d, h] = [16, 5, 32];
  const y = data(rng, [n, d]);
  const w1 = data(rng, [d, h], 0.5);
  const b1 = data(rng, [h], 0.1);
  const w2 = data(rng, [h, 1], 0.5);
  const f = (): tf.Tensor => {
    const W1 = tf.tensor2d(w1, [d, h]);
    const pen = (w: tf.Tensor): tf.Scalar => {
      const g = tf.grad((yy: tf.Tensor) => tf.sum(tf.matMul(tf.relu(tf.add(tf.matMul(yy as tf.Tensor2D, w as tf.Tensor2D), tf.tensor1d(b1))), tf.tensor2d(w2, [h, 1]))))(tf.tensor2d(y, [n, d]));
      return tf.mean(tf.sum(tf.square(g), 1));
    };
    return tf.grad(pen)(W1);
  };
  const r = both(f);
  assertClose(r.native, r.js, TOL, 'd/dW1 mean‖∇_y V‖²');
  assert.ok(r.js.some((v) => Math.abs(v) > 1e-3), 'the test gradient is not trivially zero');
});

/** 2^18 float32 values: a third of any bit pattern (NaNs and subnormals included), the rest normal × 10^(k − 3), k < spread; `special` first. */
function mixedFloats(seed: number, spread: number, special: readonly number[]): Float32Array {
  const n = 1 << 18;
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  const bits = new Uint32Array(x.buffer);
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) bits[i] = rng.nextUint32();
    else x[i] = rng.normal() * 10 ** ((i % spread) - 3);
  }
  x.set(special, 0);
  return x;
}

/** Whether op(x) has the same bits with the native kernels as with the JS ones. */
function sameBits(op: (t: tf.Tensor1D) => tf.Tensor, x: Float32Array): boolean {
  const values = () => {
    const t = op(tf.tensor1d(x));
    const v = new Uint8Array(Float32Array.from(t.dataSync()).buffer);
    t.dispose();
    return v;
  };
  uninstallNativeKernels();
  const js = values();
  installNativeKernels();
  return Buffer.from(values()).equals(Buffer.from(js));
}

test('Sigmoid: bit for bit the JS kernel (Math.exp in double), NaN, infinities, zeros and extremes included', { skip }, () => {
  const x = mixedFloats(29, 7, [NaN, Infinity, -Infinity, 0, -0, 88.7, -88.7, 745, -745, 3.4e38, -3.4e38, 1e-45]);
  assert.ok(sameBits(tf.sigmoid, x), 'native sigmoid differs from the JS kernel');
  // Gradients through it (the second-order fix recomputes sigmoid from x) match too.
  check(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, tf.sigmoid(v))))(tf.tensor1d(x.subarray(12, 2000))), 'd/dx silu', 0);
});

test('SplitV and Concat along the last axis are copies of what the JS kernels give', { skip }, () => {
  const rng = new Rng(31);
  const x = data(rng, [2, 5, 9]);
  for (const sizes of [[4, 5], [2, 3, 4], [9]]) {
    sizes.forEach((_, k) => check(() => tf.split(tf.tensor3d(x, [2, 5, 9]), sizes, -1)[k], `split ${sizes} part ${k}`, 0));
  }
  // Another axis goes to the JS kernel.
  check(() => tf.split(tf.tensor3d(x, [2, 5, 9]), [2, 3], 1)[1], 'split on a middle axis', 0);
  // Concat along the last axis, narrow and wide parts, and on another axis.
  const y = data(rng, [2, 5, 20]);
  check(() => tf.concat([tf.tensor3d(x, [2, 5, 9]), tf.tensor3d(y, [2, 5, 20]), tf.tensor3d(x, [2, 5, 9])], -1), 'concat on the last axis', 0);
  check(() => tf.concat([tf.tensor3d(x, [2, 5, 9]), tf.tensor3d(x, [2, 5, 9])], 0), 'concat on the first axis', 0);
});

test('the dense op of a group of runs ([R, B, k]·[R, k, n] + [R, n]): each run exactly as the op on that run alone, gradients of gradients included', { skip }, () => {
  const rng = new Rng(23);
  const [R, n, d, h] = [3, 12, 4, 24];
  const x = data(rng, [R, n, d]);
  const w1 = data(rng, [R, d, h], 0.5);
  const b1 = data(rng, [R, h], 0.3);
  const w2 = data(rng, [R, h, 2], 0.5);
  const b2 = data(rng, [R, 2], 0.1);
  const run = <T extends tf.Tensor>(v: Float32Array, shape: number[], r: number | null): T =>
    (r === null ? tf.tensor(v, shape) : tf.tensor(v.subarray((r * v.length) / R, ((r + 1) * v.length) / R), [1, ...shape.slice(1)])) as T;
  // A two-layer net and an R1-like penalty d/dW1 mean‖∇_x net‖² on the group (r = null) or on run r alone.
  const net = (xx: tf.Tensor3D, W1: tf.Tensor3D, r: number | null): tf.Tensor3D =>
    denseOp(denseOp(xx, W1, run(b1, [R, h], r), 'relu'), run(w2, [R, h, 2], r), run(b2, [R, 2], r), 'linear');
  const outputs = (r: number | null): tf.Tensor[] => {
    const xx = run<tf.Tensor3D>(x, [R, n, d], r);
    const W = run<tf.Tensor3D>(w1, [R, d, h], r);
    const B = run<tf.Tensor2D>(b1, [R, h], r);
    return [
      net(xx, W, r),
      tf.grad((w: tf.Tensor) => tf.sum(tf.square(net(xx, w as tf.Tensor3D, r))))(W),
      tf.grad((b: tf.Tensor) => tf.sum(tf.square(denseOp(xx, W, b, 'relu'))))(B),
      tf.grad((v: tf.Tensor) => tf.sum(tf.square(net(v as tf.Tensor3D, W, r))))(xx),
      tf.grad((w: tf.Tensor) => {
        const g = tf.grad((v: tf.Tensor) => tf.sum(net(v as tf.Tensor3D, w as tf.Tensor3D, r)))(xx);
        return tf.mean(tf.sum(tf.square(g), -1), -1);
      })(W),
    ];
  };
  const values = (r: number | null): number[][] => tf.tidy(() => outputs(r).map((t) => Array.from(t.dataSync())));
  installNativeKernels();
  const group = values(null);
  for (let r = 0; r < R; r++) {
    const alone = values(r);
    group.forEach((g, i) => assert.deepEqual(g.slice((r * g.length) / R, ((r + 1) * g.length) / R), alone[i], `output ${i}, run ${r}`));
  }
  // The same numbers as the composed ops of the JS kernels (another summation order: within TOL).
  for (let i = 0; i < 5; i++) check(() => outputs(null)[i], `group output ${i} against the JS kernels`);
  // One native call per layer for all runs, and one per bias gradient.
  const calls = countCalls(['denseForwardBatch', 'sumRowsBatch'], () =>
    tf.grad((b: tf.Tensor) => tf.sum(denseOp(tf.tensor3d(x, [R, n, d]), tf.tensor3d(w1, [R, d, h]), b, 'relu')))(tf.tensor2d(b1, [R, h])),
  );
  assert.deepEqual(calls, { denseForwardBatch: 1, sumRowsBatch: 1 });
});

test('the fused dense op (OtbookDense): values, gradients and gradients of gradients equal matMul + add + relu', { skip }, () => {
  const rng = new Rng(17);
  const [n, d, h] = [16, 5, 32];
  const x = data(rng, [n, d]);
  const w1 = data(rng, [d, h], 0.5);
  const b1 = data(rng, [h], 0.3);
  const w2 = data(rng, [h, 3], 0.5);
  const b2 = data(rng, [3], 0.1);
  const net = (xx: tf.Tensor2D, W1: tf.Tensor2D, B1: tf.Tensor1D | null, act: 'relu' | 'linear'): tf.Tensor2D =>
    denseOp(denseOp(xx, W1, B1, act), tf.tensor2d(w2, [h, 3]), tf.tensor1d(b2), 'linear');
  for (const act of ['relu', 'linear'] as const) {
    for (const withBias of [true, false]) {
      const what = `${act}, ${withBias ? 'bias' : 'no bias'}`;
      const args = (): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D | null] => [tf.tensor2d(x, [n, d]), tf.tensor2d(w1, [d, h]), withBias ? tf.tensor1d(b1) : null];
      check(() => { const [xx, W, B] = args(); return net(xx, W, B, act); }, `value: ${what}`);
      check(() => { const [xx, W, B] = args(); return tf.grad((w: tf.Tensor) => tf.sum(tf.square(net(xx, w as tf.Tensor2D, B, act))))(W); }, `d/dW1: ${what}`);
      check(() => { const [xx, W, B] = args(); return tf.grad((v: tf.Tensor) => tf.sum(tf.square(net(v as tf.Tensor2D, W, B, act))))(xx); }, `d/dx: ${what}`);
      if (withBias) check(() => { const [xx, W, B] = args(); return tf.grad((b: tf.Tensor) => tf.sum(tf.square(net(xx, W, b as tf.Tensor1D, act))))(B as tf.Tensor1D); }, `d/db1: ${what}`);
      // R1-like penalty: d/dW1 of mean‖∇_x Σ net(x)‖² (a gradient of a gradient through the op).
      check(() => {
        const [xx, W, B] = args();
        return tf.grad((w: tf.Tensor) => {
          const g = tf.grad((v: tf.Tensor) => tf.sum(net(v as tf.Tensor2D, w as tf.Tensor2D, B, act)))(xx);
          return tf.mean(tf.sum(tf.square(g), 1));
        })(W);
      }, `d/dW1 of mean‖∇_x net‖²: ${what}`);
    }
  }
  // The op runs as one native call per layer while the addon is installed, and a ReLU layer's backward pass
  // makes one reluGrad call.
  const calls = countCalls(['denseForward', 'reluGrad'], () =>
    tf.grad((w: tf.Tensor) => tf.sum(net(tf.tensor2d(x, [n, d]), w as tf.Tensor2D, tf.tensor1d(b1), 'relu')))(tf.tensor2d(w1, [d, h])),
  );
  assert.deepEqual(calls, { denseForward: 2, reluGrad: 1 });
  const a = addon as NonNullable<typeof addon>;
  // reluGrad's NaN and signed-zero handling equals Step then Multiply.
  const dy = Float32Array.from([1, -2, 3, NaN, -0, 5]);
  const y = Float32Array.from([0.5, 0, -1, 2, 3, NaN]);
  const out = new Float32Array(6);
  a.reluGrad(dy, y, out);
  check(() => tf.mul(tf.tensor1d(dy), tf.step(tf.tensor1d(y))), 'step·multiply reference');
  assert.deepEqual(Array.from(out), Array.from(tf.tidy(() => tf.mul(tf.tensor1d(dy), tf.step(tf.tensor1d(y)))).dataSync()));
});

test('install reports itself; the BLAS thread count can be set', { skip }, () => {
  assert.equal(installNativeKernels(), true);
  assert.equal(nativeKernelsInstalled(), true);
  const before = addon?.numThreads() ?? 1;
  addon?.setNumThreads(1);
  assert.equal(addon?.numThreads(), 1);
  addon?.setNumThreads(before);
  assert.throws(() => addon?.gemm(false, false, 2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4), 1, null, null), /too short/);
  uninstallNativeKernels();
  assert.equal(nativeKernelsInstalled(), false);
});

test('the common layouts run natively and the others fall back (so the comparisons above test both)', { skip }, () => {
  const a = addon as NonNullable<typeof addon>;
  const calls = { gemm: 0, binary: 0, unary: 0, reduceSum: 0 };
  const saved = { gemm: a.gemm, binary: a.binary, unary: a.unary, reduceSum: a.reduceSum };
  const spy = a as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const k of Object.keys(calls) as Array<keyof typeof calls>) {
    spy[k] = (...args: unknown[]) => {
      calls[k]++;
      return (saved[k] as (...x: unknown[]) => unknown).apply(a, args);
    };
  }
  try {
    installNativeKernels();
    tf.tidy(() => {
      const x = tf.ones([4, 3]);
      tf.matMul(x, x, true, false);
      tf.add(x, tf.ones([3]));
      tf.mul(x, tf.ones([4, 1]));
      tf.relu(x);
      tf.sum(x, 0);
      tf.sum(x, 1);
    });
    assert.deepEqual(calls, { gemm: 1, binary: 2, unary: 1, reduceSum: 2 });
    tf.tidy(() => {
      tf.add(tf.ones([2, 1, 4]), tf.ones([1, 3, 1]));
      tf.sum(tf.ones([2, 3, 4]), [0, 2]);
      tf.add(tf.ones([2], 'int32'), tf.ones([2], 'int32'));
    });
    assert.deepEqual(calls, { gemm: 1, binary: 2, unary: 1, reduceSum: 2 });
  } finally {
    Object.assign(a, saved);
  }
});

test('the output-buffer pool reuses buffers, but never one that escaped or is viewed elsewhere', { skip }, async () => {
  const { nativePool } = await import('../../lib/backend/kernels/native');
  assert.equal(installNativeKernels({ pool: true }), true);
  const x = tf.ones([64, 64]);
  // Reuse: the buffer of a disposed result comes back for the next result of the same size.
  const before = nativePool.stats.reused;
  for (let i = 0; i < 5; i++) tf.tidy(() => tf.relu(tf.relu(x)));
  assert.ok(nativePool.stats.reused > before, 'buffers are reused');
  // Escaped: an array from dataSync keeps its values after the tensor is gone and many kernels ran.
  const r = tf.add(x, x);
  const seen = r.dataSync();
  r.dispose();
  for (let i = 0; i < 5; i++) tf.tidy(() => tf.mul(tf.add(x, tf.scalar(3)), tf.scalar(-1)));
  assert.ok(seen.every((v) => v === 2), 'a dataSync result is never recycled');
  // Viewed: a simple slice is a subarray view of its input on the cpu backend.
  const s = tf.tidy(() => {
    const big = tf.add(x, tf.scalar(5));
    return tf.slice(big, [0, 0], [1, 64]);
  });
  for (let i = 0; i < 5; i++) tf.tidy(() => tf.add(x, tf.scalar(-7)));
  assert.ok(s.dataSync().every((v) => v === 6), 'a slice view keeps its values');
  tf.dispose([x, s]);
  uninstallNativeKernels();
});

test('the small-dimension products (d ≤ 4 into a layer, ≤ 2 out of it) equal a float64 product in every transpose layout, and so does sgemm beside them', { skip }, () => {
  const a = addon as NativeAddon;
  const rng = new Rng(11);
  const before = a.smallGemm();
  assert.equal(before, 4, 'default threshold');
  // (m, n, k): each of the three small cases (k ≤ 4; n ≤ 2; m ≤ 2), a dimension of 1, the thresholds and one above
  // them, lengths that are not multiples of the 8-wide partial sums, and small operands too big for the stack
  // scratch (they go to sgemm).
  const shapes: Array<[number, number, number]> = [
    [128, 256, 2], [37, 130, 1], [5, 9, 4], [6, 9, 5], [128, 2, 256], [130, 1, 37], [9, 3, 9], [2, 256, 128], [1, 37, 130],
    [3, 300, 9], [16, 16, 16], [40, 5000, 4], [10000, 2, 40], [2, 40, 10000], [1, 1, 1],
  ];
  try {
    for (const [m, n, k] of shapes) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const A = rng.fillNormal(new Float32Array(m * k), 0, 1);
          const B = rng.fillNormal(new Float32Array(k * n), 0, 1);
          const opA = (i: number, kk: number) => (ta ? A[kk * m + i] : A[i * k + kk]);
          const opB = (kk: number, j: number) => (tb ? B[j * k + kk] : B[kk * n + j]);
          const exact = new Float64Array(m * n);
          const scale = new Float64Array(m * n);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              let abs = 0;
              for (let kk = 0; kk < k; kk++) {
                s += opA(i, kk) * opB(kk, j);
                abs += Math.abs(opA(i, kk) * opB(kk, j));
              }
              exact[i * n + j] = s;
              scale[i * n + j] = abs;
            }
          }
          for (const threshold of [4, 0]) {
            a.setSmallGemm(threshold);
            const out = new Float32Array(m * n).fill(Number.NaN);
            a.gemm(ta, tb, m, n, k, A, B, out, 1, null, null);
            for (let x = 0; x < m * n; x++) {
              const err = Math.abs(out[x] - exact[x]);
              assert.ok(err <= 1e-6 * (1 + scale[x]), `m=${m} n=${n} k=${k} ta=${ta} tb=${tb} small=${threshold}: [${x}] ${out[x]} vs ${exact[x]} (Σ|terms| ${scale[x]})`);
            }
          }
        }
      }
    }
    assert.throws(() => a.setSmallGemm(-1), /maxDim must be an integer >= 0/);
  } finally {
    a.setSmallGemm(before);
  }
});

test('OTBOOK_NATIVE_SMALL_GEMM: unset keeps the default, an integer >= 0 sets it, anything else is one clear error', () => {
  assert.equal(smallGemmSetting({}), null);
  assert.equal(smallGemmSetting({ OTBOOK_NATIVE_SMALL_GEMM: '' }), null);
  assert.equal(smallGemmSetting({ OTBOOK_NATIVE_SMALL_GEMM: '0' }), 0);
  assert.equal(smallGemmSetting({ OTBOOK_NATIVE_SMALL_GEMM: '16' }), 16);
  for (const bad of ['-1', '2.5', 'yes']) assert.throws(() => smallGemmSetting({ OTBOOK_NATIVE_SMALL_GEMM: bad }), /OTBOOK_NATIVE_SMALL_GEMM must be an integer >= 0.*got '/);
});
