import { UserError } from '../errors';
import type { Pair } from '../data/types';
import { icnnPotential, mlpMap, mlpPotential, residualMap, timePotential, type Potential, type TransportMap } from '../nets';
import { Rng } from '../random';
import type { NoiseSchedule } from '../schedules';
import { diotmMethod, notMethod, otmMethod, otpMethod, type Method } from '../solvers';
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
  // Initialisation draws from its own stream so that the training stream (seed) is the same whatever the nets.
  const rng = new Rng(config.seed * 7919 + 17);
  const d = pair.dim;
  const { alpha, lambda } = config;
  switch (config.method) {
    case 'otm':
    case 'otm-s': {
      const map = buildMap(rng, d, config.map);
      if (config.method === 'otm-s' && map.noiseDim === 0) throw new UserError('config field /map/noiseDim: OTM-s needs a stochastic map (noiseDim > 0)');
      return { pair, method: otmMethod({ potential: buildPotential(rng, d, config.potential, alpha), map }, { alpha, r1: lambda }) };
    }
    case 'otp': {
      if (!config.smoothing) throw new UserError('OTP needs a smoothing schedule (config field /smoothing)');
      const nets = { potential: buildPotential(rng, d, config.potential, alpha), map: buildMap(rng, d, config.map) };
      return {
        pair,
        method: otpMethod(nets, { alpha, r1: lambda, schedule: noiseSchedule(config.smoothing, config.iterations), totalIterations: config.iterations }),
      };
    }
    case 'not': {
      const n = config.not;
      if (!n) throw new UserError('NOT needs its settings (config field /not)');
      const nets = { potential: buildPotential(rng, d, config.potential, alpha), map: buildMap(rng, d, config.map) };
      return { pair, method: notMethod(nets, { alpha, gamma: n.gamma, gammaWarmup: n.gammaWarmup, zSize: n.zSize }) };
    }
    case 'diotm': {
      const dc = config.diotm;
      if (!dc) throw new UserError('DIOTM needs its settings (config field /diotm)');
      const potential = timePotential(rng, d, { width: dc.width, embeddingDim: dc.width });
      const forward = buildMap(rng, d, config.map);
      const backward = buildMap(rng, d, config.map, 'S');
      return { pair, method: diotmMethod({ potential, forward, backward }, { alpha, lambda, regularizer: dc.regularizer }) };
    }
  }
}
