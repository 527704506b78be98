import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../lib/backend';
import { Rng } from '../../lib/random';
import { installSecondOrderGradientFixes, uninstallSecondOrderGradientFixes } from '../../lib/backend/kernels';
import { assertClose, randn } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const X = [0.3, -0.7, 1.2, -1.9, 2.5];
const sig = (x: number): number => 1 / (1 + Math.exp(-x));

// f, f', f'' in closed form (points away from the kinks of leakyRelu/relu6 at 0 and 6).
const CASES: Array<[string, (t: tf.Tensor) => tf.Tensor, (x: number) => number, (x: number) => number]> = [
  ['tanh', tf.tanh, (x) => 1 - Math.tanh(x) ** 2, (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)],
  ['sigmoid', tf.sigmoid, (x) => sig(x) * (1 - sig(x)), (x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x))],
  ['exp', tf.exp, Math.exp, Math.exp],
  ['elu', tf.elu, (x) => (x > 0 ? 1 : Math.exp(x)), (x) => (x > 0 ? 0 : Math.exp(x))],
  ['leakyRelu', (t) => tf.leakyRelu(t, 0.1), (x) => (x > 0 ? 1 : 0.1), () => 0],
  ['relu6', tf.relu6, (x) => (x > 0 && x < 6 ? 1 : 0), () => 0],
  ['tanh via exp', (t) => tf.sub(tf.div(tf.scalar(2), tf.add(tf.scalar(1), tf.exp(tf.mul(tf.scalar(-2), t)))), tf.scalar(1)),
    (x) => 1 - Math.tanh(x) ** 2, (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)],
];

test('first and second derivatives of smooth activations match closed forms', () => {
  installSecondOrderGradientFixes();
  for (const [name, f, d1, d2] of CASES) {
    const x = tf.tensor1d(X);
    const first = tf.grad((u: tf.Tensor) => tf.sum(f(u)))(x);
    const second = tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(f(u)))(t)))(x);
    // float32 evaluation of O(1) closed forms: 1e-5 scaled error.
    assertClose(first.dataSync(), X.map(d1), 1e-5, `${name}'`);
    assertClose(second.dataSync(), X.map(d2), 1e-5, `${name}''`);
    tf.dispose([x, first, second]);
  }
});

test('first derivatives are the same as with tfjs\'s own gradients', () => {
  const rng = new Rng(41);
  const x = randn(rng, [50], 2);
  for (const [name, f] of CASES) {
    uninstallSecondOrderGradientFixes();
    const ref = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(f(u), u)))(x);
    installSecondOrderGradientFixes();
    const fixed = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(f(u), u)))(x);
    assertClose(fixed.dataSync(), ref.dataSync(), 1e-6, `${name}: first derivative`);
    tf.dispose([ref, fixed]);
  }
  x.dispose();
});

test('an R1-like penalty on a tanh network: gradient with respect to the weights matches finite differences', () => {
  installSecondOrderGradientFixes();
  const rng = new Rng(42);
  const [n, d, h] = [6, 3, 5];
  const y = randn(rng, [n, d]);
  const b1 = randn(rng, [h], 0.3);
  const w2 = randn(rng, [h, 1], 0.7);
  const w1 = Float32Array.from(randn(rng, [d, h], 0.7).dataSync());
  const pen = (w: tf.Tensor): tf.Scalar => {
    const g = tf.grad((yy: tf.Tensor) => tf.sum(tf.matMul(tf.tanh(tf.add(tf.matMul(yy as tf.Tensor2D, w as tf.Tensor2D), b1)), w2 as tf.Tensor2D)))(y);
    return tf.mean(tf.sum(tf.square(g), 1));
  };
  const grad = tf.grad(pen)(tf.tensor2d(w1, [d, h])).dataSync();
  // Central differences of a smooth O(1) function in float32 with step 1e-2: truncation O(1e-4),
  // rounding O(1e-5); without the fix the analytic gradient misses whole terms (errors O(0.1–1)).
  const eps = 1e-2;
  const fd = Array.from(w1, (_, i) => {
    const p = Float32Array.from(w1);
    const m = Float32Array.from(w1);
    p[i] += eps;
    m[i] -= eps;
    return tf.tidy(() => (pen(tf.tensor2d(p, [d, h])).dataSync()[0] - pen(tf.tensor2d(m, [d, h])).dataSync()[0]) / (2 * eps));
  });
  assertClose(grad, fd, 2e-3, 'd/dW1 mean‖∇_y V‖² (tanh network)');
  assert.ok(fd.some((v) => Math.abs(v) > 1e-2), 'the test gradient is not trivially zero');
});
