import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend, type BackendInfo } from '../backend';
import { UserError } from '../errors';
import { disposeMethod, hasCheckpoint, readCheckpoint, trainRuns, type LogRow, type Progress, type TrainResult, type TrainStatus, type TransportPlan } from '../solvers';
import { versions } from '../versions';
import type { Pair } from '../data/types';
import { buildGroup, loadRunPlan, loopOptions } from './build';
import { resolveData } from './data';
import { validateConfigInput, type TrainConfig } from './config';
import { evaluateRun, type RunMetrics, type RunSamples } from './evaluate';
import { progressReporter } from './progress';

/** DIR/metrics.json: what a run did and measured, with everything needed to trust and repeat it. */
export interface RunRecord {
  readonly status: TrainStatus;
  readonly method: string;
  readonly pair: string;
  readonly dim: number;
  readonly seed: number;
  readonly iterations: number;
  readonly iterationsDone: number;
  readonly divergedAt?: number;
  readonly resumedFrom?: number;
  readonly trainSeconds: number;
  /** Set when the run trained in a group of this many runs (lib/runs.ts); trainSeconds are then the group's. */
  readonly groupSize?: number;
  readonly configHash: string;
  readonly backend: BackendInfo;
  readonly versions: Record<string, string>;
  readonly metrics?: RunMetrics;
  readonly finishedAt: string;
}

export const RUN_FILES = { config: 'config.json', metrics: 'metrics.json', samples: 'samples.json', loss: 'loss.csv' } as const;

