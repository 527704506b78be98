/**
 * Records (or checks) small training runs of every method, so that a refactor of the loop, the nets or the
 * solvers can be shown to leave a seed's results unchanged on the cpu backend (issue 17's 'behaviour is unchanged').
 *
 *   node --import tsx scripts/reference-runs.ts --write   # record tests/fixtures/reference-runs.json
 *
 * tests/solvers/reference-runs.test.ts trains the same configurations and compares every metric and every
 * logged loss value with the recorded ones, exactly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../lib/backend';
import { resolveConfig } from '../lib/experiments/defaults';
import { runTraining } from '../lib/experiments/runner';
import type { TrainConfigInput } from '../lib/experiments/config';

/** Small configurations covering every method, schedule and network kind (a few seconds in all). */
export const REFERENCE_CONFIGS: Readonly<Record<string, TrainConfigInput>> = {
  'otm-one-to-many': { method: 'otm', pair: 'one-to-many', dim: 2, iterations: 30, innerSteps: 3, batchSize: 64, potential: { hidden: [32] }, map: { hidden: [32] } },
  'otm-s-perpendicular': { method: 'otm-s', pair: 'perpendicular', dim: 2, iterations: 30, innerSteps: 3, batchSize: 64, potential: { hidden: [32] }, map: { hidden: [32] } },
  'otp-linear-one-to-many': { method: 'otp', pair: 'one-to-many', dim: 2, iterations: 30, innerSteps: 3, batchSize: 64, potential: { hidden: [32] }, map: { hidden: [32] }, smoothing: { period: 4 } },
  'otp-vp-perpendicular': { method: 'otp', pair: 'perpendicular', dim: 4, iterations: 30, innerSteps: 3, batchSize: 64, potential: { hidden: [32] }, map: { hidden: [32] }, smoothing: { schedule: 'vp', period: 5 } },
  'otp-cns-perpendicular': { method: 'otp', pair: 'perpendicular', dim: 4, iterations: 30, innerSteps: 3, batchSize: 64, potential: { hidden: [32] }, map: { hidden: [32] }, smoothing: { schedule: 'constant' } },
  'otm-r1-d16': { method: 'otm', pair: 'one-to-many', dim: 16, iterations: 20, innerSteps: 3, batchSize: 64, alpha: 0.01, lambda: 1, potential: { hidden: [48] }, map: { hidden: [48] } },
  'otm-icnn-perpendicular': { method: 'otm', pair: 'perpendicular', dim: 2, iterations: 20, innerSteps: 3, batchSize: 64, potential: { kind: 'icnn', hidden: [32, 32], activation: 'softplus' }, map: { hidden: [32] } },
  'not-one-to-many': { method: 'not', pair: 'one-to-many', dim: 2, iterations: 20, innerSteps: 3, batchSize: 32, potential: { hidden: [32, 32] }, map: { hidden: [32, 32] } },
  'diotm-hjb-g8g': { method: 'diotm', pair: 'g8g', dim: 2, iterations: 8, batchSize: 64, diotm: { regularizer: 'hjb', width: 32 }, map: { hidden: [32] } },
  'diotm-r1-g8g': { method: 'diotm', pair: 'g8g', dim: 2, iterations: 8, batchSize: 64, diotm: { regularizer: 'r1', width: 32 }, map: { hidden: [32] } },
};

export interface ReferenceRun {
  readonly metrics: Record<string, unknown>;
  /** loss.csv without its seconds column. */
  readonly losses: string[];
}

export async function referenceRun(name: string): Promise<ReferenceRun> {
  const config = resolveConfig({ ...REFERENCE_CONFIGS[name], seed: 3, logEvery: 5, checkpointEvery: 10, eval: { n: 200, floor: true, plotSamples: 50 } });
  const dir = mkdtempSync(join(tmpdir(), `otbook-ref-${name}-`));
  try {
    const { record } = await runTraining(config, dir, { quiet: true });
    if (record.status !== 'completed' || !record.metrics) throw new Error(`${name}: ${record.status}`);
    const { evalSeconds: _e, ...metrics } = record.metrics as unknown as Record<string, unknown>;
    const losses = readFileSync(join(dir, 'loss.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(',').filter((_, i) => i !== 1).join(','));
    return { metrics, losses };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const REFERENCE_FILE = join(__dirname, '..', 'tests', 'fixtures', 'reference-runs.json');

async function main(): Promise<void> {
  const backend = await selectBackend({ force: 'cpu', announce: false });
  const runs: Record<string, ReferenceRun> = {};
  for (const name of Object.keys(REFERENCE_CONFIGS)) {
    const t0 = Date.now();
    runs[name] = await referenceRun(name);
    process.stderr.write(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const out = { recordedAt: new Date().toISOString(), kernels: backend.kernels, runs };
  if (process.argv.includes('--write')) writeFileSync(REFERENCE_FILE, `${JSON.stringify(out, null, 1)}\n`);
  else process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}

if (require.main === module) void main();
