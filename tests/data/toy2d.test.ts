import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/random';
import { UserError } from '../../lib/errors';
import {
  CIRCLE_NOISE_STD,
  CIRCLE_RADII,
  eightGaussians,
  g25gPair,
  g8gPair,
  gCirclesPair,
  moonSpiralPair,
  moons,
  spiral,
  twentyFiveGaussians,
} from '../../lib/data';
import { modeShares } from '../../lib/metrics/modes';

test('8 Gaussians: centres 12·(cos 2πk/8, sin 2πk/8), covariance 0.4·I (per-component moments, 6 SE)', () => {
  const mix = eightGaussians();
  const n = 40_000;
  const { points, labels } = mix.sampleLabelled(n, new Rng(1));
  for (let k = 0; k < 8; k++) {
    const c = [12 * Math.cos((2 * Math.PI * k) / 8), 12 * Math.sin((2 * Math.PI * k) / 8)];
    let m = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] !== k) continue;
      m++;
      const dx = points.data[2 * i] - c[0];
      const dy = points.data[2 * i + 1] - c[1];
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    assert.ok(Math.abs(sx / m) < 6 * Math.sqrt(0.4 / m) && Math.abs(sy / m) < 6 * Math.sqrt(0.4 / m), `centre ${k}`);
    // Var of a squared N(0, 0.4) draw is 2·0.4²
    assert.ok(Math.abs(sxx / m - 0.4) < 6 * Math.sqrt((2 * 0.16) / m) && Math.abs(syy / m - 0.4) < 6 * Math.sqrt((2 * 0.16) / m), `variance ${k}`);
  }
});

test('25 Gaussians: centres on {−4,−2,0,2,4}², std √0.02; the mode classifier recovers the component', () => {
  const mix = twentyFiveGaussians();
  const { points, labels } = mix.sampleLabelled(5000, new Rng(2));
  const pair = g25gPair();
  const cls = pair.targetModes!.classify(points);
  // Components are 2 apart with std 0.14: misclassification needs a 7σ excursion.
  assert.deepEqual(Array.from(cls), Array.from(labels));
  const shares = modeShares(points, pair.targetModes!);
  assert.equal(shares.covered, 25);
});

test('Spiral: every point lies within noise of the curve r = θ + π, θ = √U·3π − π/2', () => {
  const n = 4000;
  const p = spiral().sample(n, new Rng(3));
  // distance to the noiseless curve, by dense search over θ
  const thetas = Array.from({ length: 6000 }, (_, i) => -Math.PI / 2 + (3 * Math.PI * i) / 5999);
  let sq = 0;
  for (let i = 0; i < 300; i++) {
    const x = p.data[2 * i];
    const y = p.data[2 * i + 1];
    let best = Infinity;
    for (const t of thetas) best = Math.min(best, (x - (t + Math.PI) * Math.cos(t)) ** 2 + (y - (t + Math.PI) * Math.sin(t)) ** 2);
    sq += best;
  }
  // The squared distance to the curve is at most the squared noise (E = 2·0.25² = 0.125), and not far below it.
  const msd = sq / 300;
  assert.ok(msd < 0.125 * 1.5 && msd > 0.125 * 0.3, `mean squared distance to the curve ${msd}`);
  // r < 2π ⇔ θ < π ⇔ √U < ½ ⇔ U < ¼: a quarter of the points (binomial 6σ, plus 0.01 for the noise blurring r).
  let inner = 0;
  for (let i = 0; i < n; i++) if (Math.hypot(p.data[2 * i], p.data[2 * i + 1]) < 2 * Math.PI) inner++;
  assert.ok(Math.abs(inner / n - 0.25) < 6 * Math.sqrt((0.25 * 0.75) / n) + 0.01, `share with r < 2π: ${inner / n}`);
});

test('Moons: two half circles ×10 shifted by (±5, ±2), noise 0.5; equal halves', () => {
  const n = 20_000;
  const p = moons().sample(n, new Rng(4));
  let upper = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = p.data[2 * i] / 10;
    const y = p.data[2 * i + 1] / 10;
    // distance (in units of 10) to each noiseless half circle
    const dUpper = Math.abs(Math.hypot(x - 0.5, y - 0.2) - 1); // (cos s + ½, −sin s + 0.2): centre (½, 0.2), lower half
    const dLower = Math.abs(Math.hypot(x + 0.5, y + 0.2) - 1);
    const d = Math.min(dUpper, dLower);
    sq += (10 * d) ** 2;
    if (dUpper < dLower) upper++;
  }
  assert.ok(sq / n < 2 * 0.25, `mean squared distance to the moons ${sq / n}`);
  assert.ok(Math.abs(upper / n - 0.5) < 0.03, `share of the first moon ${upper / n}`);
});

test('Two circles: radii and noise as documented; the ring classifier splits them evenly', () => {
  const pair = gCirclesPair();
  const n = 20_000;
  const p = pair.target.sample(n, new Rng(5));
  const labels = pair.targetModes!.classify(p);
  const dev = [0, 0];
  const cnt = [0, 0];
  for (let i = 0; i < n; i++) {
    const r = Math.hypot(p.data[2 * i], p.data[2 * i + 1]);
    dev[labels[i]] += (r - CIRCLE_RADII[labels[i]]) ** 2;
    cnt[labels[i]]++;
  }
  // radial deviation ≈ N(0, σ²) for σ ≪ r
  for (let k = 0; k < 2; k++) assert.ok(Math.abs(Math.sqrt(dev[k] / cnt[k]) - CIRCLE_NOISE_STD) < 0.02, `ring ${k} radial std`);
  assert.ok(Math.abs(cnt[0] / n - 0.5) < 6 * Math.sqrt(0.25 / n));
});

test('DIOTM pairs: 2-D only, source N(0, I) (g8g, g25g, g-circles), moon → spiral', () => {
  for (const make of [g8gPair, g25gPair, gCirclesPair, moonSpiralPair]) {
    assert.throws(() => make(4), UserError);
    assert.equal(make(2).dim, 2);
  }
  const src = g8gPair().source.sample(40_000, new Rng(6));
  let s = 0;
  for (const v of src.data) s += v * v;
  assert.ok(Math.abs(s / src.data.length - 1) < 6 * Math.sqrt(2 / src.data.length), 'source variance 1');
  const ms = moonSpiralPair();
  assert.equal(ms.source.name, 'moons');
  assert.equal(ms.target.name, 'spiral');
  const shares = modeShares(g8gPair().target.sample(8000, new Rng(7)), g8gPair().targetModes!);
  assert.equal(shares.covered, 8);
  assert.ok(shares.totalVariation < 0.05);
});
