import * as tf from '@tensorflow/tfjs-core';
import type { PointCloud } from '../points';
import type { HeldOutDrawSummary, HeldOutProbe, Pair } from '../data/types';
import type { W2BenchmarkPair } from '../data/w2bench';
import { costError, discreteMapL2, estimationFloor, meanTransportCost, targetError } from '../metrics/discrete';
import { scoreForwardMap } from '../metrics/benchmark';
import { modeShares, type ModeShares } from '../metrics/modes';
import { Rng } from '../random';
import { transportPoints, type TransportPlan } from '../solvers';
import type { TrainConfig } from './config';

/** Every metric of a trained run. Values the pair does not support are absent. */
export interface RunMetrics {
  /** Samples on each side of every exact-OT metric (stated with the numbers it produced). */
  readonly n: number;
  /** E‖T(x) − x‖² on clean source points (for OTP: x → x̃ at ε_min → T(x̃), as the paper evaluates). */
  readonly transportCost: number;
  /** W2²(μ, ν) (c = ‖x − y‖²) when known in closed form. */
  readonly w2Squared?: number;
  /** OTP Sec. 5.1: |W2²(μ, ν) − E‖T(x) − x‖²|. */
  readonly dCost?: number;
  /** OTP Sec. 5.1: W2²(T#μ, ν) by exact OT on n samples each. */
  readonly dTarget: number;
  /** W2²(ν_n, ν′_n) of two independent target samples of the same n: the estimate's floor. */
  readonly floor?: number;
  /** Shares of T#μ in the target's modes (one-to-many, mixtures, colours). */
  readonly modes?: ModeShares;
  /** W2 benchmark (Table 4), with its own 4096 test points. */
  readonly l2uvp?: number;
  readonly cos?: number;
  /** DIOTM Table 1: the L2(μ_n) distance √(mean ‖T(x_i) − y_σ(i)‖²) to the discrete OT map on the n test samples. */
  readonly discreteMapL2?: number;
  /** Plan draws on held-out inputs, for pairs with a held-out probe (MNIST: OTP Fig. 2 and 4). */
  readonly heldOut?: HeldOutDrawSummary;
  readonly evalSeconds: number;
}

/** Points kept for figures: a few coordinates of x, x̃ (OTP), T(x) and y. */
export interface RunSamples {
  readonly columns: number[];
  readonly x: number[][];
  readonly smoothed?: number[][];
  readonly transported: number[][];
  readonly target: number[][];
  /** The first held-out inputs (every coordinate) and the plan's first draws for them, for image grids. */
  readonly heldOut?: HeldOutSamples;
}

export interface HeldOutSamples {
  readonly inputs: number[][];
  /** draws[s][i]: draw s for input i. */
  readonly draws: number[][][];
}

/** How many of the probe's draws samples.json keeps for figures (OTP Fig. 4 shows a few samples per digit). */
const HELD_OUT_DRAWS_KEPT = 4;

/** The columns kept for figures: all for d ≤ 4, else the first two of x1 and of x2 (App. E.1's split). */
export function figureColumns(d: number, plotSamples: number): number[] {
  if (d <= 4 || d * plotSamples <= 200_000) return Array.from({ length: d }, (_, i) => i);
  const h = d / 2;
  return [0, 1, Math.floor(h), Math.floor(h) + 1];
}

function pick(p: PointCloud, count: number, cols: number[]): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < Math.min(count, p.n); i++) rows.push(cols.map((c) => Number(p.data[i * p.d + c].toPrecision(5))));
  return rows;
}

/**
 * Between the steps of an evaluation: lets signal handlers run (they wait for the event loop) and stops the
 * evaluation, throwing the signal's reason, when its signal has aborted (Ctrl-C after training).
 */
async function pause(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal.throwIfAborted();
}

/**
 * Draws the plan `probe.draws` times for `probe.n` held-out inputs. The inputs come from a stream seeded by the
 * run's seed only (every method of a cell sees the same digits), the plan's noise from another.
 */
