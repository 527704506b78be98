import type { PointCloud } from '../points';
import type { Rng } from '../random';

/** Anything that draws n points with the run's Rng (the samplers of lib/data satisfy it). */
export interface BatchSource {
  readonly dim: number;
  sample(n: number, rng: Rng): PointCloud;
}
