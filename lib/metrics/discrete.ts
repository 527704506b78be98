import { UserError } from '../errors';
import type { PointCloud } from '../points';
import { exactW2Squared, type ExactSolver } from '../ot/exact';
import { checkPointCloud } from '../ot/validate';

/**
 * Evaluation metrics that need discrete OT between samples.
 *
 * OTP (ICML 2025) Sec. 5.1 and Table 1 define, for a learned map T between μ and ν:
 *   D_cost   = |W2²(μ, ν) − ∫ ‖T(x) − x‖² dμ(x)|     (W2² from a closed form, the integral a sample mean)
 *   D_target = W2²(T#μ, ν)                            (estimated by exact OT between samples)
 * W2² throughout is min_π E‖x − y‖² (no ½, no α), the paper's Sec. 5.1 convention.
 *
 * D_target's estimate W2²(T#μ_n, ν_n) is biased upwards: even a perfect T gives the W2² between two
 * independent n-samples of ν, which shrinks slowly with n and is large in high dimension (roughly
 * n^(−2/d)). `estimationFloor` measures that floor on two target samples so it can be reported beside
 * D_target.
 */

/** Result of a metric computed by exact discrete OT. */
export interface DiscreteOtMetric {
  readonly value: number;
  /** Sample size on each side (the source/generated side when sizes differ; see m). */
  readonly n: number;
  readonly m: number;
  readonly solver: ExactSolver;
}

function checkPaired(x: PointCloud, tx: PointCloud, what: string): void {
  checkPointCloud(x, `${what}(x)`);
  checkPointCloud(tx, `${what}(T(x))`);
  if (x.n !== tx.n || x.d !== tx.d) {
    throw new UserError(`${what}: x is ${x.n} × ${x.d} but T(x) is ${tx.n} × ${tx.d}; they must be paired row by row`);
  }
}

/** E‖T(x) − x‖² over rows paired as (x_i, T(x_i)), in float64. */
export function meanTransportCost(x: PointCloud, tx: PointCloud): number {
  checkPaired(x, tx, 'meanTransportCost');
  const { n, d } = x;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const t = tx.data[i * d + k] - x.data[i * d + k];
      s += t * t;
    }
    total += s;
  }
  return total / n;
}

export interface CostErrorResult {
  /** D_cost = |W2² − E‖T(x) − x‖²|. */
  readonly value: number;
  /** The sample estimate of E‖T(x) − x‖². */
  readonly transportCost: number;
  readonly trueW2Squared: number;
  readonly n: number;
}

/** OTP Sec. 5.1, D_cost: |W2²(μ, ν) − E‖T(x) − x‖²| with the true W2² given (a closed form). */
export function costError(trueW2Squared: number, x: PointCloud, tx: PointCloud): CostErrorResult {
  if (!Number.isFinite(trueW2Squared) || trueW2Squared < 0) {
    throw new UserError(`costError: the true W2² must be a finite number ≥ 0, got ${trueW2Squared}`);
  }
  const transportCost = meanTransportCost(x, tx);
  return { value: Math.abs(trueW2Squared - transportCost), transportCost, trueW2Squared, n: x.n };
}

function w2Between(p: PointCloud, q: PointCloud, what: string): DiscreteOtMetric {
  checkPointCloud(p, `${what}(first sample)`);
  checkPointCloud(q, `${what}(second sample)`);
  if (p.d !== q.d) throw new UserError(`${what}: the samples have dimensions ${p.d} and ${q.d}; they must agree`);
  const r = exactW2Squared(p, q);
  return { value: r.cost, n: r.n, m: r.m, solver: r.solver };
}

/**
 * OTP Sec. 5.1, D_target: W2²(T#μ, ν) estimated as the exact W2² between generated samples T(x_i) and target
 * samples y_j (uniform weights). Equal sizes use the assignment solver; otherwise the network simplex.
 */
export function targetError(generated: PointCloud, target: PointCloud): DiscreteOtMetric {
  return w2Between(generated, target, 'targetError');
}

/**
 * W2²(ν_n, ν′_n) between two independent samples of the target of the same size n: the value D_target
 * would take for a perfect map at this n (its sampling bias). Report it beside D_target.
 */
export function estimationFloor(targetSample: PointCloud, independentTargetSample: PointCloud): DiscreteOtMetric {
  if (targetSample.n !== independentTargetSample.n) {
    throw new UserError(`estimationFloor: the two target samples have ${targetSample.n} and ${independentTargetSample.n} points; use the same n as D_target`);
  }
  return w2Between(targetSample, independentTargetSample, 'estimationFloor');
}

export interface DiscreteMapL2Result {
  /** sqrt((1/n) Σ_i ‖T(x_i) − T_disc(x_i)‖²): the L2(μ_n) distance between the maps. */
  readonly value: number;
  /** (1/n) Σ_i ‖T(x_i) − T_disc(x_i)‖², the same without the square root. */
  readonly meanSquared: number;
  /** The discrete OT map as an index: T_disc(x_i) = y_{assignment[i]}. */
  readonly assignment: Int32Array;
  readonly n: number;
}

/**
 * DIOTM Table 1, "L2": distance between a learned map T and the discrete OT map on test samples.
 *
 * What the DIOTM text supports (its equations were lost in extraction): Sec. 5.1 says the discrete OT
 * solution "indicates the optimal transport map between empirical distributions", computed with POT and
 * used as a proxy ground truth, and that for the L2 metric they "compute the discrete optimal transport on
 * test datasets using POT and measure the L2 distance between transport maps"; App. B.1 says 1000 samples
 * were used for the discrete OT. With n source and n target test samples of uniform weight, the discrete
 * OT plan is a permutation σ (an assignment), so the discrete map is T_disc(x_i) = y_σ(i), and the natural
 * "L2 distance between transport maps" is the L2(μ_n) norm ‖T − T_disc‖ = sqrt((1/n) Σ ‖T(x_i) − y_σ(i)‖²).
 * The text does not say whether the square root is taken, so both are returned (`value` with it,
 * `meanSquared` without); state which one a table shows.
 */
export function discreteMapL2(x: PointCloud, tx: PointCloud, y: PointCloud): DiscreteMapL2Result {
  checkPaired(x, tx, 'discreteMapL2');
  checkPointCloud(y, 'discreteMapL2(y)');
  if (y.n !== x.n || y.d !== x.d) {
    throw new UserError(`discreteMapL2: x is ${x.n} × ${x.d} but the target sample y is ${y.n} × ${y.d}; the discrete OT map needs the same n and d`);
  }
  const r = exactW2Squared(x, y);
  const sigma = r.assignment;
  if (!sigma) throw new Error('discreteMapL2: the exact solver returned no assignment; this is a bug');
  const { n, d } = x;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const yo = sigma[i] * d;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const t = tx.data[i * d + k] - y.data[yo + k];
      s += t * t;
    }
    total += s;
  }
  const meanSquared = total / n;
  return { value: Math.sqrt(meanSquared), meanSquared, assignment: sigma, n };
}
