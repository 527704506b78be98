import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync } from 'node:fs';
import { Rng } from '../random';
import { Adam, type AdamOptions } from './adam';
import type { BatchSource } from './batch-source';
import { methodParams, snapshotRuns, writeCheckpoint } from './checkpoint';
import { StepContext } from './context';
import { lossBound, nonFiniteProbe, withinBound } from './divergence';
import { appendLossRow, type LogRow } from './loss-log';
import type { LossTerms, Method } from './method';
import { resumeGroup } from './resume';

export type { LogRow } from './loss-log';
export type { BatchSource } from './batch-source';

export interface Progress {
  readonly iteration: number;
  readonly total: number;
  readonly itPerSecond: number;
  readonly etaSeconds: number;
  readonly last: LogRow | null;
  /** Runs of the group still training (not diverged); 1 for a run alone that has not diverged. */
  readonly active?: number;
}

/** What the loop does, the same for every run of a group. */
export interface LoopOptions {
  /** Outer iterations K (each: one potential step, then K_T map steps; OTP Algorithm 1). */
  readonly iterations: number;
  /** K_T (paper: 20). */
  readonly innerSteps: number;
  readonly batchSize: number;
  readonly adam: AdamOptions;
  /** Read losses back and check for divergence every this many outer iterations (with checkpoints: the only read-backs). */
  readonly logEvery?: number;
  readonly checkpointEvery?: number;
  /** Continue each run from its folder's checkpoint when there is one. */
  readonly resume?: boolean;
  readonly onProgress?: (p: Progress) => void;
  /** Checked between outer iterations: when aborted, the loop writes checkpoints and returns 'interrupted'. */
  readonly signal?: AbortSignal;
}

/** One run of a group: its data, its seed (its own random stream) and its folder. */
export interface RunSpec {
  readonly source: BatchSource;
  readonly target: BatchSource;
  readonly seed: number;
  /** Folder for the run's checkpoints and loss log (loss.csv). Without it nothing is written. */
  readonly runDir?: string;
  /** Metadata stored in its checkpoints; a resumed run must match it (e.g. the config hash). */
  readonly meta?: Record<string, string | number | boolean>;
  readonly onLog?: (row: LogRow) => void;
}

/** Options of a run alone: the loop's and the run's. */
export interface TrainOptions extends LoopOptions {
  readonly seed: number;
  readonly runDir?: string;
  readonly meta?: Record<string, string | number | boolean>;
  readonly onLog?: (row: LogRow) => void;
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
 * Gradients of Σ_r loss_r with respect to `vars`, and the per-run loss and its named terms. Each run's
 * parameters appear only in its own loss, so each gets exactly its own gradient. tf.variableGrads disposes
 * everything computed inside except the returned value, so the terms are kept explicitly (disposed by the caller).
 */
function gradsAndTerms(loss: () => LossTerms, vars: tf.Variable[]): { grads: tf.NamedTensorMap; terms: LossTerms } {
  let kept: LossTerms | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const t = loss();
    kept = { total: tf.keep(t.total), terms: Object.fromEntries(Object.entries(t.terms).map(([k, v]) => [k, tf.keep(v)])) };
    // One run: its loss itself (a reshape, cheaper than a sum and its gradient; the same numbers).
    return t.total.size === 1 ? tf.reshape(t.total, []) : tf.sum(t.total);
  }, vars);
  value.dispose();
  return { grads, terms: kept as unknown as LossTerms };
}

