import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { UserError } from '../errors';
import { pointsToTensor, type PointCloud } from '../points';

/**
 * A distribution we can draw from. Every draw is seeded through the Rng argument only, so a run that saves
 * the Rng state and resumes draws the same points.
 */
export interface Sampler {
  /** Short identifier, e.g. `perpendicular/source`. */
  readonly name: string;
  readonly dim: number;
  sample(n: number, rng: Rng): PointCloud;
}

/** A deterministic map R^d → R^d applied point by point (an OT map T*, a linear baseline, …). */
export type PointMap = (x: PointCloud) => PointCloud;

/**
 * A stochastic map: draws y ~ π(·|x) for every row x (a transport plan's conditional).
 * A deterministic map is the special case that ignores `rng`.
 */
export type PlanSampler = (x: PointCloud, rng: Rng) => PointCloud;

/**
 * Assigns every point to one of the modes of a (mixture) target, or −1 when it lies in none.
 * Used by lib/metrics/modes.ts for mode shares (one-to-many collapse, colour collapse, mixtures).
 */
export interface ModeClassifier {
  readonly names: readonly string[];
  classify(points: PointCloud): Int32Array;
}

/**
 * What evaluation records of a stochastic plan on held-out inputs (OTP Fig. 2 and 4: one grey digit, several
 * colours): each of `n` inputs drawn `draws` times. Shares are fractions of all n·draws outputs.
 */
export type HeldOutDrawSummary = Readonly<{
  /** The split the inputs came from, how many, and the plan's draws per input. */
  split: string;
  n: number;
  draws: number;
  /**
   * Share of the outputs in each mode of the target (the order of the pair's targetModes) and in none; and
   * distinctModes[k], how many inputs had their draws land in exactly k distinct modes (k = 0 … modes).
   */
  shares: readonly number[];
  unassigned: number;
  distinctModes: readonly number[];
  /**
   * Mean error of keeping the input's content (MNIST: the digit's grey level; 0 when kept exactly), and the same
   * error between the inputs and an independent draw of inputs: what keeping nothing scores.
   */
  preservation: number;
  preservationBaseline: number;
  /**
   * Below the classifier's threshold: the share of outputs whose strongest channel is each mode's ('tint'), and the
   * strongest channel's mean share of an output's total ('purity': ⅓ for grey, 1 for one colour).
   */
  tint: readonly number[];
  purity: number;
}>;

/**
 * How evaluation probes a pair's plan on held-out inputs: `n` inputs of `heldOut` (never trained on), `draws`
 * plan samples each, summarised by `summarize`; `shown` inputs and their first draws are kept for figures.
 */
export interface HeldOutProbe {
  readonly split: string;
  readonly heldOut: Sampler;
  readonly n: number;
  readonly draws: number;
  readonly shown: number;
  /** `draws[s]` holds draw s for every row of x; `baseline` is an independent draw of inputs. */
  summarize(x: PointCloud, draws: readonly PointCloud[], baseline: PointCloud): HeldOutDrawSummary;
}

/** A named source → target pair: the unit of every experiment. */
export interface Pair {
  readonly name: string;
  readonly dim: number;
  /** One line for humans (tables, figure captions). */
  readonly description: string;
  readonly source: Sampler;
  readonly target: Sampler;
  /**
   * W2²(μ, ν) = min_π E‖x − y‖² (no ½, no α; see lib/costs). Exact closed form unless `w2SquaredIsEstimate`.
   */
  readonly w2Squared?: number;
  readonly w2SquaredIsEstimate?: boolean;
  /** The OT map when a deterministic one exists. Where it is not unique, one of them (see `notes`). */
  readonly optimalMap?: PointMap;
  /** y ~ π*(·|x). Present whenever the OT plan is known (for a deterministic map, the map itself). */
  readonly optimalPlan?: PlanSampler;
  /** Classifies target points into the target's modes (for mode shares). */
  readonly targetModes?: ModeClassifier;
  /**
   * Whether evaluation scores a map by its L2(μ_n) distance to the discrete OT map on the test samples (DIOTM
   * Table 1's metric; its 2-D tasks, which have no closed form).
   */
  readonly scoredByDiscreteMap?: boolean;
  /** Draws of the plan on held-out inputs, recorded by evaluation (metrics.json heldOut, samples.json heldOut). */
  readonly heldOutProbe?: HeldOutProbe;
  /** True for a constructed pair that stands in for data that is not present (W2 benchmark). */
  readonly isStandIn?: boolean;
  /** Caveats: non-unique maps, departures from the paper, what is an estimate. */
  readonly notes?: string;
}

/** Draws n points of `sampler` as a [n, d] float32 tensor (the caller disposes it). */
export function sampleTensor(sampler: Sampler, n: number, rng: Rng): tf.Tensor2D {
  return pointsToTensor(sampler.sample(n, rng));
}

/** A draw of the coupling π*: x ~ μ and y ~ π*(·|x), row by row. */
export function sampleCoupled(pair: Pair, n: number, rng: Rng): { x: PointCloud; y: PointCloud } {
  if (!pair.optimalPlan) throw new UserError(`pair ${pair.name}: its optimal plan is not known; pairs with one: those with a closed form`);
  const x = pair.source.sample(n, rng);
  return { x, y: pair.optimalPlan(x, rng) };
}

/** Throws UserError unless n is a positive integer (sample sizes). */
export function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`${what}: sample size must be a positive integer, got ${n}`);
}

/** Throws UserError unless d is an even positive integer (the OTP App. E.1 pairs split x = (x1, x2)). */
export function checkEvenDim(what: string, d: number): void {
  if (!Number.isInteger(d) || d < 2 || d % 2 !== 0) {
    throw new UserError(`${what}: dimension must be an even integer ≥ 2 (x = (x1, x2) with x1, x2 ∈ R^(d/2)), got ${d}`);
  }
}

/** Throws UserError unless d is a positive integer. */
export function checkDim(what: string, d: number): void {
  if (!Number.isInteger(d) || d < 1) throw new UserError(`${what}: dimension must be a positive integer, got ${d}`);
}

/** Applies a PointMap and checks the output shape (catches maps that drop or add coordinates). */
export function applyMap(map: PointMap, x: PointCloud): PointCloud {
  const y = map(x);
  if (y.n !== x.n || y.d !== x.d) throw new Error(`map returned ${y.n}×${y.d} points for ${x.n}×${x.d} inputs`);
  return y;
}

/** A Sampler from a name, a dimension and a draw function (points written into a fresh Float32Array). */
export function makeSampler(name: string, dim: number, fill: (out: Float32Array, n: number, rng: Rng) => void): Sampler {
  return {
    name,
    dim,
    sample(n: number, rng: Rng): PointCloud {
      checkCount(name, n);
      const data = new Float32Array(n * dim);
      fill(data, n, rng);
      return { n, d: dim, data };
    },
  };
}

/** The PlanSampler of a deterministic map. */
export function planOfMap(map: PointMap): PlanSampler {
  return (x) => map(x);
}
