import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { countProducts } from '../../bench/profile';
import { denseOp } from '../../lib/backend/kernels/dense';
import { installNativeKernels, loadNative, uninstallNativeKernels } from '../../lib/backend/kernels';

// bench/floors.ts divides these counts by the sgemm rate to get issue 15's floors: they must be 2·m·n·k per product.
test('countProducts counts 2·m·n·k for every product, whatever the transposes, batches and broadcasts', async () => {
  await tf.setBackend('cpu');
  const zeros = (...shape: number[]) => tf.zeros(shape);
  const plain = countProducts(() => void tf.tidy(() => tf.matMul(zeros(3, 4), zeros(4, 5))));
  assert.deepEqual({ ...plain, shapes: undefined }, { flops: 2 * 3 * 4 * 5, products: 1, otherCalls: 0, otherBytes: 0, shapes: undefined });
  assert.equal(countProducts(() => void tf.tidy(() => tf.matMul(zeros(4, 3), zeros(5, 4), true, true))).flops, 2 * 3 * 4 * 5);
  // A batch of 6 against one shared right operand (broadcast): six products.
  assert.equal(countProducts(() => void tf.tidy(() => tf.matMul(zeros(6, 3, 4), zeros(1, 4, 5)))).flops, 6 * 2 * 3 * 4 * 5);
  // No product: only other calls.
  const other = countProducts(() => void tf.tidy(() => tf.add(zeros(2), zeros(2))));
  assert.equal(other.flops, 0);
  assert.equal(other.products, 0);
  assert.ok(other.otherCalls >= 1);
});

test('countProducts reads the dense op and the backward pass of a layer: forward, ∂W and ∂x are one product each', async () => {
  await tf.setBackend('cpu');
  const native = loadNative().addon !== null && installNativeKernels();
  try {
    const [R, B, k, n] = [3, 8, 5, 7];
    const x = tf.ones([R, B, k]);
    const W = tf.ones([R, k, n]);
    const b = tf.zeros([R, n]);
    const one = 2 * R * B * k * n;
    assert.equal(countProducts(() => void tf.tidy(() => denseOp(x as tf.Tensor3D, W as tf.Tensor3D, b as tf.Tensor2D, 'relu'))).flops, one);
    const both = countProducts(() => void tf.tidy(() => tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(denseOp(xx as tf.Tensor3D, ww as tf.Tensor3D, b as tf.Tensor2D, 'relu')))([x, W])));
    assert.equal(both.flops, 3 * one, `native kernels: ${native}`);
    tf.dispose([x, W, b]);
  } finally {
    if (native) uninstallNativeKernels();
  }
});

// bench/floors.ts times each recorded shape alone and turns otherBytes into time at the copy rate.
test('countProducts records each product shape with its calls, and the bytes the other kernels read and write', async () => {
  await tf.setBackend('cpu');
  const a = tf.zeros([6, 3, 4]);
  const b = tf.zeros([6, 5, 4]);
  const c = tf.zeros([2, 7]);
  const count = countProducts(() => void tf.tidy(() => {
    tf.matMul(a, b, false, true);
    tf.matMul(a, b, false, true);
    tf.matMul(c, c, true, false);
    tf.add(c, c); // reads 2 × 14 floats, writes 14
    tf.reshape(c, [14]); // shares c's data: no bytes
  }));
  const byKey = new Map(count.shapes.map((s) => [`${s.batch} ${s.m}x${s.k}x${s.n} ${s.ta} ${s.tb}`, s.calls]));
  assert.deepEqual(Object.fromEntries(byKey), { '6 3x4x5 false true': 2, '1 7x2x7 true false': 1 });
  assert.equal(count.flops, 2 * (2 * 6 * 3 * 4 * 5) + 2 * 7 * 2 * 7);
  assert.equal(count.otherBytes, 4 * 3 * 14);
  tf.dispose([a, b, c]);
});
