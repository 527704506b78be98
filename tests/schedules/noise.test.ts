import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import {
  linearSigma,
  noiseAt,
  normalTensor,
  scheduleProgressRaw,
  smoothPoints,
  smoothTensor,
  validateNoiseSchedule,
  vpEpsilon,
  type NoiseSchedule,
} from '../../lib/schedules';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

// OTP App. E.1: σ_max = 0.2, σ_min = 0.05, P = 2000, K = 20000.
const E1 = { sigmaMax: 0.2, sigmaMin: 0.05, period: 2000, totalIterations: 20_000 };

test('Eq. 38 (ceiling): k = 0, period boundaries P−1, P, P+1, and the last iterations, by hand', () => {
  // σ = 0.2 − 0.15·t with t = (P⌈k/P⌉ + 1)/K
  close(linearSigma(0, E1), 0.1999925); // t = 1/20000
  close(linearSigma(1, E1), 0.1849925); // ⌈1/2000⌉ = 1: t = 2001/20000 — the level changes right after k = 0
  close(linearSigma(1999, E1), 0.1849925); // k = P − 1: t = 2001/20000
  close(linearSigma(2000, E1), 0.1849925); // k = P: ⌈1⌉ = 1, same level
  close(linearSigma(2001, E1), 0.1699925); // k = P + 1: t = 4001/20000
  close(linearSigma(18_000, E1), 0.0649925); // t = 18001/20000
  close(scheduleProgressRaw(19_999, 2000, 20_000), 1.00005); // raw t exceeds 1 in the last period …
  close(linearSigma(18_001, E1), 0.05); // … so it is clamped: the last period runs at exactly σ_min
  close(linearSigma(19_999, E1), 0.05); // last iteration (0-based)
  close(linearSigma(20_000, E1), 0.05); // Algorithm 1's extra iteration k = K
});

test('Eq. 38 read with floor instead: never overshoots, never reaches σ_min', () => {
  const f = { ...E1, rounding: 'floor' as const };
  close(linearSigma(0, f), 0.1999925);
  close(linearSigma(1999, f), 0.1999925); // ⌊1999/2000⌋ = 0
  close(linearSigma(2000, f), 0.1849925);
  close(linearSigma(2001, f), 0.1849925);
  close(linearSigma(19_999, f), 0.0649925); // t = 18001/20000 < 1
});

test('Eq. 39 (VP, β_max = 2, β_min = 0.2, P = 100, K = 1000): ε_k = 1 − exp(−0.9 t² − 0.2 t), t = 1 − (P⌈k/P⌉ + 1)/K', () => {
  const vp = { sigmaMax: 2, sigmaMin: 0.2, period: 100, totalIterations: 1000 };
  // exponents worked out by hand: 0.9·t² + 0.2·t
  close(vpEpsilon(0, vp), 1 - Math.exp(-1.0980009)); // t = 0.999
  close(vpEpsilon(99, vp), 1 - Math.exp(-0.9071809)); // t = 0.899
  close(vpEpsilon(100, vp), 1 - Math.exp(-0.9071809)); // same period
  close(vpEpsilon(101, vp), 1 - Math.exp(-0.7343609)); // t = 0.799
  close(vpEpsilon(900, vp), 1 - Math.exp(-0.0286209)); // t = 0.099
  // last period: raw t = −0.001 would give ε < 0 (√ε = NaN); clamped to t = 0, ε = 0
  assert.equal(vpEpsilon(901, vp), 0);
  assert.equal(vpEpsilon(999, vp), 0);
  assert.ok(0.66 < vpEpsilon(0, vp) && vpEpsilon(0, vp) < 0.67);
});

test('both schedules are non-increasing in k and stay within their bounds', () => {
  const vp = { sigmaMax: 2, sigmaMin: 0.2, period: 7, totalIterations: 100 };
  const lin = { sigmaMax: 2, sigmaMin: 0.5, period: 7, totalIterations: 100 };
  let prevS = Infinity;
  let prevE = Infinity;
  for (let k = 0; k <= 100; k++) {
    const s = linearSigma(k, lin);
    const e = vpEpsilon(k, vp);
    assert.ok(s <= prevS && s >= 0.5 && s <= 2);
    assert.ok(e <= prevE && e >= 0 && e < 1);
    prevS = s;
    prevE = e;
  }
  assert.equal(linearSigma(99, lin), 0.5); // 99 > K − P: ⌈99/7⌉ = 15, t = 106/100 → clamped
});

