import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/random';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 100 }, () => a.nextUint32());
  const sb = Array.from({ length: 100 }, () => b.nextUint32());
  const sc = Array.from({ length: 100 }, () => c.nextUint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('state round-trips mid-stream, including the Box–Muller spare', () => {
  const a = new Rng(7);
  a.normal(); // leaves a spare
  const state = JSON.parse(JSON.stringify(a.getState()));
  const b = new Rng(state);
  for (let i = 0; i < 50; i++) assert.equal(b.normal(), a.normal());
  for (let i = 0; i < 50; i++) assert.equal(b.uniform(), a.uniform());
});

test('uniform and normal have the right first two moments (n = 2e5, 6-sigma bounds)', () => {
  const r = new Rng(1);
  const n = 200_000;
  const u = r.fillUniform(new Float64Array(n));
  const z = r.fillNormal(new Float64Array(n));
  const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
  const varOf = (x: Float64Array, m: number) => x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length;
  const mu = mean(u);
  assert.ok(Math.abs(mu - 0.5) < 6 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(varOf(u, mu) - 1 / 12) < 6 * Math.sqrt(1 / 180 / n));
  const mz = mean(z);
  assert.ok(Math.abs(mz) < 6 / Math.sqrt(n));
  assert.ok(Math.abs(varOf(z, mz) - 1) < 6 * Math.sqrt(2 / n));
  // Kurtosis 3 distinguishes a normal from, e.g., a sum of two uniforms.
  const k = z.reduce((s, v) => s + (v - mz) ** 4, 0) / n;
  assert.ok(Math.abs(k - 3) < 6 * Math.sqrt(96 / n));
  assert.ok(u.every((v) => v >= 0 && v < 1));
});

test('int(n) covers 0..n-1 uniformly (chi-square, 9 dof, p ≈ 1e-6 bound)', () => {
  const r = new Rng(3);
  const counts = new Array(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) counts[r.int(10)]++;
  const chi = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
  assert.ok(chi < 45, `chi-square ${chi}`);
});
