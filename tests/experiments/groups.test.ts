import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../lib/experiments/defaults';
import type { TrainConfig, TrainConfigInput } from '../../lib/experiments/config';
import { runTraining, trainGroup, type RunOutcome } from '../../lib/experiments/runner';
import { readCheckpoint } from '../../lib/solvers';
import { inTempDir } from '../helpers/tmp';
import { useTestBackend } from '../helpers/tf';

/**
 * Batched runs (lib/runs.ts): a run trained in a group is the same run as trained alone. On the cpu backend
 * (native kernels or not) every op of a group computes each run's block with exactly the float operations of the
 * run alone (per-run sgemm calls, per-run reductions in the same order, element-wise ops), so the comparison is
 * bitwise: weights, optimiser moments, random streams, every logged loss and every metric.
 */
before(() => useTestBackend('cpu'));

const small = { iterations: 10, innerSteps: 2, batchSize: 32, potential: { hidden: [16] }, map: { hidden: [16] }, logEvery: 5, checkpointEvery: 5, eval: { n: 100, floor: false, plotSamples: 10 } };

/** Groups of 3 whose runs differ in everything a group allows: seed, pair, lr, α, λ, γ, σ's schedule. */
const GROUPS: Record<string, TrainConfigInput[]> = {
  'OTM with R1 (gradients of gradients); pairs, α, λ and lr differ': [
    { method: 'otm', pair: 'one-to-many', dim: 4, seed: 0, alpha: 1, lambda: 0.5 },
    { method: 'otm', pair: 'perpendicular', dim: 4, seed: 1, alpha: 0.5, lambda: 1, lr: 3e-4 },
    { method: 'otm', pair: 'parallel', dim: 4, seed: 2, alpha: 0.01, lambda: 2 },
  ],
  'OTP and OTP-CNS with the ICNN potential; schedules differ': [
    { method: 'otp', pair: 'perpendicular', seed: 0, potential: { kind: 'icnn', hidden: [8, 8], activation: 'softplus' }, smoothing: { period: 3 } },
    { method: 'otp', pair: 'one-to-many', seed: 1, potential: { kind: 'icnn', hidden: [8, 8], activation: 'softplus' }, smoothing: { schedule: 'constant' } },
    { method: 'otp', pair: 'perpendicular', seed: 2, alpha: 0.5, potential: { kind: 'icnn', hidden: [8, 8], activation: 'softplus' }, smoothing: { sigmaMax: 0.4, period: 2 } },
  ],
  'NOT (stochastic map, Z draws); γ differs': [0.5, 1, 2].map((gamma, seed) => ({ method: 'not', pair: 'one-to-many', seed, not: { gamma }, potential: { hidden: [8, 8] }, map: { hidden: [8, 8] } })),
  'DIOTM with the HJB regularizer (gradients of gradients through SiLU); tasks and λ differ': [
    { method: 'diotm', pair: 'g8g', seed: 0, lambda: 0.1 },
    { method: 'diotm', pair: 'g25g', seed: 1, lambda: 1 },
    { method: 'diotm', pair: 'moon-spiral', seed: 2, lambda: 10 },
  ].map((c) => ({ ...c, iterations: 4, logEvery: 2, checkpointEvery: 2, batchSize: 32, diotm: { regularizer: 'hjb', width: 16 }, map: { hidden: [16] }, eval: small.eval }) as TrainConfigInput),
};

const configsOf = (inputs: readonly TrainConfigInput[]): TrainConfig[] => inputs.map((i) => resolveConfig({ ...small, ...i }));

/** Everything a run folder holds that does not depend on the clock or the group: the checkpoint, losses, metrics. */
function folderState(dir: string): unknown {
  const ck = existsSync(join(dir, 'checkpoint.bin')) ? readCheckpoint(dir) : null;
  const { elapsedSeconds: _e, ...meta } = ck?.meta ?? {};
  const record = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
  const { trainSeconds: _t, finishedAt: _f, groupSize: _g, metrics, ...rest } = record;
  const { evalSeconds: _s, ...measured } = (metrics ?? {}) as Record<string, unknown>;
  return {
    checkpoint: ck && { iteration: ck.iteration, rng: ck.rng, params: ck.params, optimizers: ck.optimizers, meta },
    losses: readFileSync(join(dir, 'loss.csv'), 'utf8').trim().split('\n').map((l) => l.split(',').filter((_, i) => i !== 1).join(',')),
    record: rest,
    metrics: metrics ? measured : null,
    samples: existsSync(join(dir, 'samples.json')) ? readFileSync(join(dir, 'samples.json'), 'utf8') : null,
  };
}

async function aloneStates(root: string, configs: readonly TrainConfig[]): Promise<unknown[]> {
  const states: unknown[] = [];
  for (const [r, c] of configs.entries()) {
    await runTraining(c, join(root, `alone-${r}`), { quiet: true });
    states.push(folderState(join(root, `alone-${r}`)));
  }
  return states;
}

