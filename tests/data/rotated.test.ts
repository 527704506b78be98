import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPair, oneToManyPair, randomRotation, rotatedPair, rotatePoints } from '../../lib/data';
import { Rng } from '../../lib/random';

test('the rotation is orthogonal (QᵀQ = I to 1e-12) and fixed by its seed', () => {
  for (const d of [2, 16, 64]) {
    const q = randomRotation(d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += q[k * d + i] * q[k * d + j];
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12, `d = ${d}: (QᵀQ)[${i}][${j}] = ${dot}`);
      }
    }
    assert.deepEqual(randomRotation(d), q);
  }
  // Not the identity nor a coordinate permutation: every entry of a Haar matrix is almost surely away from 0 and ±1.
  const q = randomRotation(16);
  assert.ok([...q].every((v) => Math.abs(v) < 0.99) && [...q].filter((v) => Math.abs(v) > 0.05).length > 128);
});

test('rotating keeps distances, and rotating back recovers the points', () => {
  const rng = new Rng(3);
  const p = oneToManyPair(16).source.sample(50, rng);
  const q = randomRotation(16);
  const r = rotatePoints(p, q);
  const dist = (c: typeof p, i: number, j: number) => Math.hypot(...Array.from({ length: c.d }, (_, k) => c.data[i * c.d + k] - c.data[j * c.d + k]));
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(dist(p, i, i + 20) - dist(r, i, i + 20)) < 1e-5);
  const back = rotatePoints(r, q, true);
  for (let i = 0; i < p.data.length; i++) assert.ok(Math.abs(back.data[i] - p.data[i]) < 1e-6);
});

test("the rotated One-to-Many keeps the pair's W2², plan cost and modes", () => {
  const inner = oneToManyPair(16);
  const pair = getPair('one-to-many-rotated', { dim: 16 });
  assert.equal(pair.w2Squared, inner.w2Squared);
  // The same draws, rotated: target points classify into the same modes as the unrotated ones.
  const y = inner.target.sample(400, new Rng(5));
  const yr = pair.target.sample(400, new Rng(5));
  assert.deepEqual(pair.targetModes?.classify(yr), inner.targetModes?.classify(y));
  // The optimal plan moves every point by exactly ‖±e1‖² = 1 (the pair's W2²), in rotated coordinates too.
  const rng = new Rng(7);
  const x = pair.source.sample(300, rng);
  const ty = pair.optimalPlan?.(x, rng);
  assert.ok(ty);
  let cost = 0;
  for (let i = 0; i < x.data.length; i++) cost += (x.data[i] - ty.data[i]) ** 2;
  assert.ok(Math.abs(cost / x.n - 1) < 1e-4, `E‖x − T(x)‖² = ${cost / x.n}`);
  // And its source is not axis-aligned any more: the second half of the coordinates is no longer zero.
  assert.ok(x.data.slice(8, 16).some((v) => Math.abs(v) > 0.05));
  assert.equal(rotatedPair(inner).name, 'one-to-many-rotated');
});
