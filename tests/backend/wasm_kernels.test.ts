import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../lib/random';
import {
  installWasmIdentityPatch, installWasmMatMulPatch, uninstallWasmIdentityPatch, uninstallWasmMatMulPatch,
  wasmMatMulPatchInstalled,
} from '../../lib/backend/kernels';
import { assertClose, randn } from './helpers';

// Truth for each product: the cpu backend (an independent implementation) and the unpatched wasm kernel.
// 1e-5 scaled error: float32 dot products of ≤ 300 terms of O(1) values, summed in different orders.
const TOL = 1e-5;

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

/** Runs f on the given backend with host arrays in and out, so that the tensors never cross backends. */
async function onBackend(name: string, f: () => tf.Tensor): Promise<Float32Array> {
  const prev = tf.getBackend();
  await tf.setBackend(name);
  try {
    const t = tf.tidy(f);
    const v = Float32Array.from(t.dataSync());
    t.dispose();
    return v;
  } finally {
    await tf.setBackend(prev);
  }
}

interface Case {
  a: number[];
  b: number[];
  ta: boolean;
  tb: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  const shapes: Array<[number, number, number, number[], number[]]> = [
    // m, k, n, batch dims of a, batch dims of b
    [5, 7, 3, [], []],
    [128, 16, 64, [], []],
    [1, 33, 1, [], []],
    [64, 130, 17, [], []],
    [4, 6, 5, [3], [3]],
    [9, 20, 11, [2, 3], [2, 3]],
    [1, 8, 4, [5], [5]],
  ];
  for (const [m, k, n, ba, bb] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        out.push({ a: [...ba, ...(ta ? [k, m] : [m, k])], b: [...bb, ...(tb ? [n, k] : [k, n])], ta, tb });
      }
    }
  }
  return out;
}

test('patched wasm matMul equals the unpatched kernel and the cpu backend for all transpose combos', async () => {
  const rng = new Rng(1);
  for (const c of cases()) {
    const av = randn(rng, c.a);
    const bv = randn(rng, c.b);
    const [ad, bd] = [av.dataSync().slice(), bv.dataSync().slice()];
    av.dispose();
    bv.dispose();
    const product = (): tf.Tensor => tf.matMul(tf.tensor(ad, c.a), tf.tensor(bd, c.b), c.ta, c.tb);
    uninstallWasmMatMulPatch();
    const unpatched = await onBackend('wasm', product);
    assert.equal(installWasmMatMulPatch(), true);
    const patched = await onBackend('wasm', product);
    const cpu = await onBackend('cpu', product);
    const what = `matMul a=[${c.a}] b=[${c.b}] ta=${c.ta} tb=${c.tb}`;
    assertClose(patched, unpatched, TOL, `${what} vs unpatched`);
    assertClose(patched, cpu, TOL, `${what} vs cpu`);
  }
});

// (tfjs's cpu kernel itself gets mixed broadcasts such as [2,1,…]·[1,3,…] wrong, so only cases where one
// operand's batch is 1 or equal are checked against it.)
test('broadcast batch dimensions follow the cpu backend (the unpatched wasm kernel mis-indexes them)', async () => {
  assert.equal(installWasmMatMulPatch(), true);
  const rng = new Rng(2);
  for (const [sa, sb, ta, tb] of [
    [[1, 4, 6], [3, 6, 5], false, false],
    [[3, 6, 4], [1, 6, 5], true, false],
    [[2, 3, 4, 6], [1, 1, 5, 6], false, true],
    [[4, 6], [3, 6, 5], false, false],
  ] as Array<[number[], number[], boolean, boolean]>) {
    const ad = randn(rng, sa);
    const bd = randn(rng, sb);
    const [a, b] = [ad.dataSync().slice(), bd.dataSync().slice()];
    tf.dispose([ad, bd]);
    const product = (): tf.Tensor => tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb);
    const wasm = await onBackend('wasm', product);
    const cpu = await onBackend('cpu', product);
    assertClose(wasm, cpu, TOL, `broadcast matMul [${sa}]·[${sb}] ta=${ta} tb=${tb}`);
  }
});