for (const [name, inputs] of Object.entries(GROUPS)) {
  test(`a group of 3 trains each run exactly as alone, bit for bit: ${name}`, () =>
    inTempDir('group', async (root) => {
      const configs = configsOf(inputs);
      const outcomes = await trainGroup(configs.map((config, r) => ({ config, dir: join(root, `group-${r}`) })), { quiet: true });
      assert.deepEqual(outcomes.map((o) => o.record.status), ['completed', 'completed', 'completed']);
      assert.deepEqual(outcomes.map((o) => o.record.groupSize), [3, 3, 3]);
      const alone = await aloneStates(root, configs);
      configs.forEach((_, r) => assert.deepEqual(folderState(join(root, `group-${r}`)), alone[r], `run ${r}`));
    }));
}

test('one run of a group whose step size explodes is frozen as diverged at its iteration; the others are untouched', () =>
  inTempDir('group', async (root) => {
    const configs = configsOf([0, 1, 2].map((seed) => ({ method: 'otm', pair: 'one-to-many', seed, iterations: 30, ...(seed === 1 ? { lr: 1e6 } : {}) })));
    const outcomes: RunOutcome[] = await trainGroup(configs.map((config, r) => ({ config, dir: join(root, `group-${r}`) })), { quiet: true });
    const bad = outcomes[1].record;
    assert.equal(bad.status, 'diverged');
    assert.ok(bad.divergedAt !== undefined && bad.divergedAt < 5, `divergedAt ${bad.divergedAt}`);
    assert.equal(bad.iterationsDone, bad.divergedAt);
    assert.equal(bad.metrics, undefined);
    assert.equal(existsSync(join(root, 'group-1', 'checkpoint.bin')), false);
    // The healthy runs complete exactly as they do alone.
    const alone = await aloneStates(root, [configs[0], configs[2]]);
    assert.deepEqual(folderState(join(root, 'group-0')), alone[0]);
    assert.deepEqual(folderState(join(root, 'group-2')), alone[1]);
  }));

test("an interrupted group resumes every run exactly, also when a kill left its runs' checkpoints at different iterations", () =>
  inTempDir('group', async (root) => {
    const configs = configsOf([0, 1, 2].map((seed) => ({ method: 'otp', pair: ['one-to-many', 'perpendicular', 'parallel'][seed], seed, iterations: 20, smoothing: { period: 4 } })));
    const runs = configs.map((config, r) => ({ config, dir: join(root, `group-${r}`) }));
    const controller = new AbortController();
    const stale = join(root, 'checkpoint-at-5.bin');
    const first = await trainGroup(runs, {
      quiet: true,
      signal: controller.signal,
      onLog: (run, row) => {
        // Keep run 2's checkpoint of iteration 5, then stop at 10: as if a kill had come between the renames of
        // the group's checkpoints at 10, after runs 0 and 1 and before run 2.
        if (run === 2 && row.iteration === 10) {
          copyFileSync(join(runs[2].dir, 'checkpoint.bin'), stale);
          controller.abort();
        }
      },
    });
    assert.deepEqual(first.map((o) => [o.record.status, o.record.iterationsDone]), [['interrupted', 10], ['interrupted', 10], ['interrupted', 10]]);
    copyFileSync(stale, join(runs[2].dir, 'checkpoint.bin'));
    assert.equal(readCheckpoint(runs[2].dir).iteration, 5);
    // The group trains in two parts; its progress lines say which part runs (a part resumed from an earlier
    // iteration must not read as the whole group starting over).
    const lines: string[] = [];
    const write = process.stderr.write;
    const mode = process.env.OTBOOK_PROGRESS;
    process.env.OTBOOK_PROGRESS = 'lines';
    process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    let resumed: RunOutcome[];
    try {
      resumed = await trainGroup(runs, { resume: true, label: '[group 1/1: 3 runs]' });
    } finally {
      process.stderr.write = write;
      if (mode === undefined) delete process.env.OTBOOK_PROGRESS;
      else process.env.OTBOOK_PROGRESS = mode;
    }
    const labels = new Set(lines.map((l) => l.slice(0, l.indexOf(')') + 1)));
    assert.deepEqual([...labels].sort(), ['[group 1/1: 3 runs] (part 1/2: 2 runs resumed from iteration 10)', '[group 1/1: 3 runs] (part 2/2: 1 run resumed from iteration 5)']);
    assert.deepEqual(resumed.map((o) => [o.record.status, o.record.resumedFrom]), [['completed', 10], ['completed', 10], ['completed', 5]]);
    const alone = await aloneStates(root, configs);
    for (const r of [0, 1, 2]) {
      const { record: a, ...got } = folderState(runs[r].dir) as { record: Record<string, unknown> };
      const { record: b, ...want } = alone[r] as { record: Record<string, unknown> };
      assert.deepEqual(got, want, `run ${r}`);
      assert.deepEqual({ ...a, resumedFrom: undefined }, { ...b, resumedFrom: undefined });
    }
  }));
