import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../lib/random';
import {
  adamImplementation, adamUpdate, adamUpdateComposed, installJsAdamKernel, installNativeKernels, loadNative,
  uninstallAdamKernel, uninstallNativeKernels, type AdamUpdateAttrs,
} from '../../lib/backend/kernels';
import { WASM_JS_ADAM_MAX_SIZE } from '../../lib/backend/kernels/adam';
import { assertClose } from './helpers';

// Agreement with the composed-ops reference to 1e-6 (scaled error |a − b|/(1 + |b|)): every implementation
// evaluates the same float32 expression; they differ by where intermediate results are rounded (JS keeps
// doubles), i.e. by a few ulps of O(1) parameters and of the moments.
const TOL = 1e-6;

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** torch.optim.Adam in double precision, written out directly: the independent truth. */
function adamF64(p: Float64Array, m: Float64Array, v: Float64Array, g: Float32Array, a: AdamUpdateAttrs & { readonly lr: number }): void {
  for (let i = 0; i < p.length; i++) {
    m[i] = a.beta1 * m[i] + (1 - a.beta1) * g[i];
    v[i] = a.beta2 * v[i] + (1 - a.beta2) * g[i] * g[i];
    const mhat = m[i] / (1 - a.beta1 ** a.step);
    const vhat = v[i] / (1 - a.beta2 ** a.step);
    p[i] -= (a.lr * mhat) / (Math.sqrt(vhat) + a.epsilon);
  }
}