async function probeHeldOut(plan: TransportPlan, probe: HeldOutProbe, seed: number): Promise<{ summary: HeldOutDrawSummary; samples: HeldOutSamples }> {
  const inputRng = new Rng(5_000_011 + seed);
  const x = probe.heldOut.sample(probe.n, inputRng);
  const baseline = probe.heldOut.sample(probe.n, inputRng);
  const planRng = new Rng(6_000_011 + seed);
  const draws: PointCloud[] = [];
  for (let s = 0; s < probe.draws; s++) draws.push(await transportPoints(plan, x, planRng));
  const all = Array.from({ length: x.d }, (_, i) => i);
  return {
    summary: probe.summarize(x, draws, baseline),
    samples: { inputs: pick(x, probe.shown, all), draws: draws.slice(0, HELD_OUT_DRAWS_KEPT).map((tx) => pick(tx, probe.shown, all)) },
  };
}

/**
 * Evaluates a learned plan on fresh samples. The evaluation stream is seeded from the run's seed only, so
 * every method of a cell is scored on the same source and target points (common random numbers). When
 * `signal` aborts, it stops between its steps (each exact OT is one step) by throwing the signal's reason.
 */
export async function evaluateRun(plan: TransportPlan, pair: Pair, config: TrainConfig, options: { signal?: AbortSignal } = {}): Promise<{ metrics: RunMetrics; samples: RunSamples }> {
  const { signal } = options;
  await pause(signal);
  const t0 = Date.now();
  const n = config.eval.n;
  const evalRng = new Rng(1_000_003 + config.seed);
  const x = pair.source.sample(n, evalRng);
  const y = pair.target.sample(n, evalRng);
  const y2 = config.eval.floor ? pair.target.sample(n, evalRng) : undefined;
  // The plan's own noise (OTP's z, a stochastic map's z) comes from a separate stream.
  const planRng = new Rng(2_000_003 + config.seed);
  const tx = await transportPoints(plan, x, planRng);
  await pause(signal);

  const transportCost = meanTransportCost(x, tx);
  const dTarget = targetError(tx, y).value;
  await pause(signal);
  const metrics: { -readonly [K in keyof RunMetrics]: RunMetrics[K] } = { n, transportCost, dTarget, evalSeconds: 0 };
  if (pair.w2Squared !== undefined) {
    metrics.w2Squared = pair.w2Squared;
    metrics.dCost = costError(pair.w2Squared, x, tx).value;
  }
  if (y2) metrics.floor = estimationFloor(y, y2).value;
  await pause(signal);
  if (pair.targetModes) metrics.modes = modeShares(tx, pair.targetModes);
  if ('constants' in pair && 'mapStar64' in pair) {
    const bench = pair as W2BenchmarkPair;
    const score = await scoreForwardMap(bench, (p) => transportPoints(plan, p, planRng), { rng: new Rng(3_000_003 + config.seed) });
    metrics.l2uvp = score.l2uvp;
    metrics.cos = score.cos;
    await pause(signal);
  }
  if (pair.scoredByDiscreteMap) metrics.discreteMapL2 = discreteMapL2(x, tx, y).value;
  let heldOut: HeldOutSamples | undefined;
  if (pair.heldOutProbe) {
    const probed = await probeHeldOut(plan, pair.heldOutProbe, config.seed);
    metrics.heldOut = probed.summary;
    heldOut = probed.samples;
    await pause(signal);
  }
  metrics.evalSeconds = (Date.now() - t0) / 1000;

  const cols = figureColumns(pair.dim, config.eval.plotSamples);
  const k = config.eval.plotSamples;
  let smoothed: number[][] | undefined;
  if (plan.smoothSource) {
    // x̃ of the first k points, with the plan's stream from its start: the x̃ their T(x̃) above was computed from.
    const m = Math.min(k, n);
    const xs = tf.tidy(() => (plan.smoothSource as NonNullable<TransportPlan['smoothSource']>)(tf.tensor2d(x.data.subarray(0, m * x.d), [m, x.d]), new Rng(2_000_003 + config.seed)));
    smoothed = pick({ n: xs.shape[0], d: x.d, data: (await xs.data()) as Float32Array }, k, cols);
    xs.dispose();
  }
  return { metrics, samples: { columns: cols, x: pick(x, k, cols), smoothed, transported: pick(tx, k, cols), target: pick(y, k, cols), ...(heldOut ? { heldOut } : {}) } };
}
