import { join } from 'node:path';
import { selectBackend } from '../backend';
import { UserError } from '../errors';
import { disposeMethod, loadWeights, train, type Progress } from '../solvers';
import { versions } from '../versions';
import { buildRun } from './build';
import { resolveData } from './data';
import { configHash, validateTrainConfig, type TrainConfig } from './config';
import { evaluateRun, type RunMetrics, type RunSamples } from './evaluate';
import { progressReporter } from './progress';
import type { Pair } from '../data/types';
import { RUN_FILES, checkRunCheckpoint, lockRunFolder, openRunFolder, usableRun, withRunCheckpoint, writeJsonAtomic, type RunRecord } from './run-folder';

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
  /**
   * When it aborts, the run stops after its current iteration and writes a checkpoint ('interrupted'); during the
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
 * checkpoint; a finished run is not retrained) or `force` (replace it). See run-folder.ts for the promises.
 */
export async function runTraining(config: TrainConfig, dir: string, options: RunOptions = {}): Promise<RunOutcome> {
  // Data first: bad input (a missing or ragged CSV, an unknown pair) is reported before anything else happens.
  const data = resolveData(config);
  // The folder next, before the backend loads: a path that cannot hold a run, a run that must not be replaced and a
  // folder in use are refused at once, with one line.
  const folder = openRunFolder(dir, config, { resume: options.resume, force: options.force });
  try {
    if (folder.finished) return { record: folder.finished, kept: true };
    return await trainAndEvaluate(config, dir, data, folder.resumeFromCheckpoint, options);
  } finally {
    folder.lock.release();
  }
}

/** The work of runTraining inside its locked folder: train (from the checkpoint when `resume`), evaluate, record. */
async function trainAndEvaluate(config: TrainConfig, dir: string, data: Pair, resume: boolean, options: RunOptions): Promise<RunOutcome> {
  const backend = await selectBackend();
  const hash = configHash(config);
  const { pair, method } = buildRun(config, data);
  const label = options.label ?? `${config.method} ${config.pair ?? pair.name} d=${pair.dim} seed=${config.seed}`;
  const reporter = options.quiet ? null : progressReporter(label);
  try {
    const result = await train(method, pair.source, pair.target, {
      iterations: config.iterations,
      innerSteps: config.innerSteps,
      batchSize: config.batchSize,
      adam: { lr: config.lr, betas: config.betas },
      seed: config.seed,
      logEvery: config.logEvery,
      runDir: dir,
      checkpointEvery: config.checkpointEvery,
      resume,
      meta: { configHash: hash },
      signal: options.signal,
      onProgress: (p) => {
        reporter?.update(p);
        options.onProgress?.(p);
      },
    });
    reporter?.done();
    let status = result.status;
    let interruptedIn: RunRecord['interruptedIn'];
    let metrics: RunMetrics | undefined;
    let samples: RunSamples | undefined;
    if (status === 'completed') {
      try {
        ({ metrics, samples } = await evaluateRun(method, pair, config, { signal: options.signal }));
        writeJsonAtomic(join(dir, RUN_FILES.samples), samples);
      } catch (e) {
        if (!isAbortOf(e, options.signal)) throw e;
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
      configHash: hash,
      backend,
      versions: versions(),
      metrics,
      finishedAt: new Date().toISOString(),
    };
    writeJsonAtomic(join(dir, RUN_FILES.metrics), record);
    return { record, samples };
  } finally {
    disposeMethod(method);
  }
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
    return await evaluateInFolder(dir, cfg, record, options.signal);
  } finally {
    lock.release();
  }
}

async function evaluateInFolder(dir: string, cfg: TrainConfig, record: RunRecord, signal: AbortSignal | undefined): Promise<RunRecord> {
  const { pair, method } = buildRun(cfg);
  try {
    withRunCheckpoint(dir, () => loadWeights(method, dir));
    const { metrics, samples } = await evaluateRun(method, pair, cfg, { signal });
    writeJsonAtomic(join(dir, RUN_FILES.samples), samples);
    const updated: RunRecord = { ...record, metrics, finishedAt: new Date().toISOString() };
    writeJsonAtomic(join(dir, RUN_FILES.metrics), updated);
    return updated;
  } finally {
    disposeMethod(method);
  }
}
