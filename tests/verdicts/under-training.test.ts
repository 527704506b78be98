import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftDirection, farFromBest, FLAT_SHARE, lossFlattening, nearIdentity, parseLossCsv, TREND_T, type LossRow } from '../../lib/verdicts/under-training';
import { underTrainedFromFiles } from '../../lib/reports/evidence';
import { readResults, resolveConfig } from '../../lib/experiments';
import { paths } from '../../lib/paths';
import { Rng } from '../../lib/random';

/** A logged transport cost c(k) plus seeded noise of the given size, every 10 iterations up to `iterations`. */
function log(c: (k: number) => number, iterations: number, noise = 0.01, seed = 1): LossRow[] {
  const rng = new Rng(seed);
  const rows: LossRow[] = [];
  for (let k = 10; k <= iterations; k += 10) rows.push({ iteration: k, values: { 'map.cost': c(k) + noise * rng.normal() } });
  return rows;
}

test('a cost that has reached its plateau has flattened; one still climbing at a steady rate has not', () => {
  const plateau = lossFlattening(log((k) => 1 - Math.exp(-k / 500), 10_000));
  assert.equal(plateau.flattened, true, plateau.text);
  // A straight ramp moves a fifth of its range over its last fifth: still climbing, not flattened.
  const climbing = lossFlattening(log((k) => k / 10_000, 10_000));
  assert.equal(climbing.flattened, false, climbing.text);
  assert.ok(Math.abs(climbing.drift) > FLAT_SHARE * climbing.range);
  assert.ok(Math.abs(climbing.drift / climbing.range - 0.2) < 0.02, climbing.text);
  // The plateau curve stopped early (200 iterations of a 500-iteration time constant): not flattened.
  assert.equal(lossFlattening(log((k) => 1 - Math.exp(-k / 500), 200, 0.001)).flattened, false);
});

test('a cost that swings around its plateau without a direction has flattened; a ramp as noisy has not', () => {
  // Settled at 1 within the first tenth, then ±0.5 from one logged value to the next (20 seeds). The fitted line
  // through four block means moves more than 15% of the range by chance in 6 of them, which alone read as "not
  // flattened" before the trend had to stand out of the scatter; the t test flags about the 5% its level allows.
  const plateau = (seed: number) => lossFlattening(log((k) => 1 - Math.exp(-k / 500), 20_000, 0.5, seed));
  const runs = Array.from({ length: 20 }, (_, i) => plateau(i + 1));
  const movedByChance = runs.filter((f) => Math.abs(f.drift) > FLAT_SHARE * f.range).length;
  assert.ok(movedByChance >= 5, `${movedByChance} of 20 noise-only tails move > 15% of the range`);
  const flagged = runs.filter((f) => f.flattened === false);
  assert.ok(flagged.length <= 2, `${flagged.length} of 20 noise-only tails flagged: ${flagged.map((f) => f.text).join(' | ')}`);
  for (const f of flagged) assert.ok(Math.abs(f.trendT) >= TREND_T);
  const fluctuating = runs.find((f) => Math.abs(f.drift) > FLAT_SHARE * f.range && f.flattened);
  assert.match(fluctuating?.text ?? '', /fluctuates without a direction/);
  // The same noise on a cost still climbing by 1 per fifth of the run: the trend stands out (t well above 2).
  for (let seed = 1; seed <= 5; seed++) {
    const ramp = lossFlattening(log((k) => (5 * k) / 20_000, 20_000, 0.5, seed));
    assert.equal(ramp.flattened, false, ramp.text);
    assert.ok(ramp.trendT > TREND_T, ramp.text);
  }
});

test('too short a log, or one without the watched column, tells nothing', () => {
  assert.equal(lossFlattening(log((k) => k, 50)).flattened, null);
  assert.equal(lossFlattening([{ iteration: 1, values: { potential: 1 } }]).flattened, null);
});

test('parseLossCsv reads loss.csv as the loop writes it', () => {
  const rows = parseLossCsv('iteration,seconds,potential,map,map.cost\n100,5.5,-0.09,-0.30,0.0129\n200,10.2,-0.2,-0.53,0.0229\n');
  assert.deepEqual(rows, [
    { iteration: 100, values: { potential: -0.09, map: -0.3, 'map.cost': 0.0129 } },
    { iteration: 200, values: { potential: -0.2, map: -0.53, 'map.cost': 0.0229 } },
  ]);
});

test('near the identity: a transport cost under a quarter of W2²', () => {
  assert.match(nearIdentity(0.2, 1) ?? '', /under 25% of W2² = 1\.00/);
  assert.equal(nearIdentity(0.3, 1), null);
  assert.equal(nearIdentity(0.1, undefined), null);
});

