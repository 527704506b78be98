/**
 * Mode shares: which share of a cloud falls to each mode of a mixture target (classified by the pair's
 * ModeClassifier, typically the nearest mode). Detects collapse: One-to-Many sending everything to one of
 * y2 = ±e1, a colouriser that always picks one colour, a generator missing some of the 8 Gaussians.
 */
import { UserError } from '../errors';
import type { PointCloud } from '../points';
import type { ModeClassifier } from '../data/types';

export interface ModeShares {
  readonly names: readonly string[];
  readonly counts: readonly number[];
  /** counts / total (unassigned points count in the total). */
  readonly shares: readonly number[];
  /** Points no mode claimed (classifier returned −1). */
  readonly unassigned: number;
  readonly total: number;
  /** Which modes hold at least `minShare` of the points. */
  readonly coveredModes: readonly boolean[];
  /** Number of covered modes. */
  readonly covered: number;
  readonly minShare: number;
  /** ½ Σ_k |share_k − w_k| against the expected weights (default uniform): 0 = perfectly balanced. */
  readonly totalVariation: number;
}

export interface ModeShareOptions {
  /** A mode counts as covered with at least this share. Default: a quarter of its fair share, 0.25/K. */
  readonly minShare?: number;
  /** Expected weights of the modes (default uniform), for totalVariation. */
  readonly expected?: readonly number[];
}

/** Shares from labels (0 … K−1, or −1 for unassigned). */
export function modeSharesFromLabels(labels: Int32Array, names: readonly string[], options: ModeShareOptions = {}): ModeShares {
  const k = names.length;
  if (k < 1) throw new UserError('mode shares: at least one mode is needed');
  const minShare = options.minShare ?? 0.25 / k;
  if (!(minShare >= 0 && minShare <= 1)) throw new UserError(`mode shares: minShare must lie in [0, 1], got ${minShare}`);
  const expected = options.expected ?? names.map(() => 1 / k);
  if (expected.length !== k) throw new UserError(`mode shares: ${expected.length} expected weights for ${k} modes`);
  const counts = new Array<number>(k).fill(0);
  let unassigned = 0;
  for (const l of labels) {
    if (l === -1) unassigned++;
    else if (l >= 0 && l < k && Number.isInteger(l)) counts[l]++;
    else throw new UserError(`mode shares: label ${l} is not a mode index in 0…${k - 1} or −1`);
  }
  const total = labels.length;
  const shares = counts.map((c) => (total ? c / total : 0));
  const coveredModes = shares.map((s) => total > 0 && s >= minShare && s > 0);
  let tv = 0;
  for (let i = 0; i < k; i++) tv += Math.abs(shares[i] - expected[i]);
  tv += total ? unassigned / total : 0; // unassigned mass is mass missing from every mode
  return {
    names,
    counts,
    shares,
    unassigned,
    total,
    coveredModes,
    covered: coveredModes.filter(Boolean).length,
    minShare,
    totalVariation: tv / 2,
  };
}

/** Classifies a cloud with the classifier and returns its mode shares. */
export function modeShares(points: PointCloud, classifier: ModeClassifier, options: ModeShareOptions = {}): ModeShares {
  return modeSharesFromLabels(classifier.classify(points), classifier.names, options);
}
