import { join } from 'node:path';
import { selectBackend, type BackendInfo } from '../backend';
import { UserError } from '../errors';
import { disposeMethod, readCheckpoint, trainRuns, type LogRow, type Progress, type TrainResult, type TransportPlan } from '../solvers';
import { machineInfo, versions } from '../versions';
import type { Pair } from '../data/types';
import { buildGroup, loadRunPlan, loopOptions } from './build';
import { resolveData } from './data';
import { configHash, validateTrainConfig, type TrainConfig } from './config';
import { evaluateRun, type RunMetrics, type RunSamples } from './evaluate';
import { progressReporter } from './progress';
import { RUN_FILES, checkRunCheckpoint, lockRunFolder, openRunFolder, usableRun, withRunCheckpoint, writeJsonAtomic, type RunLock, type RunRecord } from './run-folder';

export { configHash } from './config';
export { RUN_FILES, readRunConfig, readRunRecord, writeJsonAtomic } from './run-folder';
export type { RunRecord } from './run-folder';

export interface RunOptions {
  readonly resume?: boolean;
  /** Replace the run the folder holds (without it, a folder holding a run is refused unless `resume`). */
  readonly force?: boolean;
  /** Label of the progress line (default: method and pair). */
  readonly label?: string;
  readonly onProgress?: (p: Progress) => void;
  /** Each loss-log row as it is written, with the index of its run among those passed to trainGroup. */
  readonly onLog?: (run: number, row: LogRow) => void;
  /**
   * When it aborts, the runs stop after their current iteration and write a checkpoint ('interrupted'); during the
   * evaluation after training, the evaluation stops and the trained checkpoint stays ('interrupted', interruptedIn).
   */
  readonly signal?: AbortSignal;
  readonly quiet?: boolean;
}

export interface RunOutcome {
  readonly record: RunRecord;
  readonly samples?: RunSamples;
  /** With `resume`: the folder's run had already ended with this configuration; nothing was trained. */
  readonly kept?: boolean;
}

/** The stop of an evaluation by its signal (AbortSignal.throwIfAborted throws the signal's reason). */
function isAbortOf(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && e === signal.reason;
}

/**
 * `otbook train`: trains one configuration into DIR (config.json, loss.csv, checkpoint.bin, metrics.json,
 * samples.json), holding DIR's lock. A folder that holds a run is refused unless `resume` (continue it from its
 * checkpoint; a finished run is not retrained) or `force` (replace it). See run-folder.ts for the promises. It is
 * a group of one (trainGroup).
 */
export async function runTraining(config: TrainConfig, dir: string, options: RunOptions = {}): Promise<RunOutcome> {
  const [outcome] = await trainGroup([{ config, dir }], options);
  return outcome;
}

/** A run folder opened for training inside a group. */
interface OpenRun {
  readonly index: number;
  readonly config: TrainConfig;
  readonly dir: string;
  readonly pair: Pair;
  readonly hash: string;
  readonly resumeFromCheckpoint: boolean;
}

/**
 * Trains runs that share a groupKey (build.ts) as one computation (lib/runs.ts), each into its own folder in
 * the layout of `runTraining` and under its lock: the same files, the same numbers as trained alone. Runs already
 * ended (with `resume`) are returned as they are; runs resumed from different checkpoints train in separate groups.
 */
export async function trainGroup(runs: ReadonlyArray<{ readonly config: TrainConfig; readonly dir: string }>, options: RunOptions = {}): Promise<RunOutcome[]> {
  // Data first: bad input (a missing or ragged CSV, an unknown pair) is reported before anything else happens.
  const data = runs.map((r) => resolveData(r.config));
  // The folders next, before the backend loads: a path that cannot hold a run, a run that must not be replaced and
  // a folder in use are refused at once, with one line.
  const locks: RunLock[] = [];
  try {
    const outcomes: Array<RunOutcome | undefined> = new Array(runs.length);
    const open: OpenRun[] = [];
    runs.forEach((r, index) => {
      const folder = openRunFolder(r.dir, r.config, { resume: options.resume, force: options.force });
      locks.push(folder.lock);
      if (folder.finished) outcomes[index] = { record: folder.finished, kept: true };
      else open.push({ index, config: r.config, dir: r.dir, pair: data[index], hash: configHash(r.config), resumeFromCheckpoint: folder.resumeFromCheckpoint });
    });
    if (open.length > 0) {
      const backend = await selectBackend();
      const parts = resumePartitions(open);
      for (const [k, part] of parts.entries()) {
        // A group split by its checkpoints trains part after part, each from iteration 0 or its own checkpoint: the
        // progress line says which, or a part that starts over at iteration 1 would read as the group restarting.
        const label = options.label && parts.length > 1 ? `${options.label} (part ${k + 1}/${parts.length}: ${describePart(part)})` : options.label;
        const trained = await trainPart(part.runs, backend, { ...options, label });
        for (const [i, r] of part.runs.entries()) outcomes[r.index] = trained[i];
      }
    }
    return outcomes as RunOutcome[];
  } finally {
    for (const lock of locks) lock.release();
  }
}

/** Runs of a group that start from the same point: iteration 0 (`from` null) or one checkpoint's iteration. */
interface ResumePart {
  readonly from: number | null;
  readonly runs: OpenRun[];
}

/** Runs that can share the loop: fresh runs together, resumed runs grouped by the iteration their checkpoints hold. */
function resumePartitions(runs: readonly OpenRun[]): ResumePart[] {
  const byStart = new Map<number | null, OpenRun[]>();
  for (const r of runs) {
    const from = r.resumeFromCheckpoint ? withRunCheckpoint(r.dir, () => readCheckpoint(r.dir)).iteration : null;
    byStart.set(from, [...(byStart.get(from) ?? []), r]);
  }
  return [...byStart.entries()].map(([from, part]) => ({ from, runs: part }));
}

