export {
  validateNoiseSchedule,
  scheduleProgressRaw,
  linearSigma,
  vpEpsilon,
  noiseAt,
  sigmaToEpsilon,
  epsilonToSigma,
  smoothTensor,
  smoothPoints,
  normalTensor,
} from './noise';
export type {
  Smoothing,
  Rounding,
  NoiseSchedule,
  NoiseLevel,
  LinearNoiseSchedule,
  VpNoiseSchedule,
  ConstantNoiseSchedule,
  NoNoiseSchedule,
  PeriodicScheduleBase,
} from './noise';
