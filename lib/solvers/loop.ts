import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import { Rng } from '../random';
import { Adam, type AdamOptions } from './adam';
import type { BatchSource } from './batch-source';
import { CHECKPOINT_FILE, methodParams, readResumePoint, restore, snapshot, writeCheckpoint } from './checkpoint';
import { lossBound, nonFiniteProbe, withinBound } from './divergence';
import { StepContext } from './context';
import { appendLossRow, readLossLog, writeLossLog, type LogRow } from './loss-log';
import type { LossTerms, Method } from './method';

export type { BatchSource } from './batch-source';

export type { LogRow } from './loss-log';

export interface Progress {
  readonly iteration: number;
  readonly total: number;
  readonly itPerSecond: number;
  readonly etaSeconds: number;
  readonly last: LogRow | null;
}

export interface TrainOptions {
  /** Outer iterations K (each: one potential step, then K_T map steps; OTP Algorithm 1). */
  readonly iterations: number;
  /** K_T (paper: 20). */
  readonly innerSteps: number;
  readonly batchSize: number;
  readonly adam: AdamOptions;
  readonly seed: number;
  /** Read losses back and check for NaN/Inf every this many outer iterations (the only read-backs). */
  readonly logEvery?: number;
  /** Folder for checkpoints and the loss log (loss.csv). Without it nothing is written. */
  readonly runDir?: string;
  readonly checkpointEvery?: number;
  /** Continue from runDir's checkpoint when there is one. */
  readonly resume?: boolean;
  /** Metadata stored in checkpoints; a resumed run must match it (e.g. the config hash). */
  readonly meta?: Record<string, string | number | boolean>;
  readonly onLog?: (row: LogRow) => void;
  readonly onProgress?: (p: Progress) => void;
  /** Checked between outer iterations: when aborted, the loop writes a checkpoint and returns 'interrupted'. */
  readonly signal?: AbortSignal;
}

export type TrainStatus = 'completed' | 'diverged' | 'interrupted';

export interface TrainResult {
  readonly status: TrainStatus;
  /** Outer iterations completed with acceptable results (including an earlier run's that this one resumed); equals divergedAt for a diverged run. */
  readonly iterationsDone: number;
  /** First outer iteration whose losses or update were non-finite or past the run's bound (divergence.ts). */
  readonly divergedAt?: number;
  readonly resumedFrom?: number;
  readonly seconds: number;
  readonly log: readonly LogRow[];
  /** The run's random stream after training (evaluation continues from it). */
  readonly rng: Rng;
}

/**
 * Gradients of a loss with respect to `vars`, and its named terms. tf.variableGrads disposes everything
 * computed inside except the returned value, so the terms are kept explicitly (and disposed by the caller).
 */
function gradsAndTerms(loss: () => LossTerms, vars: tf.Variable[]): { grads: tf.NamedTensorMap; terms: LossTerms } {
  let kept: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const t = loss();
    kept = Object.fromEntries(Object.entries(t.terms).map(([k, v]) => [k, tf.keep(v)]));
    return t.total;
  }, vars);
  return { grads, terms: { total: value, terms: kept } };
}

/** Collects a step's loss terms (kept tensors, no read-back); `sumCollected` adds them once per outer iteration. */
function collect(parts: Map<string, tf.Tensor[]>, prefix: string, loss: LossTerms): void {
  const add = (k: string, t: tf.Scalar) => {
    const list = parts.get(k);
    if (list) list.push(tf.keep(t));
    else parts.set(k, [tf.keep(t)]);
  };
  add(prefix, loss.total);
  for (const [k, t] of Object.entries(loss.terms)) add(`${prefix}.${k}`, t);
}

function sumCollected(parts: Map<string, tf.Tensor[]>): Map<string, tf.Tensor> {
  const sums = new Map<string, tf.Tensor>();
  for (const [k, list] of parts) {
    sums.set(k, list.length === 1 ? list[0] : tf.keep(tf.addN(list)));
    if (list.length > 1) for (const t of list) t.dispose();
  }
  return sums;
}

/**
 * The work of one outer iteration of OTP's Algorithm 1, shared by `train` and the benchmark (bench/): one Adam
 * step on the potential's loss, then K_T Adam steps on the map's loss, each on a fresh batch (lines 2–10).
 * Synchronous and free of read-backs; returns the iteration's loss sums as kept tensors (the caller disposes).
 */
export class OuterIteration {
  readonly ctx: StepContext;
  private readonly potentialVars: tf.Variable[];
  private readonly mapVars: tf.Variable[];
  private readonly emptyY: tf.Tensor2D;

