import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import { cholesky, invSqrtSpd, matMul, sqrtPsd, symEig, transpose } from '../../lib/linalg';
import { gaussianBuresPair, gaussianMixtureSampler, gaussianSampler, randomCovariance, type PointCloud } from '../../lib/data';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function empiricalMoments(p: PointCloud): { mean: Float64Array; cov: Float64Array } {
  const { n, d } = p;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += p.data[i * d + j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += ((p.data[i * d + a] - mean[a]) * (p.data[i * d + b] - mean[b])) / n;
  }
  return { mean, cov };
}

test('linear algebra: Cholesky, Jacobi eigendecomposition and square roots reconstruct their input', () => {
  const d = 6;
  const s = randomCovariance(d, new Rng(3));
  const l = cholesky(s, d);
  assert.ok(maxAbsDiff(matMul(l, transpose(l, d), d), s) < 1e-12);
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) assert.equal(l[i * d + j], 0);
  const { values, vectors } = symEig(s, d);
  const recon = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) recon[i * d + j] += vectors[i * d + k] * values[k] * vectors[j * d + k];
  assert.ok(maxAbsDiff(recon, s) < 1e-12);
  const r = sqrtPsd(s, d);
  assert.ok(maxAbsDiff(matMul(r, r, d), s) < 1e-12);
  const ir = invSqrtSpd(s, d);
  const eye = matMul(matMul(ir, s, d), ir, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) assert.ok(Math.abs(eye[i * d + j] - (i === j ? 1 : 0)) < 1e-11);
  // a known 2×2 case: eigenvalues of [[2, 1], [1, 2]] are 1 and 3
  const e = Array.from(symEig(new Float64Array([2, 1, 1, 2]), 2).values).sort();
  assert.ok(Math.abs(e[0] - 1) < 1e-14 && Math.abs(e[1] - 3) < 1e-14);
});

test('a non-SPD covariance is refused with a UserError', () => {
  assert.throws(() => gaussianSampler({ mean: [0, 0], covariance: [1, 2, 2, 1] }), UserError);
  assert.throws(() => gaussianSampler({ mean: [0, 0], covariance: [1, 0.5, 0.4, 1] }), UserError);
  assert.throws(() => gaussianSampler({ mean: [0, 0], covariance: [1, 0, 0] }), UserError);
});

test('Gaussian sampler: empirical mean and covariance match (n = 4e4; tolerance 6 SE of each entry)', () => {
  const d = 3;
  const cov = new Float64Array([2, 0.6, -0.3, 0.6, 1, 0.2, -0.3, 0.2, 0.5]);
  const mean = [1, -2, 0.5];
  const n = 40_000;
  const p = gaussianSampler({ mean, covariance: cov }).sample(n, new Rng(11));
  const m = empiricalMoments(p);
  for (let j = 0; j < d; j++) assert.ok(Math.abs(m.mean[j] - mean[j]) < 6 * Math.sqrt(cov[j * d + j] / n));
  // Var of the product of two centred Gaussians: Σaa·Σbb + Σab².
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      const se = Math.sqrt((cov[a * d + a] * cov[b * d + b] + cov[a * d + b] ** 2) / n);
      assert.ok(Math.abs(m.cov[a * d + b] - cov[a * d + b]) < 6 * se, `cov[${a}][${b}] = ${m.cov[a * d + b]}`);
    }
  }
});

test('Gaussian mixture: component frequencies follow the weights (chi-square) and labels match the nearest mean', () => {
  const mix = gaussianMixtureSampler({
    weights: [1, 2, 5],
    components: [
      { mean: [-20, 0], covariance: [1, 0, 0, 1] },
      { mean: [0, 20], covariance: [1, 0, 0, 1] },
      { mean: [20, 0], covariance: [1, 0, 0, 1] },
    ],
  });
  const n = 16_000;
  const { points, labels } = mix.sampleLabelled(n, new Rng(12));
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    counts[labels[i]]++;
    const c = mix.components[labels[i]].mean;
    assert.ok(Math.hypot(points.data[2 * i] - c[0], points.data[2 * i + 1] - c[1]) < 7, 'point far from its own component');
  }
  const expected = [1 / 8, 2 / 8, 5 / 8].map((w) => w * n);
  const chi = counts.reduce((s, c, i) => s + (c - expected[i]) ** 2 / expected[i], 0);
  assert.ok(chi < 28, `chi-square (2 dof) ${chi}`); // p ≈ 1e-6
  assert.throws(() => gaussianMixtureSampler({ weights: [1], components: [] }), UserError);
  assert.throws(() => gaussianMixtureSampler({ weights: [-1], components: [{ mean: [0], covariance: [1] }] }), UserError);
});

test('gaussian-bures: the map A is symmetric positive definite and pushes Σ1 to Σ2 exactly (A Σ1 A = Σ2)', () => {
  for (const d of [1, 2, 5]) {
    const pair = gaussianBuresPair({ dim: d, seed: d });
    const src = pair.source as ReturnType<typeof gaussianSampler>;
    const tgt = pair.target as ReturnType<typeof gaussianSampler>;
    // Recover A and b from the map: columns are T(e_j) − T(0).
    const probe = new Float32Array((d + 1) * d);
    for (let j = 0; j < d; j++) probe[(j + 1) * d + j] = 1;
    const t = pair.optimalMap!({ n: d + 1, d, data: probe });
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = t.data[(j + 1) * d + i] - t.data[i];
    assert.ok(maxAbsDiff(a, transpose(a, d)) < 1e-5, 'A is symmetric');
    assert.ok(Array.from(symEig(a, d).values).every((v) => v > 0), 'A is positive definite');
    const pushed = matMul(matMul(a, src.covariance, d), a, d);
    assert.ok(maxAbsDiff(pushed, tgt.covariance) < 1e-4 * Math.max(...Array.from(tgt.covariance, Math.abs)), `A Σ1 A ≠ Σ2 at d = ${d}`);
    // b: T(m1) = m2
    const tm = pair.optimalMap!({ n: 1, d, data: Float32Array.from(src.mean) });
    assert.ok(maxAbsDiff(tm.data, tgt.mean) < 1e-5);
  }
  assert.throws(() => gaussianBuresPair({ source: { mean: [0], covariance: [1] } }), UserError);
});
