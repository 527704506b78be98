import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import {
  digitPreservationError,
  loadMnist,
  mnistCmnistPair,
  mnistColouredSampler,
  mnistColourClassifier,
  mnistGreyLevel,
  mnistGreySampler,
  mnistToImageTensor,
  type PointCloud,
} from '../../lib/data';

test('the mnist package holds 10 000 digits in [0, 1]; train (5/6) and test split each digit', () => {
  const all = loadMnist({ size: 28, split: 'all' });
  assert.equal(all.count, 10_000);
  const perDigit = new Array(10).fill(0);
  for (const l of all.labels) perDigit[l]++;
  assert.deepEqual(perDigit, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all.intensity) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  const train = loadMnist({ size: 28, split: 'train' });
  const testSet = loadMnist({ size: 28, split: 'test' });
  assert.equal(train.count + testSet.count, 10_000);
  assert.equal(train.count, perDigit.reduce((s, n) => s + Math.floor((5 * n) / 6), 0));
  // the test images are the last ones of each digit: image 0 of the test split is digit 0's image ⌊5·1001/6⌋
  const first = Math.floor((5 * 1001) / 6);
  assert.deepEqual(testSet.intensity.subarray(0, 784), all.intensity.subarray(first * 784, first * 784 + 784));
  assert.throws(() => loadMnist({ size: 20 }), UserError);
  assert.throws(() => loadMnist({ digits: [10] }), UserError);
});

test('resolution: 14 = 2×2 average pooling, 32 = zero padding by 2, 16 = padding then 2×2 pooling', () => {
  const native = loadMnist({ size: 28, split: 'test', digits: [3] });
  const s14 = loadMnist({ size: 14, split: 'test', digits: [3] });
  const s32 = loadMnist({ size: 32, split: 'test', digits: [3] });
  const s16 = loadMnist({ size: 16, split: 'test', digits: [3] });
  const nat = (img: number, r: number, c: number) => (r < 0 || r >= 28 || c < 0 || c >= 28 ? 0 : native.intensity[img * 784 + r * 28 + c]);
  for (const img of [0, 5, 17]) {
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        const want = (nat(img, 2 * r, 2 * c) + nat(img, 2 * r + 1, 2 * c) + nat(img, 2 * r, 2 * c + 1) + nat(img, 2 * r + 1, 2 * c + 1)) / 4;
        assert.ok(Math.abs(s14.intensity[img * 196 + r * 14 + c] - want) < 1e-6);
      }
    }
    for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) assert.equal(s32.intensity[img * 1024 + r * 32 + c], nat(img, r - 2, c - 2));
    for (let r = 0; r < 16; r++) {
      for (let c = 0; c < 16; c++) {
        const want =
          (nat(img, 2 * r - 2, 2 * c - 2) + nat(img, 2 * r - 1, 2 * c - 2) + nat(img, 2 * r - 2, 2 * c - 1) + nat(img, 2 * r - 1, 2 * c - 1)) / 4;
        assert.ok(Math.abs(s16.intensity[img * 256 + r * 16 + c] - want) < 1e-6);
      }
    }
  }
});

test('grey source = (g, g, g) and coloured target = digit in one channel, others −1 (values 2v − 1)', () => {
  const grey = mnistGreySampler({ size: 14 });
  const col = mnistColouredSampler({ size: 14 });
  assert.equal(grey.dim, 588);
  const g = grey.sampleLabelled(20, new Rng(1));
  const c = col.sampleLabelled(3000, new Rng(2));
  const px = 196;
  for (let i = 0; i < 20; i++) {
    for (let p = 0; p < px; p++) {
      const v = 2 * grey.pool.intensity[g.indices[i] * px + p] - 1;
      for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(g.points.data[i * 588 + 3 * p + ch] - v) < 1e-6);
    }
    assert.equal(g.colours[i], -1);
    assert.equal(g.digits[i], grey.pool.labels[g.indices[i]]);
  }
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) {
    const k = c.colours[i];
    counts[k]++;
    for (let p = 0; p < px; p++) {
      const v = 2 * col.pool.intensity[c.indices[i] * px + p] - 1;
      for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(c.points.data[i * 588 + 3 * p + ch] - (ch === k ? v : -1)) < 1e-6);
    }
  }
  const chi = counts.reduce((s, n) => s + (n - 1000) ** 2 / 1000, 0);
  assert.ok(chi < 28, `colour frequencies ${counts}`); // chi-square 2 dof, p ≈ 1e-6
  assert.deepEqual(Array.from(mnistColourClassifier().classify(c.points)), Array.from(c.colours));
  assert.deepEqual(Array.from(mnistColourClassifier().classify(g.points)), new Array(20).fill(-1));
});

