export {
  quadraticCostPerSample,
  quadraticCostMean,
  squaredDistances,
  meanSquaredDisplacement,
  transportCostError,
} from './quadratic';
export { gammaWeakCostPerSample, gammaWeakCostMean } from './weak';
