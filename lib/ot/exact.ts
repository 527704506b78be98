import { UserError } from '../errors';
import type { PointCloud } from '../points';
import { linearSumAssignment, type AssignmentStart } from './assignment';
import { squaredDistanceMatrix } from './distances';
import { networkSimplex, type PlanEntry } from './network-simplex';
import { checkPointCloud, checkSameDimension, checkWeights } from './validate';

/**
 * Exact W2² between two discrete measures, W2²(a, b) = min over couplings π of Σ π_ij ‖x_i − y_j‖²
 * (squared Euclidean, no ½, no α; docs/CONVENTIONS.md). Never entropic: `sinkhorn` is a separate function.
 *
 * Equal sizes with uniform weights is an assignment problem (Birkhoff–von Neumann: the uniform coupling
 * polytope's vertices are permutation matrices), solved by `linearSumAssignment`. Explicit weights or
 * unequal sizes need a general EMD: `networkSimplex`.
 */
export type ExactSolver = 'assignment' | 'network-simplex';

export interface ExactOtOptions {
  /** Probability weights of the source points (non-negative, summing to 1). Default uniform. */
  readonly sourceWeights?: Float64Array;
  readonly targetWeights?: Float64Array;
  /** 'auto' (default) picks by the rule above; 'network-simplex' forces the EMD solver (a cross-check). */
  readonly solver?: 'auto' | ExactSolver;
  /** Warm start of the assignment solver (see lib/ot/assignment.ts); default 'auto'. */
  readonly assignmentStart?: AssignmentStart;
}

export interface ExactOtResult {
  /** W2² = Σ π_ij ‖x_i − y_j‖². */
  readonly cost: number;
  readonly n: number;
  readonly m: number;
  readonly solver: ExactSolver;
  /** Assignment solver only: assignment[i] = index of the target point matched to source point i (mass 1/n each). */
  readonly assignment?: Int32Array;
  /** Network simplex only: non-zero entries of an optimal coupling. */
  readonly plan?: readonly PlanEntry[];
  /** Wall time, cost matrix included. */
  readonly seconds: number;
}

/** Dense cost matrices above this many entries (8 bytes each) are refused rather than exhausting memory. */
export const MAX_COST_ENTRIES = 64 * 1024 * 1024;

export function exactW2Squared(source: PointCloud, target: PointCloud, options: ExactOtOptions = {}): ExactOtResult {
  const t0 = performance.now();
  checkPointCloud(source, 'exactW2Squared(source)');
  checkPointCloud(target, 'exactW2Squared(target)');
  checkSameDimension(source, target, 'exactW2Squared');
  const { n } = source;
  const m = target.n;
  const { sourceWeights, targetWeights } = options;
  if (sourceWeights !== undefined) checkWeights(sourceWeights, n, 'exactW2Squared(sourceWeights)');
  if (targetWeights !== undefined) checkWeights(targetWeights, m, 'exactW2Squared(targetWeights)');
  const requested = options.solver ?? 'auto';
  if (requested !== 'auto' && requested !== 'assignment' && requested !== 'network-simplex') {
    throw new UserError(`exactW2Squared: solver '${String(requested)}' is not allowed; choose auto, assignment or network-simplex`);
  }
  if (n * m > MAX_COST_ENTRIES) {
    throw new UserError(`exactW2Squared: ${n} × ${m} points need a ${((n * m * 8) / 2 ** 30).toFixed(1)} GiB cost matrix; at most ${MAX_COST_ENTRIES} entries (e.g. 8192 × 8192) are allowed`);
  }
  const uniformSquare = n === m && sourceWeights === undefined && targetWeights === undefined;
  if (requested === 'assignment' && !uniformSquare) {
    throw new UserError(`exactW2Squared: the assignment solver needs equal sizes and uniform weights (got n = ${n}, m = ${m}${sourceWeights || targetWeights ? ', explicit weights' : ''}); use solver 'auto' or 'network-simplex'`);
  }
  const C = squaredDistanceMatrix(source, target);
  if (uniformSquare && requested !== 'network-simplex') {
    const s = linearSumAssignment(C, n, n, { start: options.assignmentStart });
    return { cost: s.cost / n, n, m, solver: 'assignment', assignment: s.rowToCol, seconds: (performance.now() - t0) / 1000 };
  }
  const a = sourceWeights ?? new Float64Array(n).fill(1 / n);
  const b = targetWeights ?? new Float64Array(m).fill(1 / m);
  const r = networkSimplex(a, b, C);
  return { cost: r.cost, n, m, solver: 'network-simplex', plan: r.plan, seconds: (performance.now() - t0) / 1000 };
}
