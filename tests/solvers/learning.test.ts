import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/random';
import { mlpMap, mlpPotential } from '../../lib/nets';
import { otmMethod, train, transportPoints } from '../../lib/solvers';
import { diagonalGaussian } from '../helpers/samplers';
import { useTestBackend } from '../helpers/tf';

// Learning tests run on wasm (the default backend; cpu is kept for the exactness tests, it is ~5× slower).
before(() => useTestBackend('wasm'));

const source = diagonalGaussian([0, 0], [1, 1]);
const target = diagonalGaussian([2, -1], [2, 0.5]);

test('OTM learns the Bures map between two Gaussians in 2-D: L2-UVP < 5% for each of 3 seeds', async () => {
  // The OT map of N(0, I) → N(m, diag(s²)) is T*(x) = m + s ⊙ x; Var(ν) = Σ s² = 4.25.
  // Budget: 400 outer iterations × 10 map steps, batch 256, lr 2e-3. Measured over seeds 1–6 when this test
  // was written: 1.5–2.2%; so 5% leaves a wide margin while a broken loss or loop lands far above it
  // (the identity map scores 100·E‖x − T*(x)‖²/Var(ν) = 147%).
  for (const seed of [1, 2, 3]) {
    const rng = new Rng(seed);
    const m = otmMethod({ potential: mlpPotential(rng, 2, [64]), map: mlpMap(rng, 2, { hidden: [64] }) }, { alpha: 0.5, r1: 0 });
    const r = await train(m, source, target, { iterations: 400, innerSteps: 10, batchSize: 256, adam: { lr: 2e-3, betas: [0.5, 0.9] }, seed, logEvery: 100 });
    assert.equal(r.status, 'completed');
    const n = 4096;
    const x = source.sample(n, new Rng(100 + seed));
    const plan = m.plan();
    const t = (await transportPoints(plan, x, new Rng(0))).data;
    plan.dispose();
    let err = 0;
    for (let i = 0; i < n; i++) err += (t[2 * i] - (2 + 2 * x.data[2 * i])) ** 2 + (t[2 * i + 1] - (-1 + 0.5 * x.data[2 * i + 1])) ** 2;
    const uvp = (100 * err) / n / 4.25;
    assert.ok(uvp < 5, `seed ${seed}: L2-UVP ${uvp.toFixed(2)}%`);
  }
});
