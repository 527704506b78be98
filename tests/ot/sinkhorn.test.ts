import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkSimplex, sinkhorn, squaredDistanceMatrix, type SinkhornOptions } from '../../lib/ot';
import { UserError } from '../../lib/errors';
import { Rng } from '../../lib/random';
import { gaussianCloud, randomWeights } from './helpers';

function rowColErrors(plan: Float64Array, a: Float64Array, b: Float64Array): { rows: number; cols: number } {
  const n = a.length;
  const m = b.length;
  let rows = 0;
  const cs = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) {
      s += plan[i * m + j];
      cs[j] += plan[i * m + j];
    }
    rows += Math.abs(s - a[i]);
  }
  let cols = 0;
  for (let j = 0; j < m; j++) cols += Math.abs(cs[j] - b[j]);
  return { rows, cols };
}

test('2×2 closed form: P00 = ½·σ(−Δ/2ε) with Δ = C00 + C11 − C01 − C10', () => {
  const a = new Float64Array([0.5, 0.5]);
  const C = new Float64Array([0.2, 1.0, 0.7, 0.1]); // Δ = 0.3 − 1.7 = −1.4
  const delta = C[0] + C[3] - C[1] - C[2];
  // Sinkhorn contracts slowly once ε ≪ |Δ| (here ε = 0.1 already needs ~6000 iterations), so stop at 0.1.
  for (const eps of [2, 0.5, 0.2, 0.1]) {
    const r = sinkhorn(a, a, C, { epsilon: eps, tolerance: 1e-13, maxIterations: 100_000 });
    assert.ok(r.converged);
    const p = 0.5 / (1 + Math.exp(delta / (2 * eps)));
    assert.ok(Math.abs(r.plan[0] - p) < 1e-12, `ε=${eps}: P00 = ${r.plan[0]}, closed form ${p}`);
    assert.ok(Math.abs(r.plan[3] - p) < 1e-12);
    assert.ok(Math.abs(r.plan[1] - (0.5 - p)) < 1e-12);
  }
});

test('converges to the exact OT cost as ε → 0, within the bound 0 ≤ ⟨P_ε, C⟩ − OT ≤ ε·log(min(n, m))', () => {
  // The bound: ⟨P_ε,C⟩ + ε KL(P_ε‖a⊗b) ≤ ⟨P*,C⟩ + ε KL(P*‖a⊗b) and KL(P*‖a⊗b) ≤ min(H(a), H(b)) ≤ log min(n, m);
  // the lower side holds for any coupling. Our plan is feasible only up to `tolerance` in its row sums,
  // which can move ⟨P, C⟩ by at most tolerance·max C; that slack is added on both sides.
  const rng = new Rng(41);
  const n = 6;
  const m = 8;
  const a = randomWeights(rng, n);
  const b = randomWeights(rng, m);
  const C = squaredDistanceMatrix(gaussianCloud(rng, n, 2), gaussianCloud(rng, m, 2, 0.5));
  let maxC = 0;
  for (const v of C) maxC = Math.max(maxC, v);
  const exact = networkSimplex(a, b, C).cost;
  const tolerance = 1e-10;
  const gaps: number[] = [];
  for (const eps of [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]) {
    const r = sinkhorn(a, b, C, { epsilon: eps, tolerance, maxIterations: 200_000 });
    assert.ok(r.converged, `ε=${eps} did not converge in ${r.iterations} iterations`);
    const gap = r.cost - exact;
    const slack = tolerance * maxC + 1e-13;
    assert.ok(gap >= -slack, `ε=${eps}: entropic cost ${r.cost} below the exact ${exact}`);
    assert.ok(gap <= eps * Math.log(Math.min(n, m)) + slack, `ε=${eps}: gap ${gap} above ε·log(min(n,m))`);
    // The regularised optimum (the dual value) lies between OT and OT + ε·log(min(n, m)) as well.
    assert.ok(r.dualObjective >= exact - slack && r.dualObjective <= exact + eps * Math.log(Math.min(n, m)) + slack);
    gaps.push(gap);
  }
  assert.ok(gaps[gaps.length - 1] < 1e-3 * exact, `at ε = 0.001 the gap is ${gaps[gaps.length - 1]}`);
});