test('grey level and digit preservation: a recoloured digit keeps its grey level; another digit does not', () => {
  const pair = mnistCmnistPair({ size: 14, split: 'test' });
  const rng = new Rng(3);
  const x = pair.source.sample(200, rng);
  const y = pair.optimalPlan!(x, rng);
  const gx = mnistGreyLevel(x);
  const gy = mnistGreyLevel(y);
  assert.equal(gx.d, 196);
  for (let i = 0; i < gx.data.length; i++) assert.ok(Math.abs(gx.data[i] - gy.data[i]) < 1e-6);
  assert.ok(digitPreservationError(x, y) < 1e-12);
  const shifted: PointCloud = { n: 199, d: x.d, data: y.data.slice(x.d) };
  const err = digitPreservationError({ n: 199, d: x.d, data: x.data.slice(0, 199 * x.d) }, shifted);
  assert.ok(err > 0.02, `digit preservation error between different images ${err}`);
  // plan colours are uniform: 600 draws, chi-square 2 dof
  const labels = pair.targetModes!.classify(pair.optimalPlan!(pair.source.sample(600, rng), rng));
  const counts = [0, 0, 0];
  for (const l of labels) counts[l]++;
  assert.ok(counts.reduce((s, n) => s + (n - 200) ** 2 / 200, 0) < 28, `plan colours ${counts}`);
});

test('MNIST → CMNIST W2² = 2·E‖g + 1‖²: the plan attains it on every pool image, recolouring another digit costs more', () => {
  const pair = mnistCmnistPair({ size: 7, split: 'test' });
  const grey = mnistGreySampler({ size: 7, split: 'test' });
  const pool = grey.pool;
  const d = pair.dim;
  const px = 49;
  // every pool image once, as a grey point
  const xs = new Float32Array(pool.count * d);
  for (let i = 0; i < pool.count; i++) for (let p = 0; p < px; p++) for (let ch = 0; ch < 3; ch++) xs[i * d + 3 * p + ch] = 2 * pool.intensity[i * px + p] - 1;
  const x: PointCloud = { n: pool.count, d, data: xs };
  const y = pair.optimalPlan!(x, new Rng(4));
  let cost = 0;
  for (let i = 0; i < xs.length; i++) cost += (xs[i] - y.data[i]) ** 2;
  cost /= pool.count;
  assert.ok(Math.abs(cost - pair.w2Squared!) < 1e-4 * pair.w2Squared!, `plan cost ${cost} vs ${pair.w2Squared}`);
  // a coupling that pairs image i with the coloured image i+1 (a valid coupling of the same marginals) costs more
  let other = 0;
  for (let i = 0; i < pool.count; i++) {
    const j = (i + 1) % pool.count;
    for (let p = 0; p < d; p++) other += (xs[i * d + p] - y.data[j * d + p]) ** 2;
  }
  other /= pool.count;
  assert.ok(other > cost * 1.05, `shifted coupling ${other} vs optimal ${cost}`);
});

test('mnistToImageTensor lays points out as NHWC [n, s, s, 3]', async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const p = mnistColouredSampler({ size: 8 }).sample(2, new Rng(5));
  const t = mnistToImageTensor(p);
  assert.deepEqual(t.shape, [2, 8, 8, 3]);
  const arr = t.arraySync();
  assert.equal(arr[1][3][5][2], p.data[192 + (3 * 8 + 5) * 3 + 2]);
  t.dispose();
});
