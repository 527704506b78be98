import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend, type BackendInfo } from '../backend';
import { UserError } from '../errors';
import { disposeMethod, train, type Progress, type TrainStatus } from '../solvers';
import { versions } from '../versions';
import { buildRun, loadRunPlan, trainOptions } from './build';
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
  /** When it aborts, the run stops after its current iteration and writes a checkpoint ('interrupted'). */
  readonly signal?: AbortSignal;
  readonly quiet?: boolean;
}

export interface RunOutcome {
  readonly record: RunRecord;
  readonly samples?: RunSamples;
}

/**
 * `otbook train`: trains one configuration into DIR (config.json, loss.csv, checkpoint.bin, metrics.json,
 * samples.json). With `resume`, continues from DIR's checkpoint; a completed run is not retrained.
 */
export async function runTraining(config: TrainConfig, dir: string, options: RunOptions = {}): Promise<RunOutcome> {
  // Data first: bad input (a missing or ragged CSV, an unknown pair) is reported before anything else happens.
  const data = resolveData(config);
  const backend = await selectBackend();
  mkdirSync(dir, { recursive: true });
  const hash = configHash(config);
  const previous = readRunRecord(dir);
  if (options.resume && previous?.status === 'completed' && previous.configHash === hash) {
    return { record: previous };
  }
  if (existsSync(join(dir, RUN_FILES.config)) && options.resume) {
    const old = readRunConfig(dir);
    if (configHash(old) !== hash) {
      throw new UserError(`cannot resume in ${dir}: it holds a run with another configuration (${configHash(old)} ≠ ${hash}); use a new --out`);
    }
  }
  writeJsonAtomic(join(dir, RUN_FILES.config), config);
  const { pair, method } = buildRun(config, data);
  const label = options.label ?? `${config.method} ${config.pair ?? pair.name} d=${pair.dim} seed=${config.seed}`;
  const reporter = options.quiet ? null : progressReporter(label);
  try {
    const result = await train(method, pair.source, pair.target, {
      ...trainOptions(config),
      runDir: dir,
      resume: options.resume,
      meta: { configHash: hash },
      signal: options.signal,
      onProgress: (p) => {
        reporter?.update(p);
        options.onProgress?.(p);
      },
    });
    reporter?.done();
    let metrics: RunMetrics | undefined;
    let samples: RunSamples | undefined;
    if (result.status === 'completed') {
      const plan = method.plan();
      ({ metrics, samples } = await evaluateRun(plan, pair, config));
      plan.dispose();
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