/** Collects a step's loss terms (kept tensors [R], no read-back); `sumCollected` adds them once per outer iteration. */
function collect(parts: Map<string, tf.Tensor[]>, prefix: string, loss: LossTerms): void {
  const add = (k: string, t: tf.Tensor) => {
    const list = parts.get(k);
    if (list) list.push(t);
    else parts.set(k, [t]);
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
 * The work of one outer iteration of OTP's Algorithm 1 for the R runs of a group, shared by `trainRuns` and the
 * benchmark (bench/): one Adam step on the potential's loss, then K_T Adam steps on the map's loss, each on a
 * fresh batch per run, drawn from that run's own stream (lines 2–10). Synchronous and free of read-backs; returns
 * the iteration's loss sums ([R] each) as kept tensors (the caller disposes).
 */
export class OuterIteration {
  readonly ctx: StepContext;
  private readonly potentialVars: tf.Variable[];
  private readonly mapVars: tf.Variable[];
  private readonly emptyY: tf.Tensor3D;

  constructor(
    private readonly method: Method,
    private readonly runs: ReadonlyArray<{ readonly source: BatchSource; readonly target: BatchSource }>,
    private readonly o: {
      readonly innerSteps: number;
      readonly batchSize: number;
      readonly opts: { readonly potential: Adam; readonly map: Adam };
      readonly rngs: readonly Rng[];
      readonly start: number;
      readonly iterations: number;
    },
  ) {
    if (runs.length !== method.runs || o.rngs.length !== method.runs) throw new Error(`OuterIteration: ${runs.length} runs and ${o.rngs.length} streams for a method of ${method.runs} runs`);
    this.ctx = new StepContext(o.rngs, o.start, o.iterations);
    this.potentialVars = method.potentialParams.map((p) => p.variable);
    this.mapVars = method.mapParams.map((p) => p.variable);
    this.emptyY = tf.keep(tf.zeros([runs.length, 0, runs[0].target.dim])) as tf.Tensor3D;
  }

  /** A batch of every run, each drawn from its own sampler with its own stream: [R, B, d]. */
  private draw(side: 'source' | 'target'): tf.Tensor3D {
    const { batchSize, rngs } = this.o;
    const d = this.runs[0][side].dim;
    const values = new Float32Array(this.runs.length * batchSize * d);
    this.runs.forEach((run, r) => values.set(run[side].sample(batchSize, rngs[r]).data, r * batchSize * d));
    return tf.tensor3d(values, [this.runs.length, batchSize, d]);
  }

  private prepare(x: tf.Tensor3D): tf.Tensor3D {
    return this.method.prepareSource ? this.method.prepareSource(x, this.ctx) : x;
  }

  /** Outer iteration k; runs whose `active` entry is false are computed but not updated (frozen). */
  run(k: number, active?: readonly boolean[]): Map<string, tf.Tensor> {
    const { method, ctx } = this;
    ctx.iteration = k;
    const parts = new Map<string, tf.Tensor[]>();
    // Potential step (Alg. 1, lines 2–4).
    tf.tidy(() => {
      const x = this.prepare(this.draw('source'));
      const y = this.draw('target');
      const { grads, terms } = gradsAndTerms(() => method.potentialLoss({ x, y }, ctx), this.potentialVars);
      this.o.opts.potential.apply(grads, active);
      collect(parts, 'potential', terms);
    });
    // Map steps (lines 5–10).
    for (let j = 0; j < this.o.innerSteps; j++) {
      tf.tidy(() => {
        const x = this.prepare(this.draw('source'));
        const y = method.mapStepUsesTarget ? this.draw('target') : this.emptyY;
        const { grads, terms } = gradsAndTerms(() => method.mapLoss({ x, y }, ctx), this.mapVars);
        this.o.opts.map.apply(grads, active);
        collect(parts, 'map', terms);
      });
    }
    return sumCollected(parts);
  }

  dispose(): void {
    this.emptyY.dispose();
  }
}

/** Outer iterations of a method's runs without logging or checkpoints (benchmarks): `outer()` runs the next one. */
export function createStepper(
  method: Method,
  runs: ReadonlyArray<{ readonly source: BatchSource; readonly target: BatchSource; readonly seed: number }>,
  options: { readonly innerSteps: number; readonly batchSize: number; readonly adam: AdamOptions },
): { outer(): void; dispose(): void } {
  const opts = { potential: new Adam(method.potentialParams, options.adam), map: new Adam(method.mapParams, options.adam) };
  const rngs = runs.map((r) => new Rng(r.seed));
  const step = new OuterIteration(method, runs, { ...options, opts, rngs, start: 0, iterations: Number.MAX_SAFE_INTEGER });
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

/** What the loop keeps per run of a group: its stream, bound, log, and whether (and when) it diverged. */
class RunState {
  readonly rng: Rng;
  readonly bound: number;
  log: LogRow[] = [];
  latest: { iteration: number; values: Record<string, number> } | null = null;
  divergedAt: number | undefined;

  constructor(readonly spec: RunSpec) {
    this.rng = new Rng(spec.seed);
    this.bound = lossBound(spec.source, spec.target, spec.seed);
  }

  get active(): boolean {
    return this.divergedAt === undefined;
  }
}

/**
 * The one training loop (OTP Algorithm 1), shared by every method, for a group of R independent runs trained as
 * one computation (R = 1: a run alone; lib/runs.ts): per outer iteration k, one Adam step on the potential's
 * loss, then K_T Adam steps on the map's loss, each on a fresh batch (lines 2 and 6). Methods supply only their
 * losses (and OTP its smoothed source); see lib/solvers/method.ts. Each run draws from its own stream, keeps its
 * own log, checkpoints and divergence state, and writes to its own folder, so a run trained in a group is the same
 * run as trained alone.
 *
 * Losses stay on the device: they are summed as tensors and read back once every `logEvery` iterations and
 * before every checkpoint, together with a probe of each run's weights. That is when divergence is detected
 * (divergence.ts: a non-finite loss or weight, or a loss past the run's bound); the first bad iteration is found
 * from the per-iteration values, the run is frozen there (no further updates, logs or checkpoints) and the others
 * go on. No checkpoint is ever written from a diverged state.
 */
export async function trainRuns(method: Method, runs: readonly RunSpec[], options: LoopOptions): Promise<TrainResult[]> {
  const { iterations, innerSteps, batchSize } = options;
  if (runs.length !== method.runs) throw new Error(`trainRuns: ${runs.length} runs for a method built for ${method.runs}`);
  const logEvery = Math.max(1, options.logEvery ?? 50);
  const states = runs.map((spec) => new RunState(spec));
  const opts = { potential: new Adam(method.potentialParams, options.adam), map: new Adam(method.mapParams, options.adam) };
  const params = methodParams(method);
  for (const s of states) if (s.spec.runDir) mkdirSync(s.spec.runDir, { recursive: true });
  let start = 0;
  let elapsedBefore = 0;
  try {
    if (options.resume) {
      const point = resumeGroup(method, opts, states.map((s) => ({ runDir: s.spec.runDir, meta: s.spec.meta, rng: s.rng })), options.checkpointEvery);
      ({ start, elapsed: elapsedBefore } = point);
      states.forEach((s, r) => (s.log = point.logs[r]));
    }
  } catch (e) {
    opts.potential.dispose();
    opts.map.dispose();
    throw e;
  }
  const resumedFrom = start > 0 ? start : undefined;

  const step = new OuterIteration(method, runs, { innerSteps, batchSize, opts, rngs: states.map((s) => s.rng), start, iterations });
  const t0 = Date.now();
  const seconds = () => elapsedBefore + (Date.now() - t0) / 1000;
  // Loss sums of the iterations not yet read back.
  let pending: Array<{ iteration: number; sums: Map<string, tf.Tensor> }> = [];
  let status: TrainStatus = 'completed';
  let done = start;
  let lastProgress = 0;
  let lastYield = Date.now();
  const activeMask = () => states.map((s) => s.active);
  const anyActive = () => states.some((s) => s.active);

  /** Reads back the pending losses and the weight probes; freezes each run that diverged in them. */
  const check = async (): Promise<void> => {
    if (pending.length === 0) return;
    const keys = [...pending[0].sums.keys()];
    const stacked = tf.tidy(() => tf.stack([...pending.flatMap((w) => keys.map((k) => w.sums.get(k) as tf.Tensor)), nonFiniteProbe(params)]));
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    const window = pending;
    pending = [];
    for (const w of window) for (const t of w.sums.values()) t.dispose();
    const R = states.length;
    states.forEach((s, r) => {
      if (!s.active) return;
      for (const [i, w] of window.entries()) {
        const row = Object.fromEntries(keys.map((k, j) => [k, values[(i * keys.length + j) * R + r] / (k.startsWith('map') ? innerSteps : 1)]));
        if (!Object.values(row).every((v) => withinBound(v, s.bound))) {
          s.divergedAt = w.iteration;
          return;
        }
        s.latest = { iteration: w.iteration, values: row };
      }
      // Finite losses but non-finite weights: the last update of the window produced them.
      if (!Number.isFinite(values[window.length * keys.length * R + r])) s.divergedAt = window[window.length - 1].iteration;
    });
  };

  const writeRows = () => {
    states.forEach((s, r) => {
      if (!s.active || !s.latest) return;
      const row: LogRow = { iteration: s.latest.iteration + 1, seconds: seconds(), values: { ...s.latest.values, ...(method.scheduleValues?.(s.latest.iteration, r) ?? {}) } };
      s.latest = null;
      s.log.push(row);
      if (s.spec.runDir) appendLossRow(s.spec.runDir, row, s.log.length === 1);
      s.spec.onLog?.(row);
    });
  };

  const checkpoint = async (iteration: number) => {
    const metas = states.map((s) => (s.active && s.spec.runDir ? { ...(s.spec.meta ?? {}), elapsedSeconds: seconds() } : null));
    if (metas.every((m) => m === null)) return;
    const cks = await snapshotRuns(method, opts, iteration, states.map((s) => s.rng), metas);
    cks.forEach((ck, r) => ck && writeCheckpoint(states[r].spec.runDir as string, ck));
  };

  try {
    for (let k = start; k < iterations && anyActive(); k++) {
      const mask = activeMask();
      const sums = step.run(k, mask.every(Boolean) ? undefined : mask);
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
      const checkpointNow = options.checkpointEvery !== undefined && options.checkpointEvery > 0 && done % options.checkpointEvery === 0 && !last;
      if (logNow || checkpointNow) {
        await check();
        if (logNow) writeRows();
      }
      const now = Date.now();
      if (options.onProgress && (now - lastProgress > 250 || last)) {
        lastProgress = now;
        const rate = (done - start) / Math.max(1e-9, (now - t0) / 1000);
        const lead = states.find((s) => s.active) ?? states[0];
        const lastRow = lead.log.length ? lead.log[lead.log.length - 1] : null;
        options.onProgress({ iteration: done, total: iterations, itPerSecond: rate, etaSeconds: (iterations - done) / Math.max(rate, 1e-9), last: lastRow, active: states.filter((s) => s.active).length });
      }
      if (checkpointNow) await checkpoint(done);
      if (options.signal?.aborted && !last) {
        await check();
        status = 'interrupted';
        if (!checkpointNow) await checkpoint(done);
        break;
      }
    }
    if (status === 'completed' && anyActive()) await checkpoint(done);
  } finally {
    for (const w of pending) for (const t of w.sums.values()) t.dispose();
    step.dispose();
    opts.potential.dispose();
    opts.map.dispose();
  }
  return states.map((s) => ({
    status: s.active ? status : 'diverged',
    // A diverged run completed the iterations before the first bad one.
    iterationsDone: s.divergedAt ?? done,
    divergedAt: s.divergedAt,
    resumedFrom,
    seconds: seconds(),
    log: s.log,
    rng: s.rng,
  }));
}

/** The one loop for a run alone (a group of one): `trainRuns` with one run. */
export async function train(method: Method, source: BatchSource, target: BatchSource, options: TrainOptions): Promise<TrainResult> {
  const { seed, runDir, meta, onLog, ...loop } = options;
  const [result] = await trainRuns(method, [{ source, target, seed, runDir, meta, onLog }], loop);
  return result;
}
