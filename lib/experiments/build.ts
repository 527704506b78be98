import { UserError } from '../errors';
import type { Pair } from '../data/types';
import { icnnPotential, mlpMap, mlpPotential, residualMap, timePotential, type Potential, type TransportMap } from '../nets';
import { Rng } from '../random';
import type { PerRun } from '../runs';
import type { NoiseSchedule } from '../schedules';
import { diotmMethod, loadPlan, notMethod, otmMethod, otpMethod, type LoopOptions, type Method, type TrainOptions, type TransportPlan } from '../solvers';
import type { MapConfig, PotentialConfig, SmoothingConfig, TrainConfig } from './config';
import { resolveData } from './data';

export function noiseSchedule(s: SmoothingConfig, totalIterations: number): NoiseSchedule {
  switch (s.schedule) {
    case 'linear':
    case 'vp':
      return { kind: s.schedule, sigmaMax: s.sigmaMax, sigmaMin: s.sigmaMin, period: s.period, totalIterations, smoothing: s.form };
    case 'constant':
      // OTP-CNS (App. F.2): the constant schedule at σ_min.
      return { kind: 'constant', sigma: s.sigmaMin, smoothing: s.form };
  }
}

function buildPotential(rngs: readonly Rng[], dim: number, c: PotentialConfig, alpha: PerRun): Potential {
  switch (c.kind) {
    case 'mlp':
      return mlpPotential(rngs, dim, c.hidden, c.activation);
    case 'icnn':
      return icnnPotential(rngs, dim, { hidden: c.hidden, activation: c.activation, alpha });
    case 'time-mlp':
      throw new UserError("config field /potential/kind: 'time-mlp' is DIOTM's time-conditioned potential; use it with method diotm");
  }
}

function buildMap(rngs: readonly Rng[], dim: number, c: MapConfig, name = 'T'): TransportMap {
  if (c.kind === 'residual') return residualMap(rngs, dim, { width: c.hidden[0], blocks: 3, noiseDim: c.noiseDim, noiseStd: c.noiseStd, name });
  return mlpMap(rngs, dim, { hidden: c.hidden, activation: c.activation, noiseDim: c.noiseDim, noiseStd: c.noiseStd, name });
}

/** A run's data and its method with freshly initialised networks (initialisation is seeded by config.seed). */
export interface BuiltRun {
  readonly pair: Pair;
  readonly method: Method;
}

/** Builds the run; `pair` may be passed when the data was resolved (and validated) earlier. */
export function buildRun(config: TrainConfig, pair: Pair = resolveData(config)): BuiltRun {
  checkDim(config, pair);
  return { pair, method: buildMethod(config) };
}

function checkDim(config: TrainConfig, pair: Pair): void {
  if (pair.dim !== config.dim) {
    throw new UserError(`config field /dim: ${config.dim} does not match the data's dimension ${pair.dim}`);
  }
}

/** The method of a configuration with freshly initialised networks (no data needed: d is config.dim). */
export function buildMethod(config: TrainConfig): Method {
  return buildGroupMethod([config]);
}

/** The noise schedule of a run's smoothing config, as far as it decides the loop's work: whether σ_k > 0 throughout, and the form. */
function smoothingKey(s: SmoothingConfig | undefined): unknown {
  if (!s) return null;
  const form = s.form ?? (s.schedule === 'vp' ? 'variance-preserving' : 'gaussian');
  // Linear and constant schedules with σ_min > 0 smooth at every iteration: their levels may differ per run.
  if ((s.schedule === 'linear' || s.schedule === 'constant') && s.sigmaMin > 0) return { form, smoothedThroughout: true };
  return s;
}

/**
 * Which runs can train as one group (lib/runs.ts): those whose configurations agree on everything but what may
 * differ per run: the seed, the data (of one dimension), Adam's lr, α, λ (not its sign: whether the penalty is
 * on), NOT's γ and warm-up (not whether they are on), σ's schedule where it smooths throughout, and the
 * evaluation. Runs with equal keys compute the same ops on the same shapes, so each computes what it computes
 * alone.
 */
export function groupKey(c: TrainConfig): string {
  const { seed: _s, pair: _p, source: _so, target: _t, imageSize: _i, lr: _lr, alpha: _a, lambda, smoothing, not, eval: _e, ...shared } = c;
  return JSON.stringify({
    ...shared,
    regularized: lambda > 0,
    smoothing: smoothingKey(smoothing),
    not: not ? { zSize: not.zSize, weak: not.gamma > 0, warmup: not.gammaWarmup > 0 } : null,
  });
}