test('noiseAt: σ = √ε and the smoothing that goes with each schedule', () => {
  const lin = noiseAt(2001, { kind: 'linear', ...E1 });
  close(lin.sigma, 0.1699925);
  close(lin.epsilon, 0.1699925 ** 2);
  assert.equal(lin.smoothing, 'gaussian');
  const vp = noiseAt(0, { kind: 'vp', sigmaMax: 2, sigmaMin: 0.2, period: 100, totalIterations: 1000 });
  close(vp.sigma, Math.sqrt(vp.epsilon));
  assert.equal(vp.smoothing, 'variance-preserving');
  assert.deepEqual(noiseAt(5, { kind: 'constant', sigma: 0.05 }), { epsilon: 0.05 ** 2, sigma: 0.05, smoothing: 'gaussian' });
  assert.deepEqual(noiseAt(5, { kind: 'none' }), { epsilon: 0, sigma: 0, smoothing: 'gaussian' });
  assert.equal(noiseAt(0, { kind: 'linear', ...E1, smoothing: 'variance-preserving' }).smoothing, 'variance-preserving');
});

test('bad schedules and iterations are UserErrors naming the field', () => {
  const bad: Array<[NoiseSchedule, RegExp]> = [
    [{ kind: 'linear', ...E1, period: 0 }, /period/],
    [{ kind: 'linear', ...E1, totalIterations: 1.5 }, /totalIterations/],
    [{ kind: 'linear', ...E1, sigmaMin: 0.3 }, /sigmaMin/],
    [{ kind: 'constant', sigma: -1 }, /sigma/],
    [{ kind: 'vp', ...E1, rounding: 'round' as 'ceil' }, /rounding/],
    [{ kind: 'bogus' } as unknown as NoiseSchedule, /kind/],
  ];
  for (const [s, re] of bad) assert.throws(() => validateNoiseSchedule(s), (e: unknown) => e instanceof UserError && re.test(e.message));
  assert.throws(() => linearSigma(-1, E1), UserError);
  assert.throws(() => linearSigma(0.5, E1), UserError);
  validateNoiseSchedule({ kind: 'linear', ...E1 });
});

test('Eq. 21 on tensors: x + √ε z and √(1 − ε) x + √ε z with a given z', async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const x = tf.tensor2d([[1, -2]]);
  const z = tf.tensor2d([[0.5, 1]]);
  const g = smoothTensor(x, z, 0.25, 'gaussian');
  const v = smoothTensor(x, z, 0.36, 'variance-preserving');
  assert.deepEqual(Array.from(g.dataSync()), [1.25, -1.5]);
  const vv = Array.from(v.dataSync());
  close(vv[0], 0.8 * 1 + 0.6 * 0.5, 1e-6);
  close(vv[1], 0.8 * -2 + 0.6 * 1, 1e-6);
  assert.throws(() => smoothTensor(x, z, 1.5, 'variance-preserving'), UserError);
  const n = normalTensor(3, 2, new Rng(1));
  assert.deepEqual(Array.from(n.dataSync()), Array.from(new Rng(1).fillNormal(new Float32Array(6))));
  for (const t of [x, z, g, v, n]) t.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('Eq. 21 on PointClouds: mean and variance of the smoothed constant point (n = 4e4, 6 SE)', () => {
  const n = 40_000;
  const x = { n, d: 1, data: new Float32Array(n).fill(2) };
  for (const [smoothing, eps, wantMean] of [
    ['gaussian', 0.09, 2],
    ['variance-preserving', 0.36, 1.6],
  ] as const) {
    const y = smoothPoints(x, eps, smoothing, new Rng(3));
    let s = 0;
    let s2 = 0;
    for (const v of y.data) {
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    const varY = s2 / n - m * m;
    assert.ok(Math.abs(m - wantMean) < 6 * Math.sqrt(eps / n), `${smoothing} mean ${m}`);
    assert.ok(Math.abs(varY - eps) < 6 * eps * Math.sqrt(2 / n), `${smoothing} variance ${varY}`);
  }
});
