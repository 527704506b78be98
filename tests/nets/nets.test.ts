import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../lib/random';
import { CONVEX_NONDECREASING, countParameters, icnnPotential, mlpMap, mlpPotential, residualMap, timePotential } from '../../lib/nets';
import { useTestBackend } from '../helpers/tf';

before(() => useTestBackend());

test('ICNN: f(y) = α‖y‖² − V(y) is convex along random segments, for every allowed activation', () => {
  const alpha = 0.7;
  for (const activation of CONVEX_NONDECREASING) {
    for (const seed of [1, 2]) {
      const rng = new Rng(seed);
      const d = 5;
      // Large raw weights so that the nets are far from linear: convexity must hold by construction.
      const V = icnnPotential(rng, d, { hidden: [16, 16, 8], activation, alpha });
      for (const p of V.params) p.variable.assign(tf.mul(p.variable, 4));
      const segments = 200;
      const ts = [0, 0.13, 0.5, 0.71, 1];
      const a = tf.tensor3d(rng.fillNormal(new Float32Array(segments * d), 0, 2), [1, segments, d]);
      const b = tf.tensor3d(rng.fillNormal(new Float32Array(segments * d), 0, 2), [1, segments, d]);
      const f = (y: tf.Tensor3D) => tf.sub(tf.mul(alpha, tf.sum(tf.square(y), -1)), V.value(y)).dataSync();
      const fa = f(a);
      const fb = f(b);
      for (const t of ts) {
        const ft = f(tf.add(tf.mul(1 - t, a), tf.mul(t, b)) as tf.Tensor3D);
        for (let i = 0; i < segments; i++) {
          const chord = (1 - t) * fa[i] + t * fb[i];
          assert.ok(ft[i] <= chord + 1e-3 * (1 + Math.abs(chord)), `${activation}, seed ${seed}: f((1−t)a + tb) = ${ft[i]} > chord ${chord} at t = ${t}`);
        }
      }
      V.dispose();
    }
  }
});

test('ICNN rejects an activation that is not convex and non-decreasing', () => {
  assert.throws(() => icnnPotential(new Rng(1), 2, { hidden: [4], activation: 'tanh', alpha: 1 }), /convex and non-decreasing/);
});

test('an MLP that is not convex fails the same segment check (the check can fail)', () => {
  const rng = new Rng(4);
  const V = mlpPotential(rng, 2, [32], 'tanh');
  for (const p of V.params) p.variable.assign(tf.mul(p.variable, 5));
  const n = 500;
  const a = tf.tensor3d(rng.fillNormal(new Float32Array(2 * n)), [1, n, 2]);
  const b = tf.tensor3d(rng.fillNormal(new Float32Array(2 * n)), [1, n, 2]);
  const fa = V.value(a).dataSync();
  const fb = V.value(b).dataSync();
  const fm = V.value(tf.add(tf.mul(0.5, a), tf.mul(0.5, b)) as tf.Tensor3D).dataSync();
  let violations = 0;
  for (let i = 0; i < n; i++) if (fm[i] > 0.5 * fa[i] + 0.5 * fb[i] + 1e-3) violations++;
  assert.ok(violations > 10, `only ${violations} violations`);
});

test('shapes and parameter counts of the paper networks', () => {
  const rng = new Rng(1);
  // App. E.1: one hidden ReLU layer of width 1024 at d = 16: T: 16·1024 + 1024 + 1024·16 + 16.
  const T = mlpMap(rng, 16, { hidden: [1024] });
  assert.equal(countParameters(T), 16 * 1024 + 1024 + 1024 * 16 + 16);
  const Ts = mlpMap(rng, 16, { hidden: [1024], noiseDim: 16 });
  assert.equal(countParameters(Ts), 32 * 1024 + 1024 + 1024 * 16 + 16);
  const x = tf.zeros([1, 7, 16]) as tf.Tensor3D;
  assert.deepEqual(T.apply(x).shape, [1, 7, 16]);
  assert.deepEqual(Ts.apply(x, tf.zeros([1, 7, 16]) as tf.Tensor3D).shape, [1, 7, 16]);
  assert.throws(() => Ts.apply(x), /noise z is required/);
  const V = timePotential(rng, 2);
  assert.deepEqual(V.value(tf.ones([1, 7]) as tf.Tensor2D, tf.zeros([1, 7, 2]) as tf.Tensor3D).shape, [1, 7]);
  const R = residualMap(rng, 2, { noiseDim: 2 });
  assert.deepEqual(R.apply(tf.zeros([1, 3, 2]) as tf.Tensor3D, tf.zeros([1, 3, 2]) as tf.Tensor3D).shape, [1, 3, 2]);
  // A group of 4 runs: parameters [4, …], one run's count per run.
  const group = mlpMap([1, 2, 3, 4].map((s) => new Rng(s)), 16, { hidden: [1024] });
  assert.equal(group.runs, 4);
  assert.deepEqual(group.params[0].variable.shape, [4, 16, 1024]);
  assert.equal(countParameters(group), countParameters(T));
  assert.deepEqual(group.apply(tf.zeros([4, 7, 16]) as tf.Tensor3D).shape, [4, 7, 16]);
});

test('a net of a group: run r is initialised from its own Rng as the net of that run alone is, and select(r) is that run', () => {
  const seeds = [5, 6, 7];
  const V = mlpPotential(seeds.map((s) => new Rng(s)), 3, [8, 8]);
  const x = tf.tensor3d(new Rng(1).fillNormal(new Float32Array(3 * 10 * 3)), [3, 10, 3]);
  const groupValues = V.value(x).arraySync();
  seeds.forEach((seed, r) => {
    const alone = mlpPotential(new Rng(seed), 3, [8, 8]);
    alone.params.forEach((p, i) => assert.deepEqual(Array.from(p.variable.dataSync()), Array.from(V.params[i].variable.dataSync()).slice(r * p.variable.size, (r + 1) * p.variable.size)));
    const xr = tf.slice(x, [r, 0, 0], [1, 10, 3]) as tf.Tensor3D;
    assert.deepEqual(alone.value(xr).arraySync()[0], groupValues[r]);
    const selected = V.select(r);
    assert.deepEqual(selected.value(xr).arraySync()[0], groupValues[r]);
    selected.dispose();
    alone.dispose();
  });
  V.dispose();
});

test('initialisation follows PyTorch nn.Linear: weights and biases in ±1/√fan_in', () => {
  const T = mlpMap(new Rng(2), 64, { hidden: [256] });
  const [W0, b0] = T.params.map((p) => p.variable.dataSync());
  const bound = 1 / Math.sqrt(64);
  const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
  assert.ok(maxAbs(W0) <= bound && maxAbs(W0) > 0.95 * bound);
  assert.ok(maxAbs(b0) <= bound);
});