// tfjs-backend-wasm 4.22's own fused kernel is wrong when a transpose flag and a bias come together (it
// differs from the cpu backend by O(1)); with the patch the flags never reach it. So the truth here is the cpu
// backend, and the unpatched wasm kernel only for products without bias.
test('fused matMul with bias and activation under transposes equals the cpu backend', async () => {
  const rng = new Rng(3);
  for (const [ta, tb] of [[false, true], [true, false], [true, true]]) {
    for (const activation of ['linear', 'relu', 'elu'] as const) {
      for (const withBias of [false, true]) {
        const a = randn(rng, ta ? [16, 8] : [8, 16]).dataSync().slice();
        const b = randn(rng, tb ? [12, 16] : [16, 12]).dataSync().slice();
        const bias = randn(rng, [12]).dataSync().slice();
        const f = (): tf.Tensor =>
          tf.fused.matMul({
            a: tf.tensor2d(a, ta ? [16, 8] : [8, 16]), b: tf.tensor2d(b, tb ? [12, 16] : [16, 12]), transposeA: ta, transposeB: tb,
            ...(withBias ? { bias: tf.tensor1d(bias) } : {}), activation,
          });
        const what = `fused ${activation} bias=${withBias} ta=${ta} tb=${tb}`;
        uninstallWasmMatMulPatch();
        const unpatched = await onBackend('wasm', f);
        installWasmMatMulPatch();
        const patched = await onBackend('wasm', f);
        const cpu = await onBackend('cpu', f);
        assertClose(patched, cpu, TOL, `${what} vs cpu`);
        if (!withBias) assertClose(patched, unpatched, TOL, `${what} vs unpatched`);
      }
    }
  }
});

/**
 * A potential V(y) = Σ_rows act(y·W1 + b1)·w2 and an R1-like penalty P(W1) = mean ‖∇_y V(y)‖², whose
 * gradient with respect to W1 is a gradient of a gradient: it runs matMuls with every transpose flag.
 * (softplus, not tanh: tfjs's second-order gradients through ops whose gradient reads their saved output —
 * tanh, sigmoid, exp, elu — are wrong or fail, with or without our kernels; see gradients.test.ts.)
 */
function penalty(y: tf.Tensor2D, b1: tf.Tensor1D, w2: tf.Tensor2D, act: (t: tf.Tensor) => tf.Tensor): (w1: tf.Tensor) => tf.Scalar {
  return (w1: tf.Tensor) => {
    const gradY = tf.grad((yy: tf.Tensor) => tf.sum(tf.matMul(act(tf.add(tf.matMul(yy as tf.Tensor2D, w1 as tf.Tensor2D), b1)) as tf.Tensor2D, w2)))(y);
    return tf.mean(tf.sum(tf.square(gradY), 1));
  };
}