/**
 * The method of a group of runs (one per configuration; they must share a groupKey), with each run's networks
 * initialised from its own seed exactly as they are for the run alone.
 */
export function buildGroupMethod(configs: readonly TrainConfig[]): Method {
  if (configs.length === 0) throw new Error('buildGroupMethod: no configurations');
  const config = configs[0];
  const key = groupKey(config);
  const odd = configs.find((c) => groupKey(c) !== key);
  if (odd) throw new Error(`buildGroupMethod: the runs of seed ${config.seed} and seed ${odd.seed} cannot train in one group (their configurations differ in more than seed, data, lr, α, λ, γ or σ)`);
  // Initialisation draws from its own stream so that the training stream (seed) is the same whatever the nets.
  const rngs = configs.map((c) => new Rng(c.seed * 7919 + 17));
  const d = config.dim;
  const alpha = configs.map((c) => c.alpha);
  const lambda = configs.map((c) => c.lambda);
  switch (config.method) {
    case 'otm':
    case 'otm-s': {
      const map = buildMap(rngs, d, config.map);
      if (config.method === 'otm-s' && map.noiseDim === 0) throw new UserError('config field /map/noiseDim: OTM-s needs a stochastic map (noiseDim > 0)');
      return otmMethod({ potential: buildPotential(rngs, d, config.potential, alpha), map }, { alpha, r1: lambda });
    }
    case 'otp': {
      const schedules = configs.map((c) => {
        if (!c.smoothing) throw new UserError('OTP needs a smoothing schedule (config field /smoothing)');
        return noiseSchedule(c.smoothing, c.iterations);
      });
      const nets = { potential: buildPotential(rngs, d, config.potential, alpha), map: buildMap(rngs, d, config.map) };
      return otpMethod(nets, { alpha, r1: lambda, schedule: schedules, totalIterations: config.iterations });
    }
    case 'not': {
      const settings = configs.map((c) => {
        if (!c.not) throw new UserError('NOT needs its settings (config field /not)');
        return c.not;
      });
      const nets = { potential: buildPotential(rngs, d, config.potential, alpha), map: buildMap(rngs, d, config.map) };
      return notMethod(nets, { alpha, gamma: settings.map((n) => n.gamma), gammaWarmup: settings.map((n) => n.gammaWarmup), zSize: settings[0].zSize });
    }
    case 'diotm': {
      const dc = config.diotm;
      if (!dc) throw new UserError('DIOTM needs its settings (config field /diotm)');
      const potential = timePotential(rngs, d, { width: dc.width, embeddingDim: dc.width });
      const forward = buildMap(rngs, d, config.map);
      const backward = buildMap(rngs, d, config.map, 'S');
      return diotmMethod({ potential, forward, backward }, { alpha, lambda, regularizer: dc.regularizer });
    }
  }
}

/** A group's data and method; `pairs` may be passed when the data was resolved earlier. */
export function buildGroup(configs: readonly TrainConfig[], pairs: readonly Pair[] = configs.map((c) => resolveData(c))): { pairs: readonly Pair[]; method: Method } {
  configs.forEach((c, r) => checkDim(c, pairs[r]));
  return { pairs, method: buildGroupMethod(configs) };
}

/** What configurations ask of the training loop: the options of `trainRuns`, with Adam's lr one per run. */
export type ConfiguredLoopOptions = Pick<LoopOptions, 'iterations' | 'innerSteps' | 'batchSize' | 'adam' | 'logEvery' | 'checkpointEvery'>;
export type ConfiguredTrainOptions = ConfiguredLoopOptions & Pick<TrainOptions, 'seed'>;

/**
 * The one place that turns configurations into loop options: for a group of runs (sharing a groupKey), or
 * `trainOptions` for one run (with its seed).
 */
export function loopOptions(configs: readonly TrainConfig[]): ConfiguredLoopOptions {
  const config = configs[0];
  return {
    iterations: config.iterations,
    innerSteps: config.innerSteps,
    batchSize: config.batchSize,
    adam: { lr: configs.map((c) => c.lr), betas: config.betas },
    logEvery: config.logEvery,
    checkpointEvery: config.checkpointEvery,
  };
}

export function trainOptions(config: TrainConfig): ConfiguredTrainOptions {
  return { ...loopOptions([config]), seed: config.seed };
}

/** The learned plan of a run folder written with this configuration (the caller disposes it). */
export function loadRunPlan(config: TrainConfig, dir: string): TransportPlan {
  return loadPlan(buildMethod(config), dir);
}
