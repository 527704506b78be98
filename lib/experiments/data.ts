import { existsSync } from 'node:fs';
import { UserError } from '../errors';
import { getPair, listPairs } from '../data';
import { csvDimension, loadCsvPoints } from '../data/csv';
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

/** Whether a side's spec names a CSV file (rather than a side of a named pair). */
function isCsvSide(spec: string): boolean {
  return spec.toLowerCase().endsWith('.csv') || existsSync(spec);
}

/**
 * One side of a run: a CSV file of points, or `<pair>:source` / `<pair>:target` (a side of a named pair).
 */
export function resolveSide(spec: string, role: 'source' | 'target', dim: number | undefined): { sampler: Sampler; cloud?: PointCloud } {
  if (isCsvSide(spec)) {
    const cloud = loadCsvPoints(spec, { expectedDim: dim, name: `--${role} ${spec}` });
    return { sampler: empiricalSampler(spec, cloud), cloud };
  }
  const m = /^([a-z0-9-]+):(source|target)$/.exec(spec);
  if (m) return { sampler: getPair(m[1], { dim })[m[2] as 'source' | 'target'] };
  const names = listPairs().map((p) => p.name);
  throw new UserError(
    `--${role} ${spec}: not a CSV file or '<pair>:source|target' side; pairs: ${names.join(', ')} (or use --pair for both sides)`,
  );
}

/**
 * The dimension of a run's data when the data fixes it: CSV files give their points' dimension (read from the
 * first data row), and a `dim` given beside them must agree. Named pairs take `dim` (default 2).
 */
export function dataDimension(input: { pair?: string; source?: string; target?: string; dim?: number }): number {
  const sides = (['source', 'target'] as const).flatMap((role) => {
    const spec = input[role];
    return spec !== undefined && input.pair === undefined && isCsvSide(spec) ? [{ role, spec, dim: csvDimension(spec, `--${role} ${spec}`) }] : [];
  });
  if (sides.length === 2 && sides[0].dim !== sides[1].dim) {
    throw new UserError(`--source ${sides[0].spec} has points of dimension ${sides[0].dim} but --target ${sides[1].spec} has dimension ${sides[1].dim}; they must agree`);
  }
  if (sides.length === 0) return input.dim ?? 2;
  const { spec, dim, role } = sides[0];
  if (input.dim !== undefined && input.dim !== dim) {
    throw new UserError(`--dim ${input.dim} does not match the data: --${role} ${spec} has points of dimension ${dim} (CSV data sets the dimension; leave --dim out)`);
  }
  return dim;
}

/** The data of a run: a named pair, or a source and a target given separately (validateTrainConfig: not both). */
export function resolveData(config: TrainConfig): Pair {
  if (config.pair) return getPair(config.pair, { dim: config.dim, size: config.imageSize, seed: config.seed });
  if (!config.source || !config.target) throw new UserError('both a source and a target are needed (--source and --target, or --pair)');
  const source = resolveSide(config.source, 'source', config.dim).sampler;
  const target = resolveSide(config.target, 'target', config.dim).sampler;
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