for (const [name, act] of [['softplus', tf.softplus], ['relu', tf.relu]] as const) {
  test(`second-order gradients (${name}) through the patched matMul match the unpatched kernel and finite differences`, async () => {
    const rng = new Rng(4);
    const [d, h, n] = [3, 5, 4];
    const y = randn(rng, [n, d]).dataSync().slice();
    const w1 = randn(rng, [d, h], 0.7).dataSync().slice();
    const b1 = randn(rng, [h], 0.3).dataSync().slice();
    const w2 = randn(rng, [h, 1], 0.7).dataSync().slice();
    const pen = (): ((w: tf.Tensor) => tf.Scalar) => penalty(tf.tensor2d(y, [n, d]), tf.tensor1d(b1), tf.tensor2d(w2, [h, 1]), act);
    const gradP = (): tf.Tensor => tf.grad(pen())(tf.tensor2d(w1, [d, h]));
    uninstallWasmMatMulPatch();
    const unpatched = await onBackend('wasm', gradP);
    installWasmMatMulPatch();
    const patched = await onBackend('wasm', gradP);
    const cpu = await onBackend('cpu', gradP);
    assertClose(patched, unpatched, TOL, `d/dW1 mean‖∇_y V‖² (${name}) patched vs unpatched`);
    assertClose(patched, cpu, TOL, `d/dW1 mean‖∇_y V‖² (${name}) patched vs cpu`);
    // Central differences in float32: P is O(1) and smooth (piecewise linear in W1 for relu, and no unit
    // sits within eps of its kink here, which the relu case checks through the agreement itself); with step
    // 1e-2 the truncation error is O(1e-4), the rounding error O(1e-7/1e-2) = O(1e-5), so a 2e-3 scaled
    // error bound is safe, and a wrong transpose (an O(1) error) cannot meet it.
    let eps = 1e-2;
    if (name === 'relu') {
      // ‖∇_y V‖² jumps where a unit switches, so the step must not move any pre-activation across 0:
      // perturbing W1[i][j] by eps moves z[r][j] by eps·|y[r][i]|.
      let margin = Infinity;
      let ymax = 0;
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < h; j++) {
          let z = b1[j];
          for (let i = 0; i < d; i++) z += y[r * d + i] * w1[i * h + j];
          margin = Math.min(margin, Math.abs(z));
        }
        for (let i = 0; i < d; i++) ymax = Math.max(ymax, Math.abs(y[r * d + i]));
      }
      eps = Math.min(eps, (0.5 * margin) / ymax);
      assert.ok(eps >= 1e-3, `test precondition: pre-activations too close to the kink (margin ${margin})`);
    }
    const fd = new Float32Array(w1.length);
    for (let i = 0; i < w1.length; i++) {
      const plus = Float32Array.from(w1);
      const minus = Float32Array.from(w1);
      plus[i] += eps;
      minus[i] -= eps;
      const [fp] = await onBackend('wasm', () => pen()(tf.tensor2d(plus, [d, h])));
      const [fm] = await onBackend('wasm', () => pen()(tf.tensor2d(minus, [d, h])));
      fd[i] = (fp - fm) / (2 * eps);
    }
    assertClose(patched, fd, 2e-3, `d/dW1 mean‖∇_y V‖² (${name}) vs central differences`);
    assert.ok(fd.some((v) => Math.abs(v) > 1e-2), 'the test gradient is not trivially zero');
  });
}

test('Identity shares the buffer instead of copying, and disposal stays balanced', async () => {
  assert.equal(installWasmIdentityPatch(), true);
  const before = tf.memory().numTensors;
  const x = tf.tensor1d([1, 2, 3]);
  const c = tf.clone(x);
  assert.equal(c.dataId, x.dataId);
  x.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
  c.dispose();
  assert.equal(tf.memory().numTensors, before);
  // A gradient, which clones every saved tensor, is unchanged.
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, t)))(tf.tensor1d([1, -2]));
  assert.deepEqual(Array.from(g.dataSync()), [2, -4]);
  g.dispose();
  uninstallWasmIdentityPatch();
  const x2 = tf.tensor1d([4]);
  const c2 = tf.clone(x2);
  assert.notEqual(c2.dataId, x2.dataId);
  tf.dispose([x2, c2]);
});

test('install and uninstall are reversible and report their state', () => {
  assert.equal(installWasmMatMulPatch(), true);
  assert.equal(wasmMatMulPatchInstalled(), true);
  uninstallWasmMatMulPatch();
  assert.equal(wasmMatMulPatchInstalled(), false);
  assert.ok(tf.getKernel('BatchMatMul', 'wasm'), 'the original kernel is back');
});

test('no wasm memory leaks from the wrappers', async () => {
  installWasmMatMulPatch();
  const rng = new Rng(5);
  const a = randn(rng, [2, 6, 4]);
  const b = randn(rng, [2, 5, 6]);
  tf.matMul(a, b, true, true).dispose();
  const before = tf.memory().numTensors;
  const bytes = (tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds();
  for (let i = 0; i < 5; i++) tf.grad((x: tf.Tensor) => tf.sum(tf.matMul(x, b, true, true)))(a).dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.equal((tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds(), bytes);
  tf.dispose([a, b]);
});