interface Run {
  p: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** Five updates from the same start with the same gradients, through `update`. */
function run(n: number, hyper: Omit<AdamUpdateAttrs, "step"> & { readonly lr: number }, update: typeof adamUpdate): Run {
  const rng = new Rng(21);
  const p = tf.variable(tf.tensor1d(rng.fillNormal(new Float32Array(n))));
  const m = tf.variable(tf.zeros([n]), false);
  const v = tf.variable(tf.zeros([n]), false);
  for (let step = 1; step <= 5; step++) {
    // Gradients of several scales, zeros included (v = 0 exercises ε).
    const g = rng.fillNormal(new Float32Array(n), 0, step);
    for (let i = 0; i < n; i += 17) g[i] = 0;
    const gt = tf.tensor1d(g);
    update(p, gt, m, v, { ...hyper, step });
    gt.dispose();
  }
  const out = { p: Float32Array.from(p.dataSync()), m: Float32Array.from(m.dataSync()), v: Float32Array.from(v.dataSync()) };
  tf.dispose([p, m, v]);
  return out;
}

const HYPERS: Array<Omit<AdamUpdateAttrs, 'step'> & { readonly lr: number }> = [
  { lr: 1e-4, beta1: 0, beta2: 0.9, epsilon: 1e-8 }, // OTP App. E.1
  { lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
];

function compare(impl: string, got: Run, ref: Run): void {
  assertClose(got.p, ref.p, TOL, `${impl}: p`);
  assertClose(got.m, ref.m, TOL, `${impl}: m`);
  assertClose(got.v, ref.v, TOL, `${impl}: v`);
}

test('the composed reference is torch.optim.Adam (double-precision transcription)', () => {
  for (const hyper of HYPERS) {
    const n = 300;
    const ref = run(n, hyper, adamUpdateComposed);
    const rng = new Rng(21);
    const p = Float64Array.from(rng.fillNormal(new Float32Array(n)));
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    for (let step = 1; step <= 5; step++) {
      const g = rng.fillNormal(new Float32Array(n), 0, step);
      for (let i = 0; i < n; i += 17) g[i] = 0;
      adamF64(p, m, v, g, { ...hyper, step });
    }
    // float32 against double: O(1) parameters agree to ~1e-7. The check has teeth: the total movement
    // (5 steps of ≈ lr each) is far above the tolerance, and skipping the bias correction would change
    // the first steps by a factor 1/√(1 − β2) ≈ 3.
    assertClose(ref.p, p, 1e-6, 'composed p vs float64');
    assertClose(ref.m, m, 1e-6, 'composed m vs float64');
    assertClose(ref.v, v, 1e-6, 'composed v vs float64');
    const start = new Rng(21).fillNormal(new Float32Array(n));
    assert.ok(ref.p.some((x, i) => Math.abs(x - start[i]) > 100 * 1e-6 * (1 + Math.abs(start[i]))), 'parameters moved');
  }
});

test('cpu: the JS kernel and the native kernel agree with the composed reference', () => {
  for (const hyper of HYPERS) {
    const ref = run(1000, hyper, adamUpdateComposed);
    uninstallNativeKernels();
    assert.equal(installJsAdamKernel('cpu'), true);
    assert.equal(adamImplementation('cpu'), 'js-cpu');
    compare('js-cpu', run(1000, hyper, adamUpdate), ref);
    if (loadNative().addon) {
      assert.equal(installNativeKernels(), true);
      assert.equal(adamImplementation('cpu'), 'native');
      compare('native', run(1000, hyper, adamUpdate), ref);
      uninstallNativeKernels();
    }
    uninstallAdamKernel('cpu');
    assert.equal(adamImplementation('cpu'), 'composed');
  }
});

test('wasm: the JS kernel (small tensors) and the composed path (large) agree with the composed reference', async () => {
  await tf.setBackend('wasm');
  try {
    for (const hyper of HYPERS) {
      for (const n of [1000, WASM_JS_ADAM_MAX_SIZE + 1]) {
        uninstallAdamKernel('wasm');
        const ref = run(n, hyper, adamUpdateComposed);
        assert.equal(installJsAdamKernel('wasm'), true);
        assert.equal(adamImplementation('wasm'), 'js-wasm');
        compare(`js-wasm n=${n}`, run(n, hyper, adamUpdate), ref);
      }
    }
  } finally {
    uninstallAdamKernel('wasm');
    await tf.setBackend('cpu');
  }
});

test('in-place updates never reach buffers shared with other tensors or with the caller', async () => {
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    installJsAdamKernel(backend);
    if (backend === 'cpu' && loadNative().addon) installNativeKernels();
    const init = new Float32Array([1, 2, 3, 4]);
    const p = tf.variable(tf.tensor1d(init)); // on cpu, tf.tensor keeps `init` itself as the buffer
    const alias = tf.clone(p); // shares p's buffer (refCount 2)
    const m = tf.variable(tf.zeros([4]), false);
    const v = tf.variable(tf.zeros([4]), false);
    const g = tf.tensor1d([1, -1, 0.5, 0]);
    adamUpdate(p, g, m, v, { lr: 0.1, beta1: 0, beta2: 0.9, epsilon: 1e-8, step: 1 });
    assert.deepEqual(Array.from(init), [1, 2, 3, 4], `${backend}: the caller's array is untouched`);
    assert.deepEqual(Array.from(alias.dataSync()), [1, 2, 3, 4], `${backend}: a clone keeps the old values`);
    assertClose(p.dataSync(), [0.9, 2.1, 2.9, 4], 1e-6, `${backend}: p moved by lr·sign(g)`);
    const before = tf.memory().numTensors;
    for (let step = 2; step < 6; step++) adamUpdate(p, g, m, v, { lr: 0.1, beta1: 0, beta2: 0.9, epsilon: 1e-8, step });
    assert.equal(tf.memory().numTensors, before, `${backend}: no tensors leak`);
    tf.dispose([p, alias, m, v, g]);
    uninstallAdamKernel(backend);
    uninstallNativeKernels();
  }
  await tf.setBackend('cpu');
});

test('a parameter of R runs: per-run lr and frozen runs give, run by run, the update of that run alone (every implementation)', async () => {
  const [R, n] = [3, 40];
  const lr = [1e-3, 1e-1, 1e-2];
  const active = [true, false, true];
  const rng = new Rng(5);
  const start = rng.fillNormal(new Float32Array(R * n));
  const grads = [1, 2, 3].map(() => rng.fillNormal(new Float32Array(R * n)));
  /** Three updates of `values` (R runs, or one run's slice) with the given attrs. */
  const updates = (values: Float32Array, g: (s: number) => Float32Array, attrs: { lr: number | readonly number[]; active?: readonly boolean[] }, update: typeof adamUpdate): number[][] => {
    const shape = [values.length / n, n];
    const p = tf.variable(tf.tensor2d(values.slice(), shape as [number, number]));
    const m = tf.variable(tf.zeros(shape), false);
    const v = tf.variable(tf.zeros(shape), false);
    for (let step = 1; step <= 3; step++) {
      const gt = tf.tensor2d(g(step), shape as [number, number]);
      update(p, gt, m, v, { beta1: 0.5, beta2: 0.9, epsilon: 1e-8, step, ...attrs });
      gt.dispose();
    }
    const out = [p, m, v].map((t) => Array.from(t.dataSync()));
    tf.dispose([p, m, v]);
    return out;
  };
  const implementations: Array<[string, () => void | Promise<void>, typeof adamUpdate]> = [
    ['composed', () => uninstallAdamKernel('cpu'), adamUpdateComposed],
    ['js-cpu', () => { uninstallNativeKernels(); installJsAdamKernel('cpu'); }, adamUpdate],
    ...(loadNative().addon ? [['native', () => { installNativeKernels(); }, adamUpdate] as [string, () => void, typeof adamUpdate]] : []),
    ['js-wasm', async () => { await tf.setBackend('wasm'); installJsAdamKernel('wasm'); }, adamUpdate],
  ];
  try {
    for (const [impl, install, update] of implementations) {
      await install();
      const group = updates(start, (s) => grads[s - 1], { lr, active }, update);
      for (let r = 0; r < R; r++) {
        const slice = (a: Float32Array) => a.subarray(r * n, (r + 1) * n);
        const alone = active[r] ? updates(slice(start), (s) => slice(grads[s - 1]), { lr: lr[r] }, update) : [Array.from(slice(start)), new Array<number>(n).fill(0), new Array<number>(n).fill(0)];
        group.forEach((g, i) => assert.deepEqual(g.slice(r * n, (r + 1) * n), alone[i], `${impl}: run ${r}, ${['p', 'm', 'v'][i]}`));
      }
    }
  } finally {
    uninstallAdamKernel('wasm');
    uninstallNativeKernels();
    uninstallAdamKernel('cpu');
    await tf.setBackend('cpu');
  }
});

test('bad arguments are refused', () => {
  installJsAdamKernel('cpu');
  const p = tf.variable(tf.zeros([3]));
  const m = tf.variable(tf.zeros([3]), false);
  const v = tf.variable(tf.zeros([3]), false);
  assert.throws(() => adamUpdate(p, tf.zeros([4]), m, v, { lr: 1, beta1: 0, beta2: 0.9, epsilon: 1e-8, step: 1 }), /grad has shape \[4\]/);
  assert.throws(() => adamUpdate(p, tf.zeros([3]), m, v, { lr: 1, beta1: 0, beta2: 0.9, epsilon: 1e-8, step: 0 }), /step must be an integer ≥ 1/);
  uninstallAdamKernel('cpu');
});