test('far from the best published: above the midpoint between the best solver and the linear baseline', () => {
  assert.match(farFromBest(28.9, 1.4, 41.3, 'L2-UVP') ?? '', /L2-UVP 28\.9 is above the midpoint 21\.\d between the best published 1\.4 and the linear baseline 41\.3/);
  assert.equal(farFromBest(21, 1.4, 41.3, 'L2-UVP'), null);
  assert.equal(farFromBest(8.7, 1.4, 41.3, 'L2-UVP'), null);
});

/**
 * Shipped runs the rule flags, each looked at by a person. None today. A shipped run that the rule newly flags fails
 * the test below, so that someone looks at it before the verdicts change with it.
 */
const FLAGGED_SHIPPED: Readonly<Record<string, RegExp>> = {};

/**
 * Shipped baselines whose transport cost oscillates to the end of the run: d = 2 Perpendicular OTM-s seed 1
 * (between 0.34 and 1.1 over its last 12K iterations) and d = 64 One-to-Many OTM seed 0 (a sawtooth between 0.5 and
 * 4.2). Their four last block means move more than 15% of the range, which flagged them under-trained before the
 * trend had to stand out of the scatter (TREND_T); their trend t is within ±2.
 */
const FLUCTUATING_SHIPPED = ['d2-perpendicular-otm-s-s1', 'd64-one-to-many-otm-s0'];

test('the oscillating shipped baselines read as fluctuating, not as still moving', () => {
  for (const id of FLUCTUATING_SHIPPED) {
    const f = lossFlattening(parseLossCsv(readFileSync(join(paths.shippedRuns(), 'table1', 'paper', id, 'loss.csv'), 'utf8')));
    assert.ok(Math.abs(f.drift) > FLAT_SHARE * f.range, `${id}: ${f.text}`);
    assert.ok(Math.abs(f.trendT) < TREND_T, `${id}: ${f.text}`);
    assert.equal(f.flattened, true, `${id}: ${f.text}`);
    assert.match(f.text, /fluctuates without a direction/);
  }
});

test('the shipped paper-scale runs are not flagged under-trained (their costs flattened, their maps moved), but for the listed ones', () => {
  const results = readResults('table1', 'paper', join(paths.shippedRuns(), 'table1', 'paper')).filter((r) => r.status === 'completed');
  assert.ok(results.length >= 18);
  for (const r of results) {
    const flag = underTrainedFromFiles(join(paths.shippedRuns(), 'table1', 'paper', r.id), r);
    const expected = FLAGGED_SHIPPED[r.id];
    if (expected) assert.match(flag ?? '', expected, r.id);
    else assert.equal(flag, null, r.id);
  }
  for (const id of Object.keys(FLAGGED_SHIPPED)) assert.ok(results.some((r) => r.id === id), `${id} is shipped`);
  // The file the check reads is the run's own log.
  assert.ok(readFileSync(join(paths.shippedRuns(), 'table1', 'paper', results[0].id, 'loss.csv'), 'utf8').startsWith('iteration,seconds,'));
});

test('a cost still moving towards the optimum is under-training; one running away from it is a failure, not under-training', () => {
  // Optimum 1: a cost climbing from 0 towards 1 is still learning; one climbing from 2 away from 1 drifts into failure.
  const learning = lossFlattening(log((k) => k / 10_000, 10_000));
  assert.equal(learning.flattened, false);
  assert.equal(driftDirection(learning, 1), 'towards');
  const runningAway = lossFlattening(log((k) => 2 + k / 1_000, 10_000));
  assert.equal(runningAway.flattened, false);
  assert.equal(driftDirection(runningAway, 1), 'away');
  // Falling towards an optimum below it, and without a known optimum nothing is decided.
  assert.equal(driftDirection(lossFlattening(log((k) => 5 - k / 10_000, 10_000)), 1), 'towards');
  assert.equal(driftDirection(runningAway, undefined), 'unknown');
});

test('a run whose map cost runs away from α·W2² is not flagged under-trained; one creeping towards it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otbook-drift-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(resolveConfig({ method: 'otm', pair: 'perpendicular', dim: 16 })));
  const write = (c: (k: number) => number) =>
    writeFileSync(join(dir, 'loss.csv'), `iteration,seconds,map.cost\n${log(c, 20_000, 0.01).map((r) => `${r.iteration},0,${r.values['map.cost']}`).join('\n')}\n`);
  const result = { id: 'x', factors: {}, status: 'completed' as const, metrics: { n: 1000, transportCost: 300, dTarget: 300, w2Squared: 16 / 3, evalSeconds: 0 } };
  write((k) => 10 + k / 100); // W2² = 5.33: from 10 up to 210, away from it
  assert.equal(underTrainedFromFiles(dir, result), null);
  write((k) => 2 + (3 * k) / 20_000); // from 2 up to 5, towards 5.33
  assert.match(underTrainedFromFiles(dir, { ...result, metrics: { ...result.metrics, transportCost: 5 } }) ?? '', /loss not flattened/);
});
