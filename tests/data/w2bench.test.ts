import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import {
  availableW2BenchDims,
  CONSTRUCTED_QUADRATIC_WEIGHT,
  constructedW2Pair,
  loadW2BenchPair,
  mix3FromNoise,
  type W2BenchmarkPair,
} from '../../lib/data';

const dims = availableW2BenchDims();
const noData = dims.length === 0 ? 'W2 benchmark data not found (set OTBOOK_W2BENCH_DIR)' : false;

test('the benchmark data holds the README dimensions 2 … 128', { skip: noData }, () => {
  assert.deepEqual(dims, [2, 4, 8, 16, 32, 64, 128]);
});

test('reference.bin: x(ε, k) reproduces the stored x, and T* matches T_x to 1e-4 relative, for every d', { skip: noData }, () => {
  for (const d of dims) {
    const pair = loadW2BenchPair(d);
    const ref = pair.reference()!;
    assert.equal(ref.x.n, 4096);
    // Sampling formula on all 4096 recorded (ε, k): float32 rounding only.
    const x = mix3FromNoise(pair.mix3!, ref.eps.data, ref.k);
    let maxX = 0;
    let errX = 0;
    for (let i = 0; i < x.length; i++) {
      maxX = Math.max(maxX, Math.abs(ref.x.data[i]));
      errX = Math.max(errX, Math.abs(x[i] - ref.x.data[i]));
    }
    assert.ok(errX <= 1e-5 * maxX, `d = ${d}: x(ε, k) off by ${errX}`);
    // T* on every 16th reference point (256 per d; the whole file costs ~30 s at d = 128 on one core).
    const idx = Array.from({ length: 256 }, (_, i) => 16 * i);
    const xs = new Float64Array(idx.length * d);
    idx.forEach((p, i) => xs.set(ref.x.data.subarray(p * d, p * d + d), i * d));
    const t = pair.mapStar64(xs, idx.length);
    let worst = 0;
    idx.forEach((p, i) => {
      let e = 0;
      let r = 0;
      for (let j = 0; j < d; j++) {
        e += (t[i * d + j] - ref.tx.data[p * d + j]) ** 2;
        r += ref.tx.data[p * d + j] ** 2;
      }
      worst = Math.max(worst, Math.sqrt(e / r));
    });
    assert.ok(worst < 1e-4, `d = ${d}: worst relative error of T* ${worst}`);
  }
});