/** "2 runs resumed from iteration 7000", "1 run from the start". */
function describePart(part: ResumePart): string {
  const runs = `${part.runs.length} run${part.runs.length === 1 ? '' : 's'}`;
  return part.from === null ? `${runs} from the start` : `${runs} resumed from iteration ${part.from}`;
}

/** Trains one partition (runs starting at the same iteration) as one computation, then evaluates and records each. */
async function trainPart(part: readonly OpenRun[], backend: BackendInfo, options: RunOptions): Promise<RunOutcome[]> {
  const { pairs, method } = buildGroup(part.map((r) => r.config), part.map((r) => r.pair));
  const first = part[0];
  const label =
    options.label ??
    (part.length > 1 ? `${first.config.method} d=${first.config.dim}, ${part.length} runs` : `${first.config.method} ${first.config.pair ?? first.pair.name} d=${first.pair.dim} seed=${first.config.seed}`);
  const reporter = options.quiet ? null : progressReporter(label);
  try {
    const results = await trainRuns(
      method,
      part.map((r, i) => ({ source: pairs[i].source, target: pairs[i].target, seed: r.config.seed, runDir: r.dir, meta: { configHash: r.hash }, onLog: (row: LogRow) => options.onLog?.(r.index, row) })),
      {
        ...loopOptions(part.map((r) => r.config)),
        resume: part[0].resumeFromCheckpoint,
        signal: options.signal,
        onProgress: (p) => {
          reporter?.update(p);
          options.onProgress?.(p);
        },
      },
    );
    reporter?.done();
    const outcomes: RunOutcome[] = [];
    for (const [i, r] of part.entries()) {
      const plan = results[i].status === 'completed' ? method.plan(i) : null;
      try {
        outcomes.push(await closeRunFolder(r, results[i], plan, backend, part.length, options.signal));
      } finally {
        plan?.dispose();
      }
    }
    return outcomes;
  } finally {
    disposeMethod(method);
  }
}

/**
 * Closes a run's folder after training: a completed run's plan is evaluated (samples.json), and metrics.json records
 * what the run did. `groupSize` > 1 says the run trained in a group of that many (its trainSeconds are the group's).
 * An evaluation stopped by `signal` leaves the run 'interrupted' in its evaluation, its trained checkpoint kept.
 */
async function closeRunFolder(run: OpenRun, result: TrainResult, plan: TransportPlan | null, backend: BackendInfo, groupSize: number, signal: AbortSignal | undefined): Promise<RunOutcome> {
  const { config, dir, pair, hash } = run;
  let status = result.status;
  let interruptedIn: RunRecord['interruptedIn'];
  let metrics: RunMetrics | undefined;
  let samples: RunSamples | undefined;
  if (status === 'completed' && plan) {
    try {
      ({ metrics, samples } = await evaluateRun(plan, pair, config, { signal }));
      writeJsonAtomic(join(dir, RUN_FILES.samples), samples);
    } catch (e) {
      if (!isAbortOf(e, signal)) throw e;
      status = 'interrupted';
      interruptedIn = 'evaluation';
    }
  }
  const record: RunRecord = {
    status,
    method: config.method,
    pair: config.pair ?? pair.name,
    dim: pair.dim,
    seed: config.seed,
    iterations: config.iterations,
    iterationsDone: result.iterationsDone,
    divergedAt: result.divergedAt,
    resumedFrom: result.resumedFrom,
    interruptedIn,
    trainSeconds: result.seconds,
    ...(groupSize > 1 ? { groupSize } : {}),
    configHash: hash,
    backend,
    versions: versions(),
    metrics,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
  };
  writeJsonAtomic(join(dir, RUN_FILES.metrics), record);
  return { record, samples };
}

/**
 * `otbook eval`: recomputes a finished run's metrics from its checkpoint (optionally with another n, within the
 * configuration's bounds), holding the folder's lock. A diverged or unfinished run is refused. When `signal`
 * aborts, the evaluation stops and nothing is written (the caller sees the signal's reason thrown).
 */
export async function evaluateSavedRun(dir: string, n?: number, options: { signal?: AbortSignal } = {}): Promise<RunRecord> {
  const { config, record } = usableRun(dir, 'evaluate');
  if (!record) throw new UserError(`${dir}: no ${RUN_FILES.metrics}; the run has not finished (resume it with otbook train --resume)`);
  if (record.status !== 'completed') {
    throw new UserError(`${dir}: the run was interrupted after ${record.iterationsDone}/${record.iterations} iterations; finish it first (otbook train --resume)`);
  }
  const cfg = n === undefined ? config : validateTrainConfig({ ...config, eval: { ...config.eval, n } }, `--n ${n}`);
  checkRunCheckpoint(dir, config);
  const lock = lockRunFolder(dir);
  try {
    await selectBackend();
    const pair = resolveData(cfg);
    const plan = withRunCheckpoint(dir, () => loadRunPlan(cfg, dir));
    try {
      const { metrics, samples } = await evaluateRun(plan, pair, cfg, { signal: options.signal });
      writeJsonAtomic(join(dir, RUN_FILES.samples), samples);
      const updated: RunRecord = { ...record, metrics, finishedAt: new Date().toISOString() };
      writeJsonAtomic(join(dir, RUN_FILES.metrics), updated);
      return updated;
    } finally {
      plan.dispose();
    }
  } finally {
    lock.release();
  }
}
