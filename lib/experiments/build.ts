import { UserError } from '../errors';
import type { Pair } from '../data/types';
import { icnnPotential, mlpMap, mlpPotential, residualMap, timePotential, type Potential, type TransportMap } from '../nets';
import { Rng } from '../random';
import type { NoiseSchedule } from '../schedules';
import { diotmMethod, loadPlan, notMethod, otmMethod, otpMethod, type Method, type TrainOptions, type TransportPlan } from '../solvers';
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

function buildPotential(rng: Rng, dim: number, c: PotentialConfig, alpha: number): Potential {
  switch (c.kind) {
    case 'mlp':
      return mlpPotential(rng, dim, c.hidden, c.activation);
    case 'icnn':
      return icnnPotential(rng, dim, { hidden: c.hidden, activation: c.activation, alpha });
    case 'time-mlp':
      throw new UserError("config field /potential/kind: 'time-mlp' is DIOTM's time-conditioned potential; use it with method diotm");
  }
}

function buildMap(rng: Rng, dim: number, c: MapConfig, name = 'T'): TransportMap {
  if (c.kind === 'residual') return residualMap(rng, dim, { width: c.hidden[0], blocks: 3, noiseDim: c.noiseDim, noiseStd: c.noiseStd, name });
  return mlpMap(rng, dim, { hidden: c.hidden, activation: c.activation, noiseDim: c.noiseDim, noiseStd: c.noiseStd, name });
}

/** A run's data and its method with freshly initialised networks (initialisation is seeded by config.seed). */
export interface BuiltRun {
  readonly pair: Pair;
  readonly method: Method;
}

/** Builds the run; `pair` may be passed when the data was resolved (and validated) earlier. */
export function buildRun(config: TrainConfig, pair: Pair = resolveData(config)): BuiltRun {
  if (pair.dim !== config.dim) {
    throw new UserError(`config field /dim: ${config.dim} does not match the data's dimension ${pair.dim}`);
  }
  return { pair, method: buildMethod(config) };
}

/** The method of a configuration with freshly initialised networks (no data needed: d is config.dim). */
export function buildMethod(config: TrainConfig): Method {
  // Initialisation draws from its own stream so that the training stream (seed) is the same whatever the nets.
  const rng = new Rng(config.seed * 7919 + 17);
  const d = config.dim;
  const { alpha, lambda } = config;
  switch (config.method) {
    case 'otm':
    case 'otm-s': {
      const map = buildMap(rng, d, config.map);
      if (config.method === 'otm-s' && map.noiseDim === 0) throw new UserError('config field /map/noiseDim: OTM-s needs a stochastic map (noiseDim > 0)');
      return otmMethod({ potential: buildPotential(rng, d, config.potential, alpha), map }, { alpha, r1: lambda });
    }
    case 'otp': {
      if (!config.smoothing) throw new UserError('OTP needs a smoothing schedule (config field /smoothing)');
      const nets = { potential: buildPotential(rng, d, config.potential, alpha), map: buildMap(rng, d, config.map) };
      return otpMethod(nets, { alpha, r1: lambda, schedule: noiseSchedule(config.smoothing, config.iterations), totalIterations: config.iterations });
    }
    case 'not': {
      const n = config.not;
      if (!n) throw new UserError('NOT needs its settings (config field /not)');
      const nets = { potential: buildPotential(rng, d, config.potential, alpha), map: buildMap(rng, d, config.map) };
      return notMethod(nets, { alpha, gamma: n.gamma, gammaWarmup: n.gammaWarmup, zSize: n.zSize });
    }
    case 'diotm': {
      const dc = config.diotm;
      if (!dc) throw new UserError('DIOTM needs its settings (config field /diotm)');
      const potential = timePotential(rng, d, { width: dc.width, embeddingDim: dc.width });
      const forward = buildMap(rng, d, config.map);
      const backward = buildMap(rng, d, config.map, 'S');
      return diotmMethod({ potential, forward, backward }, { alpha, lambda, regularizer: dc.regularizer });
    }
  }
}

/** What a configuration asks of the training loop (the one place that turns a TrainConfig into loop options). */
export type ConfiguredTrainOptions = Pick<TrainOptions, 'iterations' | 'innerSteps' | 'batchSize' | 'adam' | 'seed' | 'logEvery' | 'checkpointEvery'>;

export function trainOptions(config: TrainConfig): ConfiguredTrainOptions {
  return {
    iterations: config.iterations,
    innerSteps: config.innerSteps,
    batchSize: config.batchSize,
    adam: { lr: config.lr, betas: config.betas },
    seed: config.seed,
    logEvery: config.logEvery,
    checkpointEvery: config.checkpointEvery,
  };
}

/** The learned plan of a run folder written with this configuration (the caller disposes it). */
export function loadRunPlan(config: TrainConfig, dir: string): TransportPlan {
  return loadPlan(buildMethod(config), dir);
}
