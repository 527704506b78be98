import { existsSync } from 'node:fs';
import { UserError } from '../errors';
import { getPair, listPairs } from '../data';
import { loadCsvPoints } from '../data/csv';
import type { PointCloud } from '../points';
import type { Pair, Sampler } from '../data/types';
import type { Rng } from '../random';
import type { TrainConfig } from './config';

/**
 * The empirical distribution of a point cloud: draws rows uniformly with replacement. This is how a user's
 * CSV file becomes a side of a training run.
 */
export function empiricalSampler(name: string, cloud: PointCloud): Sampler {
  return {
    name,
    dim: cloud.d,
    sample(n: number, rng: Rng): PointCloud {
      const out = new Float32Array(n * cloud.d);
      for (let i = 0; i < n; i++) {
        const j = rng.int(cloud.n);
        out.set(cloud.data.subarray(j * cloud.d, (j + 1) * cloud.d), i * cloud.d);
      }
      return { n, d: cloud.d, data: out };
    },
  };
}

/**
 * One side of a run: a CSV file of points, or `<pair>:source` / `<pair>:target` (a side of a named pair).
 */
export function resolveSide(spec: string, role: 'source' | 'target', dim: number | undefined): { sampler: Sampler; cloud?: PointCloud } {
  if (spec.toLowerCase().endsWith('.csv') || existsSync(spec)) {
    if (!existsSync(spec)) throw new UserError(`--${role} ${spec}: file not found`);
    const cloud = loadCsvPoints(spec, { expectedDim: dim, name: spec });
    return { sampler: empiricalSampler(spec, cloud), cloud };
  }
  const m = /^([a-z0-9-]+):(source|target)$/.exec(spec);
  if (m) return { sampler: getPair(m[1], { dim })[m[2] as 'source' | 'target'] };
  const names = listPairs().map((p) => p.name);
  throw new UserError(
    `--${role} ${spec}: not a CSV file or '<pair>:source|target' side; pairs: ${names.join(', ')} (or use --pair for both sides)`,
  );
}

/** The data of a run: a named pair, or a source and a target given separately. */
export function resolveData(config: TrainConfig): Pair {
  if (config.pair && !config.source && !config.target) {
    return getPair(config.pair, { dim: config.dim, size: config.imageSize, seed: config.seed });
  }
  const named = config.pair ? getPair(config.pair, { dim: config.dim, size: config.imageSize, seed: config.seed }) : undefined;
  const source = config.source ? resolveSide(config.source, 'source', config.dim).sampler : named?.source;
  const target = config.target ? resolveSide(config.target, 'target', config.dim).sampler : named?.target;
  if (!source || !target) throw new UserError('both a source and a target are needed (--source and --target, or --pair)');
  if (source.dim !== target.dim) {
    throw new UserError(`source ${source.name} has dimension ${source.dim} but target ${target.name} has ${target.dim}`);
  }
  return {
    name: `${source.name} → ${target.name}`,
    dim: source.dim,
    description: `user data: ${source.name} → ${target.name}`,
    source,
    target,
  };
}
