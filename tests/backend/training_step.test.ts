import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '../../lib/backend';
import { Rng } from '../../lib/random';
import {
  adamUpdate, adamUpdateComposed, installJsAdamKernel, installNativeKernels, installWasmIdentityPatch,
  installWasmMatMulPatch, loadNative, uninstallAdamKernel, uninstallNativeKernels, uninstallWasmIdentityPatch,
  uninstallWasmMatMulPatch,
} from '../../lib/backend/kernels';
import { assertClose } from './helpers';

/**
 * OTP's outer iteration (1 potential step, K_T map steps; App. E.1) on tiny networks, run with every kernel
 * set; the parameters after training must agree. This is the end-to-end check that the patches compose:
 * autodiff through them, the fused Adam's in-place updates (on wasm, XNNPACK caches packed weights by
 * tensor id, so a parameter changed in place would leave stale weights in later products), disposal.
 */
function train(update: typeof adamUpdate): Float32Array[] {
  const rng = new Rng(31);
  const [d, h, batch, kT] = [3, 16, 8, 3];
  const own = (t: () => tf.Tensor, trainable = true): tf.Variable => tf.tidy(() => tf.variable(t(), trainable));
  const lin = (i: number, o: number): tf.Variable[] => [
    own(() => tf.tensor2d(rng.fillNormal(new Float32Array(i * o), 0, 1 / Math.sqrt(i)), [i, o])),
    own(() => tf.tensor1d(rng.fillNormal(new Float32Array(o), 0, 0.1))),
  ];
  const T = [...lin(d, h), ...lin(h, d)];
  const V = [...lin(d, h), ...lin(h, 1)];
  const net = (p: tf.Variable[], x: tf.Tensor): tf.Tensor2D =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, p[0] as tf.Tensor2D), p[1])), p[2] as tf.Tensor2D), p[3]);
  const moments = (p: tf.Variable[]): tf.Variable[][] => p.map((q) => [own(() => tf.zerosLike(q), false), own(() => tf.zerosLike(q), false)]);
  const mT = moments(T);
  const mV = moments(V);
  const hyper = { lr: 1e-3, beta1: 0, beta2: 0.9, epsilon: 1e-8 };
  let tStep = 0;
  let vStep = 0;
  const sample = (shift: number): tf.Tensor2D => tf.tensor2d(rng.fillNormal(new Float32Array(batch * d), shift, 1), [batch, d]);
  for (let outer = 0; outer < 2; outer++) {
    const x = sample(0);
    const y = sample(2);
    const tx = tf.tidy(() => net(T, x));
    const gv = tf.variableGrads(() => tf.sub(tf.mean(net(V, tx)), tf.mean(net(V, y))), V);
    vStep++;
    V.forEach((p, i) => update(p, gv.grads[p.name], mV[i][0], mV[i][1], { ...hyper, step: vStep }));
    tf.dispose([x, y, tx, gv.value, gv.grads]);
    for (let j = 0; j < kT; j++) {
      const xs = sample(0);
      const gt = tf.variableGrads(() => {
        const t = net(T, xs);
        return tf.mean(tf.sub(tf.sum(tf.square(tf.sub(xs, t)), 1), tf.reshape(net(V, t), [-1])));
      }, T);
      tStep++;
      T.forEach((p, i) => update(p, gt.grads[p.name], mT[i][0], mT[i][1], { ...hyper, step: tStep }));
      tf.dispose([xs, gt.value, gt.grads]);
    }
  }
  const out = [...T, ...V].map((p) => Float32Array.from(p.dataSync()));
  tf.dispose([...T, ...V, ...mT.flat(), ...mV.flat()]);
  return out;
}

async function onBackend(name: string, setup: () => void, update: typeof adamUpdate): Promise<Float32Array[]> {
  await tf.setBackend(name);
  setup();
  const before = tf.memory().numTensors;
  const r = train(update);
  assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
  return r;
}

test('one training run gives the same parameters with every kernel set', async () => {
  const reference = await onBackend('cpu', () => { uninstallNativeKernels(); uninstallAdamKernel('cpu'); }, adamUpdateComposed);
  const runs: Array<[string, Float32Array[]]> = [];
  runs.push(['cpu + js adam', await onBackend('cpu', () => installJsAdamKernel('cpu'), adamUpdate)]);
  if (loadNative().addon) runs.push(['cpu + native', await onBackend('cpu', () => installNativeKernels(), adamUpdate)]);
  runs.push(['wasm unpatched', await onBackend('wasm', () => { uninstallWasmMatMulPatch(); uninstallWasmIdentityPatch(); uninstallAdamKernel('wasm'); }, adamUpdateComposed)]);
  runs.push(['wasm patched', await onBackend('wasm', () => { installWasmMatMulPatch(); installWasmIdentityPatch(); installJsAdamKernel('wasm'); }, adamUpdate)]);
  // Parameters move by up to lr·steps = 8e-3; kernels that sum in another order change gradients by
  // ~1e-6 relative, which Adam's normalised step turns into ≪ 1e-4 except for gradients near 0.
  for (const [name, params] of runs) params.forEach((p, i) => assertClose(p, reference[i], 1e-4, `${name}: parameter ${i}`));
  await tf.setBackend('cpu');
});