test('marginals of the returned plan are within the tolerance', () => {
  const rng = new Rng(42);
  for (const tolerance of [1e-4, 1e-8, 1e-12]) {
    const a = randomWeights(rng, 20, 0.2); // zero weights included
    const b = randomWeights(rng, 15);
    const C = squaredDistanceMatrix(gaussianCloud(rng, 20, 3), gaussianCloud(rng, 15, 3, 1));
    const r = sinkhorn(a, b, C, { epsilon: 0.05, tolerance, maxIterations: 100_000 });
    assert.ok(r.converged);
    const e = rowColErrors(r.plan, a, b);
    assert.ok(e.rows <= tolerance * 1.01 + 1e-15, `rows off by ${e.rows} at tolerance ${tolerance}`);
    assert.ok(e.cols <= 1e-14, `columns off by ${e.cols}`);
    assert.ok(Math.abs(r.marginalError - (e.rows + e.cols)) < 1e-15);
    for (const p of r.plan) assert.ok(p >= 0);
  }
});

test('log domain stays finite for tiny ε, where the kernel exp(−C/ε) underflows to 0', () => {
  const rng = new Rng(43);
  const a = randomWeights(rng, 5);
  const b = randomWeights(rng, 7);
  const C = squaredDistanceMatrix(gaussianCloud(rng, 5, 2), gaussianCloud(rng, 7, 2, 2));
  const eps = 1e-5;
  let underflow = 0;
  for (const c of C) if (Math.exp(-c / eps) === 0) underflow++;
  assert.ok(underflow > C.length / 2, 'the test case is one where the multiplicative form would fail');
  const exact = networkSimplex(a, b, C).cost;
  const r = sinkhorn(a, b, C, { epsilon: eps, maxIterations: 3000, tolerance: 1e-9 });
  for (const v of r.f) assert.ok(Number.isFinite(v));
  for (const v of r.g) assert.ok(Number.isFinite(v));
  for (const p of r.plan) assert.ok(Number.isFinite(p) && p >= 0);
  assert.ok(Number.isFinite(r.cost) && Number.isFinite(r.marginalError));
  assert.ok(r.converged ? r.marginalError <= 1e-9 + 1e-14 : r.iterations === 3000, 'converged flag is honest');
  // Columns are matched after every g update, so the plan carries all the mass even when far from converged:
  // up to rounding of f + g − C (≈ 1e-15 · |f|) amplified by 1/ε = 1e5 in the exponent, hence 1e-8.
  assert.ok(Math.abs(r.plan.reduce((s, p) => s + p, 0) - 1) < 1e-8);
  if (r.converged) assert.ok(Math.abs(r.cost - exact) <= eps * Math.log(5) + 1e-9 * 40);
});

test('not converged is reported, never hidden', () => {
  const rng = new Rng(44);
  const a = randomWeights(rng, 10);
  const b = randomWeights(rng, 10);
  const C = squaredDistanceMatrix(gaussianCloud(rng, 10, 2), gaussianCloud(rng, 10, 2, 3));
  const r = sinkhorn(a, b, C, { epsilon: 1e-3, maxIterations: 3, tolerance: 1e-12 });
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 3);
  assert.ok(r.marginalError > 1e-12);
});

test('ε is required and validated', () => {
  const a = new Float64Array([0.5, 0.5]);
  const C = new Float64Array(4);
  assert.throws(() => sinkhorn(a, a, C, {} as SinkhornOptions), (e: unknown) => e instanceof UserError && /epsilon must be/.test(e.message));
  for (const epsilon of [0, -1, NaN, Infinity]) assert.throws(() => sinkhorn(a, a, C, { epsilon }), UserError);
  assert.throws(() => sinkhorn(a, a, C, { epsilon: 1, maxIterations: 0 }), /maxIterations/);
  assert.throws(() => sinkhorn(a, a, C, { epsilon: 1, tolerance: 0 }), /tolerance/);
  assert.throws(() => sinkhorn(new Float64Array([0.7, 0.7]), a, C, { epsilon: 1 }), /sum to 1/);
  assert.throws(() => sinkhorn(a, a, new Float64Array(3), { epsilon: 1 }), UserError);
});
