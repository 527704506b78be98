export {
  quadraticCostPerSample,
  quadraticCostMean,
} from './quadratic';
export { gammaWeakCostPerSample, gammaWeakCostMean } from './weak';
