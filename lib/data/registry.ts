/** The named pairs: `getPair(name, options)` and `listPairs()`. */
import { UserError } from '../errors';
import { gaussianBuresPair, type GaussianSpec } from './gaussian';
import { mnistCmnistPair, mnistDim, type MnistSplit } from './mnist';
import { multiPerpendicularPair, oneToManyPair, oneToManySec32Pair, parallelPair, perpendicularPair } from './synthetic';
import { g25gPair, g8gPair, gCirclesPair, moonSpiralPair } from './toy2d';
import type { Pair } from './types';
import { availableW2BenchDims, loadW2BenchPair } from './w2bench';
import { constructedW2Pair } from './w2constructed';
import { rotatedPair } from './rotated';

export interface PairOptions {
  /** Dimension (default 2; even for the OTP App. E.1 pairs; 2 only for the DIOTM tasks; derived from size for MNIST). */
  readonly dim?: number;
  /** Seed of randomly constructed pairs (gaussian-bures, w2-constructed). Default 0. */
  readonly seed?: number;
  /** gaussian-bures with given Gaussians instead of a random pair. */
  readonly gaussians?: { readonly source: GaussianSpec; readonly target: GaussianSpec };
  /** mnist-cmnist: image side (default 16) and split (default train). */
  readonly size?: number;
  readonly split?: MnistSplit;
  /** mix3tomix10: data folder (default $OTBOOK_W2BENCH_DIR or ../shared/w2bench). */
  readonly w2benchDir?: string;
  /** mix3tomix10: when the data is absent, return the constructed stand-in (isStandIn: true). Default true. */
  readonly allowStandIn?: boolean;
}

interface Entry {
  readonly summary: string;
  readonly dims: string;
  make(o: PairOptions): Pair;
}

const ENTRIES: Record<string, Entry> = {
  perpendicular: { summary: 'OTP Ex. 1 / App. E.1 Perpendicular; W2² = d/3', dims: 'even d', make: (o) => perpendicularPair(o.dim ?? 2) },
  parallel: { summary: 'OTP Ex. 2 / App. E.1 Horizontal; W2² = 1', dims: 'even d', make: (o) => parallelPair(o.dim ?? 2) },
  'one-to-many': { summary: 'OTP App. E.1 One-to-Many (x1 ∈ [−1,1]); W2² = 1, plan only', dims: 'even d', make: (o) => oneToManyPair(o.dim ?? 2) },
  'one-to-many-sec32': {
    summary: 'OTP Sec. 3.2 Ex. 3 / Fig. 1(c) One-to-Many (x1 ∈ [0,1]); W2² = 1',
    dims: 'even d',
    make: (o) => oneToManySec32Pair(o.dim ?? 2),
  },
  'one-to-many-rotated': {
    summary: 'One-to-Many (App. E.1) in coordinates rotated by a fixed random orthogonal Q; W2² = 1',
    dims: 'even d',
    make: (o) => rotatedPair(oneToManyPair(o.dim ?? 2)),
  },
  'multi-perpendicular': {
    summary: 'OTP App. E.1 Multi-Perpendicular ("Grid" of Fig. 3); W2² = d/3 − 5/8',
    dims: 'even d',
    make: (o) => multiPerpendicularPair(o.dim ?? 2),
  },
  g8g: { summary: 'DIOTM Gaussian → 8 Gaussians', dims: '2', make: (o) => g8gPair(o.dim) },
  g25g: { summary: 'DIOTM Gaussian → 25 Gaussians', dims: '2', make: (o) => g25gPair(o.dim) },
  'moon-spiral': { summary: 'DIOTM Moon → Spiral', dims: '2', make: (o) => moonSpiralPair(o.dim) },
  'g-circles': { summary: 'DIOTM Gaussian → two circles', dims: '2', make: (o) => gCirclesPair(o.dim) },
  'gaussian-bures': {
    summary: 'Gaussian → Gaussian with the closed-form Bures map (random from seed, or given)',
    dims: 'any d',
    make: (o) => gaussianBuresPair({ dim: o.dim, seed: o.seed, source: o.gaussians?.source, target: o.gaussians?.target }),
  },
  'mnist-cmnist': {
    summary: 'OTP App. E.2 MNIST → coloured MNIST (size s: d = 3s²)',
    dims: '3·s², s ∈ {28, 14, 7, 32, 16, 8}',
    make: (o) => {
      const size = o.size ?? 16;
      if (o.dim !== undefined && o.dim !== mnistDim(size)) {
        throw new UserError(`mnist-cmnist: dim ${o.dim} does not match image size ${size} (d = 3·${size}² = ${mnistDim(size)}); set size instead`);
      }
      return mnistCmnistPair({ size, split: o.split });
    },
  },
  mix3tomix10: {
    summary: 'W2 benchmark Mix3toMix10 (Korotin et al. 2021); the constructed stand-in when the data is absent',
    dims: '2, 4, 8, 16, 32, 64, 128 (data present); any d (stand-in)',
    make: (o) => {
      const d = o.dim ?? 2;
      if (availableW2BenchDims(o.w2benchDir).includes(d)) return loadW2BenchPair(d, { dir: o.w2benchDir });
      if (o.allowStandIn === false) return loadW2BenchPair(d, { dir: o.w2benchDir }); // throws the explanatory UserError
      return constructedW2Pair(d, o.seed ?? 0);
    },
  },
  'w2-constructed': {
    summary: 'Constructed stand-in for the W2 benchmark (gradient of a known convex potential)',
    dims: 'any d',
    make: (o) => constructedW2Pair(o.dim ?? 2, o.seed ?? 0),
  },
};

export function getPair(name: string, options: PairOptions = {}): Pair {
  const entry = ENTRIES[name];
  if (!entry) throw new UserError(`pair '${name}' is not known; allowed: ${Object.keys(ENTRIES).join(', ')}`);
  return entry.make(options);
}

export function listPairs(): Array<{ name: string; summary: string; dims: string }> {
  return Object.entries(ENTRIES).map(([name, e]) => ({ name, summary: e.summary, dims: e.dims }));
}

/** The three failure cases of OTP Fig. 1 (Sec. 3.2 Examples 1–3), all at d = 2. */
export function figure1Pairs(): Pair[] {
  return [perpendicularPair(2), parallelPair(2), oneToManySec32Pair(2)];
}