test('sampling μ: mean 0 and total variance d (README: trace Cov(μ) = d), 6 SE', { skip: noData }, () => {
  for (const d of [2, 16]) {
    const pair = loadW2BenchPair(d);
    const n = 8192;
    const p = pair.source.sample(n, new Rng(d));
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += p.data[i * d + j] / n;
    const sq = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[i] += p.data[i * d + j] ** 2;
    const m = sq.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(sq.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    assert.ok(Math.abs(m - d) < (6 * sd) / Math.sqrt(n), `d = ${d}: E‖x‖² = ${m}`);
    // per-coordinate variances differ from their average m/d; the factor 2 allows a coordinate 4× the average
    for (let j = 0; j < d; j++) assert.ok(Math.abs(mean[j]) < 6 * Math.sqrt(m / d / n) * 2, `d = ${d}: mean[${j}] = ${mean[j]}`);
  }
});

/** Central finite differences of ψ against the analytic T* = ∇ψ at a few points. */
function checkGradient(pair: W2BenchmarkPair, points: Float64Array, tol: number): void {
  const d = pair.dim;
  const n = points.length / d;
  const g = pair.mapStar64(points, n);
  for (let p = 0; p < n; p++) {
    const x = Array.from(points.subarray(p * d, p * d + d));
    let err = 0;
    let ref = 0;
    for (let j = 0; j < d; j++) {
      const h = 1e-5 * Math.max(1, Math.abs(x[j]));
      const xp = x.slice();
      const xm = x.slice();
      xp[j] += h;
      xm[j] -= h;
      const fd = (pair.potential(xp) - pair.potential(xm)) / (2 * h);
      err += (fd - g[p * d + j]) ** 2;
      ref += g[p * d + j] ** 2;
    }
    assert.ok(Math.sqrt(err / ref) < tol, `${pair.name}: ∇ψ vs finite differences, relative error ${Math.sqrt(err / ref)}`);
  }
}

test('DenseICNN: the analytic gradient equals finite differences of ψ (d = 2, 8)', { skip: noData }, () => {
  for (const d of [2, 8]) {
    const pair = loadW2BenchPair(d);
    checkGradient(pair, Float64Array.from(pair.source.sample(4, new Rng(3)).data), 1e-6);
  }
});

test('loadW2BenchPair: a missing dimension or folder is a UserError naming what is present', () => {
  assert.throws(() => loadW2BenchPair(256, { dir: '/nonexistent/w2bench' }), UserError);
  if (!noData) assert.throws(() => loadW2BenchPair(3), (e: unknown) => e instanceof UserError && /present: 2, 4/.test(e.message));
});

test('constructed stand-in: clearly labelled, deterministic in (d, seed), no reference points', () => {
  const a = constructedW2Pair(3, 7);
  const b = constructedW2Pair(3, 7);
  assert.equal(a.isStandIn, true);
  assert.match(a.name, /constructed/);
  assert.match(a.description, /CONSTRUCTED/);
  assert.equal(a.reference(), null);
  assert.deepEqual(a.source.sample(5, new Rng(1)).data, b.source.sample(5, new Rng(1)).data);
  assert.equal(a.constants.nuVar, b.constants.nuVar);
  assert.notEqual(constructedW2Pair(3, 8).constants.nuVar, a.constants.nuVar);
});

test('constructed stand-in: T* is strongly monotone, ⟨T(x) − T(y), x − y⟩ ≥ scale·a·‖x − y‖² (2000 random pairs)', () => {
  for (const d of [2, 6]) {
    const pair = constructedW2Pair(d, 1);
    const rng = new Rng(2);
    // Points from μ and from a wide Gaussian, so the check is not confined to μ's support.
    const n = 2000;
    const xs = Float64Array.from(pair.source.sample(n, rng).data);
    const ys = rng.fillNormal(new Float64Array(n * d), 0, 5);
    const tx = pair.mapStar64(xs, n);
    const ty = pair.mapStar64(ys, n);
    const lower = pair.constants.scale * CONSTRUCTED_QUADRATIC_WEIGHT;
    for (let p = 0; p < n; p++) {
      let dot = 0;
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const dx = xs[p * d + j] - ys[p * d + j];
        dot += (tx[p * d + j] - ty[p * d + j]) * dx;
        dist += dx * dx;
      }
      assert.ok(dot >= lower * dist * (1 - 1e-9), `monotonicity fails at pair ${p}: ${dot} < ${lower * dist}`);
    }
  }
});

test('constructed stand-in: analytic T* equals finite differences of ψ; ν is standardised (mean 0, Var d)', () => {
  const d = 5;
  const pair = constructedW2Pair(d, 3);
  checkGradient(pair, Float64Array.from(pair.source.sample(5, new Rng(4)).data), 1e-6);
  const n = 8192;
  const y = pair.target.sample(n, new Rng(5));
  const sq = new Float64Array(n);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += y.data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[i] += (y.data[i * d + j] - mean[j]) ** 2;
  const m = sq.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(sq.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  assert.ok(Math.abs(m - d) < (6 * sd) / Math.sqrt(n), `Var(ν) = ${m}`);
  // factor 2: a coordinate's variance may be up to 4× the average m/d
  for (let j = 0; j < d; j++) assert.ok(Math.abs(mean[j]) < 6 * Math.sqrt(m / d / n) * 2, `mean[${j}] = ${mean[j]}`);
});