  constructor(
    private readonly method: Method,
    private readonly source: BatchSource,
    private readonly target: BatchSource,
    private readonly o: {
      readonly innerSteps: number;
      readonly batchSize: number;
      readonly opts: { readonly potential: Adam; readonly map: Adam };
      readonly rng: Rng;
      readonly start: number;
      readonly iterations: number;
    },
  ) {
    this.ctx = new StepContext(o.rng, o.start, o.iterations);
    this.potentialVars = method.potentialParams.map((p) => p.variable);
    this.mapVars = method.mapParams.map((p) => p.variable);
    this.emptyY = tf.keep(tf.zeros([0, target.dim])) as tf.Tensor2D;
  }

  private draw(s: BatchSource): tf.Tensor2D {
    const p = s.sample(this.o.batchSize, this.o.rng);
    return tf.tensor2d(p.data, [p.n, p.d]);
  }

  private prepare(x: tf.Tensor2D): tf.Tensor2D {
    return this.method.prepareSource ? this.method.prepareSource(x, this.ctx) : x;
  }

  run(k: number): Map<string, tf.Tensor> {
    const { method, ctx } = this;
    ctx.iteration = k;
    const parts = new Map<string, tf.Tensor[]>();
    // Potential step (Alg. 1, lines 2–4).
    tf.tidy(() => {
      const x = this.prepare(this.draw(this.source));
      const y = this.draw(this.target);
      const { grads, terms } = gradsAndTerms(() => method.potentialLoss({ x, y }, ctx), this.potentialVars);
      this.o.opts.potential.apply(grads);
      collect(parts, 'potential', terms);
    });
    // Map steps (lines 5–10).
    for (let j = 0; j < this.o.innerSteps; j++) {
      tf.tidy(() => {
        const x = this.prepare(this.draw(this.source));
        const y = method.mapStepUsesTarget ? this.draw(this.target) : this.emptyY;
        const { grads, terms } = gradsAndTerms(() => method.mapLoss({ x, y }, ctx), this.mapVars);
        this.o.opts.map.apply(grads);
        collect(parts, 'map', terms);
      });
    }
    return sumCollected(parts);
  }

  dispose(): void {
    this.emptyY.dispose();
  }
}

/** Outer iterations of a method without logging or checkpoints (benchmarks): `outer()` runs the next one. */
export function createStepper(
  method: Method,
  source: BatchSource,
  target: BatchSource,
  options: { readonly innerSteps: number; readonly batchSize: number; readonly adam: AdamOptions; readonly seed: number },
): { outer(): void; dispose(): void } {
  const opts = { potential: new Adam(method.potentialParams, options.adam), map: new Adam(method.mapParams, options.adam) };
  const step = new OuterIteration(method, source, target, { ...options, opts, rng: new Rng(options.seed), start: 0, iterations: Number.MAX_SAFE_INTEGER });
  let k = 0;
  return {
    outer() {
      for (const t of step.run(k++).values()) t.dispose();
    },
    dispose() {
      step.dispose();
      opts.potential.dispose();
      opts.map.dispose();
    },
  };
}

/**
 * The one training loop (OTP Algorithm 1), shared by every method: per outer iteration k, one Adam step on
 * the potential's loss, then K_T Adam steps on the map's loss, each on a fresh batch (lines 2 and 6).
 * Methods supply only their losses (and OTP its smoothed source); see lib/solvers/method.ts.
 *
 * Losses stay on the device: they are summed as tensors and read back once every `logEvery` iterations and
 * before every checkpoint, together with a probe of the weights. That is when divergence is detected
 * (divergence.ts: a non-finite loss or weight, or a loss past the run's bound); the first bad iteration is found
 * from the per-iteration values, and no checkpoint is ever written from a diverged state.
 */
