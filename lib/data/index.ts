export { pointCloud, pointsToTensor, tensorToPoints, column, slicePoints } from '../points';
export type { PointCloud } from '../points';
export { sampleTensor, sampleCoupled, applyMap, makeSampler, planOfMap, checkEvenDim, checkDim, checkCount } from './types';
export type { Sampler, Pair, PointMap, PlanSampler, ModeClassifier, HeldOutProbe, HeldOutDrawSummary } from './types';
export { nearestModeClassifier, nearestRingClassifier } from './classifiers';
export type { NearestModeOptions } from './classifiers';
export {
  perpendicularPair,
  parallelPair,
  oneToManyPair,
  oneToManySec32Pair,
  multiPerpendicularPair,
  oneToManyModes,
  multiPerpendicularModes,
  MULTI_PERPENDICULAR_LEVELS,
} from './synthetic';
export {
  gaussianSampler,
  isotropicGaussian,
  gaussianMixtureSampler,
  mixtureModes,
  affineMap,
  randomCovariance,
  gaussianBuresPair,
} from './gaussian';
export type { GaussianSpec, GaussianSampler, GaussianMixtureSpec, GaussianMixtureSampler, GaussianBuresOptions } from './gaussian';
export {
  eightGaussians,
  twentyFiveGaussians,
  spiral,
  moons,
  twoCircles,
  g8gPair,
  g25gPair,
  moonSpiralPair,
  gCirclesPair,
  DIOTM_SOURCE_VARIANCE,
  CIRCLE_RADII,
  CIRCLE_NOISE_STD,
} from './toy2d';
export { loadW2BenchPair, availableW2BenchDims, w2BenchDir, mix3FromNoise, mix3Sampler } from './w2bench';
export type { W2BenchmarkPair, W2BenchConstants, W2BenchReference, W2BaselineScore, LoadW2BenchOptions, Mix3Source } from './w2bench';
export { constructedW2Pair, CONSTRUCTED_QUADRATIC_WEIGHT } from './w2constructed';
export { DenseIcnn } from './dense-icnn';
export type { DenseIcnnWeights, QuadraticLayer } from './dense-icnn';
export {
  loadMnist,
  mnistDim,
  mnistGreySampler,
  mnistColouredSampler,
  mnistColourClassifier,
  mnistGreyLevel,
  digitPreservationError,
  channelIntensities,
  mnistToImageTensor,
  mnistW2Squared,
  mnistCmnistPair,
  mnistDrawSummary,
  mnistHeldOutProbe,
  MNIST_COLOURS,
} from './mnist';
export type { MnistColour, MnistSplit, MnistOptions, MnistImages, MnistDraw, MnistSampler } from './mnist';
export { getPair, listPairs, figure1Pairs } from './registry';
export type { PairOptions } from './registry';
export { loadCsvPoints, parseCsvPoints, loadCsvWeights, parseCsvWeights, csvDimension, countCsvRows, MAX_CSV_BYTES } from './csv';
export type { CsvPointsOptions } from './csv';
export { rotatedPair, randomRotation, rotatePoints, ROTATION_SEED } from './rotated';
