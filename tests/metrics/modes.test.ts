import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import { mnistCmnistPair, nearestModeClassifier, oneToManyPair, type PointCloud } from '../../lib/data';
import { modeShares, modeSharesFromLabels } from '../../lib/metrics/modes';

test('mode shares by hand: counts, shares, unassigned, coverage and total variation', () => {
  const s = modeSharesFromLabels(Int32Array.from([0, 0, 1, -1]), ['a', 'b', 'c']);
  assert.deepEqual(s.counts, [2, 1, 0]);
  assert.deepEqual(s.shares, [0.5, 0.25, 0]);
  assert.equal(s.unassigned, 1);
  assert.equal(s.total, 4);
  assert.ok(Math.abs(s.minShare - 0.25 / 3) < 1e-15);
  assert.deepEqual(s.coveredModes, [true, true, false]);
  assert.equal(s.covered, 2);
  // ½(|½ − ⅓| + |¼ − ⅓| + |0 − ⅓| + ¼ unassigned) = ½(1/6 + 1/12 + 1/3 + 1/4) = 5/12
  assert.ok(Math.abs(s.totalVariation - 5 / 12) < 1e-12);
  const t = modeSharesFromLabels(Int32Array.from([0, 1, 1, 1]), ['a', 'b'], { minShare: 0.3, expected: [0.25, 0.75] });
  assert.deepEqual(t.coveredModes, [false, true]);
  assert.equal(t.totalVariation, 0);
  assert.throws(() => modeSharesFromLabels(Int32Array.from([2]), ['a', 'b']), UserError);
});

test('one-to-many: the OT plan covers both modes y2 = ±e1 evenly; a collapsed map covers one', () => {
  const pair = oneToManyPair(4);
  const rng = new Rng(1);
  const x = pair.source.sample(10_000, rng);
  const plan = modeShares(pair.optimalPlan!(x, rng), pair.targetModes!);
  assert.equal(plan.covered, 2);
  assert.ok(plan.totalVariation < 6 * Math.sqrt(0.25 / 10_000), `TV ${plan.totalVariation}`);
  // the deterministic max-min solution T1(x) = (x1, +e1) of OTP Eq. 18
  const collapsed: PointCloud = { n: x.n, d: 4, data: x.data.map((v, k) => (k % 4 === 2 ? 1 : v)) };
  const c = modeShares(collapsed, pair.targetModes!);
  assert.deepEqual(c.shares, [1, 0]);
  assert.equal(c.covered, 1);
  assert.equal(c.totalVariation, 0.5);
});

test('colour collapse on MNIST: the plan covers R, G, B; painting everything red covers one', () => {
  const pair = mnistCmnistPair({ size: 7, split: 'test' });
  const rng = new Rng(2);
  const x = pair.source.sample(600, rng);
  const plan = modeShares(pair.optimalPlan!(x, rng), pair.targetModes!);
  assert.equal(plan.covered, 3);
  const red = pair.optimalPlan!(x, rng);
  for (let i = 0; i < red.data.length; i += 3) {
    const v = Math.max(red.data[i], red.data[i + 1], red.data[i + 2]);
    red.data[i] = v;
    red.data[i + 1] = -1;
    red.data[i + 2] = -1;
  }
  const r = modeShares(red, pair.targetModes!);
  assert.deepEqual(r.shares, [1, 0, 0]);
  assert.equal(r.covered, 1);
  // grey images (the untransported source) belong to no colour
  assert.equal(modeShares(x, pair.targetModes!).unassigned, 600);
});

test('nearestModeClassifier: nearest centre, optional distance cut-off and coordinate subset', () => {
  const centres: PointCloud = { n: 2, d: 2, data: new Float32Array([0, 0, 10, 0]) };
  const pts: PointCloud = { n: 3, d: 2, data: new Float32Array([1, 0, 6, 100, 9, 0]) };
  assert.deepEqual(Array.from(nearestModeClassifier(centres).classify(pts)), [0, 1, 1]);
  assert.deepEqual(Array.from(nearestModeClassifier(centres, { maxDistance: 5 }).classify(pts)), [0, -1, 1]);
  assert.deepEqual(Array.from(nearestModeClassifier(centres, { coordinates: [1] }).classify(pts)), [0, 0, 0]);
  assert.throws(() => nearestModeClassifier(centres, { names: ['only one'] }), UserError);
  assert.throws(() => nearestModeClassifier(centres).classify({ n: 1, d: 3, data: new Float32Array(3) }), UserError);
});