/** Hash of what determines a run's result (not its logging or checkpoint cadence, nor its evaluation). */
export function configHash(c: TrainConfig): string {
  const { checkpointEvery: _c, logEvery: _l, eval: _e, ...rest } = c;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export function readRunConfig(dir: string): TrainConfig {
  const f = join(dir, RUN_FILES.config);
  if (!existsSync(f)) throw new UserError(`${dir} is not a run folder: ${RUN_FILES.config} is missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(f, 'utf8'));
  } catch (e) {
    throw new UserError(`${f}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return validateConfigInput(raw, f) as TrainConfig;
}

export function readRunRecord(dir: string): RunRecord | null {
  const f = join(dir, RUN_FILES.metrics);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as RunRecord) : null;
}

export interface RunOptions {
  readonly resume?: boolean;
  /** Label of the progress line (default: method and pair). */
  readonly label?: string;
  readonly onProgress?: (p: Progress) => void;
  /** Each loss-log row as it is written, with the index of its run among those passed to trainGroup. */
  readonly onLog?: (run: number, row: LogRow) => void;
  /** When it aborts, the run stops after its current iteration and writes a checkpoint ('interrupted'). */
  readonly signal?: AbortSignal;
  readonly quiet?: boolean;
}

export interface RunOutcome {
  readonly record: RunRecord;
  readonly samples?: RunSamples;
}

/**
 * Opens DIR for a run: with `resume`, a completed run of the same configuration is returned as it is (not
 * retrained) and a folder holding another configuration is refused; otherwise (and for an unfinished run)
 * config.json is written.
 */
export function openRunFolder(config: TrainConfig, dir: string, resume: boolean | undefined): { hash: string; finished?: RunRecord } {
  mkdirSync(dir, { recursive: true });
  const hash = configHash(config);
  const previous = readRunRecord(dir);
  if (resume && previous?.status === 'completed' && previous.configHash === hash) {
    return { hash, finished: previous };
  }
  if (existsSync(join(dir, RUN_FILES.config)) && resume) {
    const old = readRunConfig(dir);
    if (configHash(old) !== hash) {
      throw new UserError(`cannot resume in ${dir}: it holds a run with another configuration (${configHash(old)} ≠ ${hash}); use a new --out`);
    }
  }
  writeJsonAtomic(join(dir, RUN_FILES.config), config);
  return { hash };
}

/**
 * Closes DIR after training: a completed run's plan is evaluated (samples.json), and metrics.json records what
 * the run did. `groupSize` > 1 says the run trained in a group of that many (its trainSeconds are the group's).
 */
export async function closeRunFolder(
  run: { config: TrainConfig; dir: string; pair: Pair; hash: string },
  result: TrainResult,
  plan: TransportPlan | null,
  backend: BackendInfo,
  groupSize = 1,
): Promise<RunOutcome> {
  const { config, dir, pair, hash } = run;
  let metrics: RunMetrics | undefined;
  let samples: RunSamples | undefined;
  if (result.status === 'completed' && plan) {
    ({ metrics, samples } = await evaluateRun(plan, pair, config));
    writeJsonAtomic(join(dir, RUN_FILES.samples), samples);
  }
  const record: RunRecord = {
    status: result.status,
    method: config.method,
    pair: config.pair ?? pair.name,
    dim: pair.dim,
    seed: config.seed,
    iterations: config.iterations,
    iterationsDone: result.iterationsDone,
    divergedAt: result.divergedAt,
    resumedFrom: result.resumedFrom,
    trainSeconds: result.seconds,
    ...(groupSize > 1 ? { groupSize } : {}),
    configHash: hash,
    backend,
    versions: versions(),
    metrics,
    finishedAt: new Date().toISOString(),
  };
  writeJsonAtomic(join(dir, RUN_FILES.metrics), record);
  return { record, samples };
}

/**
 * `otbook train`: trains one configuration into DIR (config.json, loss.csv, checkpoint.bin, metrics.json,
 * samples.json). With `resume`, continues from DIR's checkpoint; a completed run is not retrained. It is a group
 * of one (trainGroup).
 */
export async function runTraining(config: TrainConfig, dir: string, options: RunOptions = {}): Promise<RunOutcome> {
  const [outcome] = await trainGroup([{ config, dir }], options);
  return outcome;
}

/**
 * Trains runs that share a groupKey (build.ts) as one computation (lib/runs.ts), each into its own folder in the
 * layout of `runTraining`: the same files, the same numbers as trained alone. Runs already completed (with
 * `resume`) are returned as they are; runs resumed from different checkpoints train in separate groups.
 */
export async function trainGroup(runs: ReadonlyArray<{ readonly config: TrainConfig; readonly dir: string }>, options: RunOptions = {}): Promise<RunOutcome[]> {
  // Data first: bad input (a missing or ragged CSV, an unknown pair) is reported before anything else happens.
  const data = runs.map((r) => resolveData(r.config));
  const backend = await selectBackend();
  const outcomes: Array<RunOutcome | undefined> = new Array(runs.length);
  const open: Array<{ index: number; config: TrainConfig; dir: string; pair: Pair; hash: string }> = [];
  runs.forEach((r, i) => {
    const { hash, finished } = openRunFolder(r.config, r.dir, options.resume);
    if (finished) outcomes[i] = { record: finished };
    else open.push({ index: i, config: r.config, dir: r.dir, pair: data[i], hash });
  });
  for (const part of resumePartitions(open, options.resume)) {
    const { pairs, method } = buildGroup(part.map((r) => r.config), part.map((r) => r.pair));
    const first = part[0];
    const label = options.label ?? (part.length > 1 ? `${first.config.method} d=${first.config.dim}, ${part.length} runs` : `${first.config.method} ${first.config.pair ?? first.pair.name} d=${first.pair.dim} seed=${first.config.seed}`);
    const reporter = options.quiet ? null : progressReporter(label);
    try {

      const results = await trainRuns(
        method,
        part.map((r, i) => ({ source: pairs[i].source, target: pairs[i].target, seed: r.config.seed, runDir: r.dir, meta: { configHash: r.hash }, onLog: (row: LogRow) => options.onLog?.(r.index, row) })),
        {
          ...loopOptions(part.map((r) => r.config)),
          resume: options.resume,
          signal: options.signal,
          onProgress: (p) => {
            reporter?.update(p);
            options.onProgress?.(p);
          },
        },
      );
      reporter?.done();
      for (const [i, r] of part.entries()) {
        const plan = results[i].status === 'completed' ? method.plan(i) : null;
        try {
          outcomes[r.index] = await closeRunFolder(r, results[i], plan, backend, part.length);
        } finally {
          plan?.dispose();
        }
      }
    } finally {
      disposeMethod(method);
    }
  }
  return outcomes as RunOutcome[];
}

/** Runs that can share the loop: grouped by the iteration their checkpoints resume from (0 without one). */
function resumePartitions<T extends { dir: string }>(runs: readonly T[], resume: boolean | undefined): T[][] {
  if (runs.length === 0) return [];
  if (!resume) return [[...runs]];
  const byStart = new Map<number, T[]>();
  for (const r of runs) {
    const start = hasCheckpoint(r.dir) ? readCheckpoint(r.dir).iteration : 0;
    byStart.set(start, [...(byStart.get(start) ?? []), r]);
  }
  return [...byStart.values()];
}

/** `otbook eval`: recomputes a finished run's metrics from its checkpoint (optionally with another n). */
export async function evaluateSavedRun(dir: string, n?: number): Promise<RunRecord> {
  await selectBackend();
  const config = readRunConfig(dir);
  const record = readRunRecord(dir);
  if (!record) throw new UserError(`${dir}: no ${RUN_FILES.metrics}; the run has not finished (resume it with otbook train --resume)`);
  const cfg: TrainConfig = n ? { ...config, eval: { ...config.eval, n } } : config;
  const pair = resolveData(cfg);
  const plan = loadRunPlan(cfg, dir);
  try {
    const { metrics, samples } = await evaluateRun(plan, pair, cfg);
    writeJsonAtomic(join(dir, RUN_FILES.samples), samples);
    const updated: RunRecord = { ...record, metrics, finishedAt: new Date().toISOString() };
    writeJsonAtomic(join(dir, RUN_FILES.metrics), updated);
    return updated;
  } finally {
    plan.dispose();
  }
}
