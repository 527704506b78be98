import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../lib/errors';
import { paperDefaults, resolveConfig, validateConfigInput } from '../../lib/experiments';
import { getExperiment, listExperiments, shardCells } from '../../lib/experiments/registry';
import { parseShard } from '../../lib/cli/cell-flags';

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e.message;
  }
  throw new Error('expected an error');
}

test('validation errors name the field path, the bad value and what is allowed', () => {
  assert.match(message(() => validateConfigInput({ method: 'otmx' })), /\/method: "otmx" is not allowed; choose one of: otm, otm-s, otp, not, diotm/);
  assert.match(message(() => validateConfigInput({ iterations: -5 })), /\/iterations: -5 is not allowed: must be >= 1/);
  assert.match(message(() => validateConfigInput({ iterations: 'many' })), /\/iterations: "many" is not an integer/);
  assert.match(message(() => validateConfigInput({ potential: { hiden: [3] } })), /\/potential\/hiden: unknown field; allowed here: kind, hidden, activation/);
  assert.match(message(() => validateConfigInput({ bogus: 1 })), /\/bogus: unknown field; allowed here: .*method/);
  assert.match(message(() => validateConfigInput({ lr: 0, batchSize: 0 })), /and 1 more problem/);
});

test('App. E.1 defaults: width 256 for d ≤ 4 and 1024 above; α = 0.01, λ = 1 at d = 256; OTP σ 0.2 → 0.05, P = 2000', () => {
  const d2 = paperDefaults('otp', 'one-to-many', 2);
  assert.deepEqual([d2.potential.hidden, d2.map.hidden, d2.alpha, d2.lambda], [[256], [256], 1, 0]);
  assert.deepEqual([d2.iterations, d2.innerSteps, d2.batchSize, d2.lr, d2.betas], [20_000, 20, 128, 1e-4, [0, 0.9]]);
  assert.deepEqual(d2.smoothing, { schedule: 'linear', sigmaMax: 0.2, sigmaMin: 0.05, period: 2000 });
  const d256 = paperDefaults('otm', 'perpendicular', 256);
  assert.deepEqual([d256.map.hidden, d256.alpha, d256.lambda], [[1024], 0.01, 1]);
  assert.equal(paperDefaults('otm-s', 'one-to-many', 16).map.noiseDim, 16);
  const mnist = paperDefaults('otp', 'mnist-cmnist', 768);
  assert.deepEqual([mnist.iterations, mnist.batchSize, mnist.innerSteps, mnist.alpha, mnist.lambda, mnist.smoothing?.sigmaMax, mnist.smoothing?.sigmaMin, mnist.smoothing?.period], [50_000, 64, 10, 0.1, 10, 2, 0.5, 100]);
});

test('flags override the file, which overrides the defaults; nested objects merge field by field', () => {
  const c = resolveConfig({ method: 'otp', pair: 'one-to-many', dim: 4, smoothing: { sigmaMax: 0.3 }, iterations: 500 }, { iterations: 40, seed: 3 });
  assert.equal(c.iterations, 40);
  assert.equal(c.seed, 3);
  // K = 40 instead of the paper's 20K and no period given: P keeps the paper's ratio K/P = 10 (2000 → 4).
  assert.deepEqual(c.smoothing, { schedule: 'linear', sigmaMax: 0.3, sigmaMin: 0.05, period: 4 });
  assert.equal(c.not, undefined);
  assert.match(message(() => resolveConfig({ pair: 'g8g' })), /no method given/);
  assert.match(message(() => resolveConfig({ method: 'otm' })), /no data given/);
  assert.match(message(() => resolveConfig({ method: 'otp', pair: 'one-to-many', smoothing: { sigmaMin: 0.5, sigmaMax: 0.1 } })), /sigmaMin: 0.5 is larger than sigmaMax 0.1/);
});

test('shards partition the cells: every cell in exactly one of n shards', () => {
  const cells = getExperiment('table1').cells('quick');
  for (const n of [1, 3, 7]) {
    const seen = new Map<string, number>();
    for (let i = 1; i <= n; i++) for (const c of shardCells(cells, { index: i, count: n })) seen.set(c.id, (seen.get(c.id) ?? 0) + 1);
    assert.equal(seen.size, cells.length);
    assert.ok([...seen.values()].every((v) => v === 1));
  }
  assert.equal(new Set(cells.map((c) => c.id)).size, cells.length, 'cell ids are unique');
  assert.match(message(() => parseShard('0/3')), /expected i\/n with 1 ≤ i ≤ n/);
  assert.match(message(() => parseShard('x')), /expected i\/n/);
});

test('the paper scale is the appendix exactly; quick keeps the σ range and scales the period with K', () => {
  const paper = getExperiment('table1').cells('paper');
  const cell = paper.find((c) => c.id === 'd16-one-to-many-otp-s0');
  assert.ok(cell);
  assert.deepEqual([cell.config.iterations, cell.config.innerSteps, cell.config.batchSize, cell.config.map.hidden[0], cell.config.smoothing?.period], [20_000, 20, 128, 1024, 2000]);
  const quick = getExperiment('table1').cells('quick').find((c) => c.id === 'd16-one-to-many-otp-s0');
  assert.ok(quick?.config.smoothing);
  assert.equal(quick.config.smoothing.period / quick.config.iterations, 2000 / 20_000);
  assert.deepEqual([quick.config.smoothing.sigmaMax, quick.config.smoothing.sigmaMin], [0.2, 0.05]);
  // Every experiment builds its cells at every scale without error.
  for (const e of listExperiments()) for (const s of ['smoke', 'quick', 'paper'] as const) assert.ok(e.cells(s).length > 0, `${e.name} ${s}`);
});
