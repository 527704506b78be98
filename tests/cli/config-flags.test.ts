import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../lib/cli/args';
import { CONFIG_FLAGS, configFromFlags } from '../../lib/cli/config-flags';
import { UserError } from '../../lib/errors';
import { resolveConfig } from '../../lib/experiments/defaults';
import { linearSigma } from '../../lib/schedules';

const flags = (argv: string[]) => configFromFlags(parseArgs(argv, CONFIG_FLAGS, 'train'));

test('--sigma-period sets P of the noise schedule and keeps the other σ fields at their defaults', () => {
  // A tenth of App. E.1 (2000 of 20K iterations) with P scaled alike: σ passes the same levels, ten times faster.
  const c = resolveConfig(flags(['--method', 'otp', '--pair', 'one-to-many', '--dim', '16', '--iterations', '2000', '--sigma-period', '200']));
  assert.ok(c.smoothing);
  assert.deepEqual([c.smoothing.period, c.smoothing.sigmaMax, c.smoothing.sigmaMin], [200, 0.2, 0.05]);
  const paper = resolveConfig(flags(['--method', 'otp', '--pair', 'one-to-many', '--dim', '16']));
  assert.ok(paper.smoothing);
  assert.equal(paper.smoothing.period, 2000);
  // About the same σ at the same fraction of the run (Eq. 38; its "+1" makes it not exactly scale-free):
  // iteration 500 of 2000 against 5000 of 20000, and far from it at iteration 500 of 20000.
  const sigma = (s: { sigmaMax: number; sigmaMin: number; period: number }, k: number, total: number) => linearSigma(k, { ...s, totalIterations: total });
  assert.ok(Math.abs(sigma(c.smoothing, 500, 2000) - sigma(paper.smoothing, 5000, 20000)) < 1e-3);
  assert.ok(Math.abs(sigma(c.smoothing, 500, 2000) - sigma(paper.smoothing, 500, 20000)) > 0.03);
});

test('flags: σ fields combine, and a bad period is one clear line', () => {
  const c = resolveConfig(flags(['--method', 'otp', '--pair', 'perpendicular', '--sigma-max', '0.3', '--sigma-period', '50']));
  assert.ok(c.smoothing);
  assert.deepEqual([c.smoothing.sigmaMax, c.smoothing.sigmaMin, c.smoothing.period], [0.3, 0.05, 50]);
  assert.throws(() => flags(['--sigma-period', '0.5']), (e: unknown) => e instanceof UserError && /--sigma-period/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => resolveConfig(flags(['--method', 'otp', '--pair', 'one-to-many', '--sigma-period', '0'])), (e: unknown) => e instanceof UserError && /\/smoothing\/period: 0 is not allowed/.test(e.message) && !e.message.includes('\n'));
});