export async function train(method: Method, source: BatchSource, target: BatchSource, options: TrainOptions): Promise<TrainResult> {
  const { iterations, innerSteps, batchSize } = options;
  const logEvery = Math.max(1, options.logEvery ?? 50);
  const rng = new Rng(options.seed);
  const opts = { potential: new Adam(method.potentialParams, options.adam), map: new Adam(method.mapParams, options.adam) };
  const params = methodParams(method);
  const bound = lossBound(source, target, options.seed);
  let start = 0;
  let log: LogRow[] = [];
  let elapsedBefore = 0;
  const runDir = options.runDir;
  if (runDir) mkdirSync(runDir, { recursive: true });
  let resumedFrom: number | undefined;
  const ck = runDir && options.resume ? readResumePoint(runDir, options.checkpointEvery) : null;
  if (runDir && ck) {
    for (const [k, v] of Object.entries(options.meta ?? {})) {
      if (ck.meta[k] !== undefined && ck.meta[k] !== v) {
        throw new UserError(`cannot resume: the checkpoint in ${runDir} was written with ${k}=${ck.meta[k]}, this run has ${k}=${v}`);
      }
    }
    restore(method, opts, rng, ck, join(runDir, CHECKPOINT_FILE));
    start = ck.iteration;
    resumedFrom = start;
    elapsedBefore = Number(ck.meta.elapsedSeconds ?? 0);
    log = readLossLog(runDir, start);
    writeLossLog(runDir, log);
  }

  const step = new OuterIteration(method, source, target, { innerSteps, batchSize, opts, rng, start, iterations });

  const t0 = Date.now();
  const seconds = () => elapsedBefore + (Date.now() - t0) / 1000;
  // Loss sums of the iterations not yet read back, and the values of the last one read (for the log row).
  let pending: Array<{ iteration: number; sums: Map<string, tf.Tensor> }> = [];
  let latest: { iteration: number; values: Record<string, number> } | null = null;
  let status: TrainStatus = 'completed';
  let divergedAt: number | undefined;
  let done = start;
  let lastRow: LogRow | null = log.length ? log[log.length - 1] : null;
  let lastProgress = 0;
  let lastYield = Date.now();

  /** Reads back the pending losses and the weight probe; false (and divergedAt set) when the run diverged. */
  const check = async (): Promise<boolean> => {
    if (pending.length === 0) return true;
    const keys = [...pending[0].sums.keys()];
    const stacked = tf.tidy(() => tf.stack([...pending.flatMap((w) => keys.map((k) => w.sums.get(k) as tf.Tensor)), nonFiniteProbe(params)]));
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    const window = pending;
    pending = [];
    for (const w of window) for (const t of w.sums.values()) t.dispose();
    for (const [i, w] of window.entries()) {
      const row = Object.fromEntries(keys.map((k, j) => [k, values[i * keys.length + j] / (k.startsWith('map') ? innerSteps : 1)]));
      if (!Object.values(row).every((v) => withinBound(v, bound))) {
        divergedAt = w.iteration;
        return false;
      }
      latest = { iteration: w.iteration, values: row };
    }
    // Finite losses but non-finite weights: the last update of the window produced them.
    if (!Number.isFinite(values[values.length - 1])) {
      divergedAt = window[window.length - 1].iteration;
      return false;
    }
    return true;
  };

  const writeRow = () => {
    if (!latest) return;
    const row: LogRow = { iteration: latest.iteration + 1, seconds: seconds(), values: { ...latest.values, ...(method.scheduleValues?.(latest.iteration) ?? {}) } };
    latest = null;
    log.push(row);
    lastRow = row;
    if (runDir) appendLossRow(runDir, row, log.length === 1);
    options.onLog?.(row);
  };

  const checkpoint = async (iteration: number) => {
    if (!runDir) return;
    const ck = await snapshot(method, opts, iteration, rng, { ...(options.meta ?? {}), elapsedSeconds: seconds() });
    writeCheckpoint(runDir, ck);
  };

  try {
    for (let k = start; k < iterations; k++) {
      const sums = step.run(k);
      pending.push({ iteration: k, sums });
      done = k + 1;
      // Signal handlers (Ctrl-C, a notebook's interrupt) and progress output run on the event loop: give it a
      // turn every 100 ms. Awaiting resolved promises alone never lets them in.
      if (Date.now() - lastYield > 100) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = Date.now();
      }
      const last = done === iterations;
      const logNow = done % logEvery === 0 || last;
      const checkpointNow = runDir !== undefined && options.checkpointEvery !== undefined && done % options.checkpointEvery === 0 && !last;
      if (logNow || checkpointNow) {
        if (!(await check())) {
          status = 'diverged';
          break;
        }
        if (logNow) writeRow();
      }
      const now = Date.now();
      if (options.onProgress && (now - lastProgress > 250 || last)) {
        lastProgress = now;
        const rate = (done - start) / Math.max(1e-9, (now - t0) / 1000);
        options.onProgress({ iteration: done, total: iterations, itPerSecond: rate, etaSeconds: (iterations - done) / Math.max(rate, 1e-9), last: lastRow });
      }
      if (checkpointNow) await checkpoint(done);
      if (options.signal?.aborted && !last) {
        if (!(await check())) {
          status = 'diverged';
          break;
        }
        status = 'interrupted';
        if (!checkpointNow) await checkpoint(done);
        break;
      }
    }
    if (status === 'completed') await checkpoint(done);
  } finally {
    for (const w of pending) for (const t of w.sums.values()) t.dispose();
    step.dispose();
    opts.potential.dispose();
    opts.map.dispose();
  }
  // A diverged run completed the iterations before the first bad one.
  const iterationsDone = status === 'diverged' && divergedAt !== undefined ? divergedAt : done;
  return { status, iterationsDone, divergedAt, resumedFrom, seconds: seconds(), log, rng };
}
