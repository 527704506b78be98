import type { PointCloud } from '../../lib/points';
import type { Rng } from '../../lib/random';

/** N(mean, diag(std²)) in d dimensions: a minimal sampler for loop tests (the library's live in lib/data). */
export function diagonalGaussian(mean: readonly number[], std: readonly number[]) {
  const d = mean.length;
  return {
    dim: d,
    sample(n: number, rng: Rng): PointCloud {
      const data = rng.fillNormal(new Float32Array(n * d));
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = mean[j] + std[j] * data[i * d + j];
      return { n, d, data };
    },
  };
}
