/**
 * Closed-form W2² = min_π E‖x − y‖² (no ½, no α; see lib/costs) of the synthetic pairs, and the Gaussian
 * (Bures) formulas. Notation of OTP App. E.1: d even, n = d/2, x = (x1, x2), y = (y1, y2), e1 ∈ R^n.
 *
 * A device used throughout: E‖x − y‖² = E‖x‖² + E‖y‖² − 2 E⟨x, y⟩, and the first two terms do not depend on
 * the coupling, so W2² = E‖x‖² + E‖y‖² − 2 sup_π E⟨x, y⟩. For U([−1,1]) one coordinate has E u² = 1/3.
 */
import { UserError } from '../errors';
import { invSqrtSpd, matMul, sqrtPsd, symmetrize, trace, type Matrix } from '../linalg';

function checkEven(what: string, d: number): number {
  if (!Number.isInteger(d) || d < 2 || d % 2 !== 0) throw new UserError(`${what}: dimension must be an even integer ≥ 2, got ${d}`);
  return d / 2;
}

/**
 * Perpendicular: ⟨x, y⟩ = 0 for every coupling (orthogonal supports), so
 * W2² = E‖x1‖² + E‖y2‖² = n/3 + n/3 = d/3 (OTP Eq. 11 gives ½·W2² = 1/3 at d = 2).
 */
export function w2SquaredPerpendicular(d: number): number {
  checkEven('perpendicular', d);
  return d / 3;
}

/** Parallel (Horizontal): T*(x) = (x1, e1) keeps x1 and moves by e1, cost ‖e1‖² = 1 (OTP Eq. 15: ½·W2² = ½). */
export function w2SquaredParallel(d: number): number {
  checkEven('parallel', d);
  return 1;
}

/**
 * One-to-Many: ‖x − y‖² = ‖x1 − y1‖² + ‖y2‖² ≥ ‖y2‖² = 1 for every coupling, and the plan (x1, ±e1) attains it.
 * The same holds for the Sec. 3.2 Example 3 version with x1 ∈ [0, 1].
 */
export function w2SquaredOneToMany(d: number): number {
  checkEven('one-to-many', d);
  return 1;
}

/**
 * Multi-Perpendicular: W2² = d/3 − 5/8.
 *
 * Derivation. x = (x1, q·e1) with x1 ~ U([−1,1]^n), q ~ ℙ uniform on L = {−¾, −¼, ¼, ¾}, independent;
 * y = (p·e1, y2) with p ~ ℙ, y2 ~ U([−1,1]^n), independent. Write u = x1[0], v = y2[0].
 *  • E‖x‖² = n/3 + E q² = n/3 + (9/16 + 1/16)/2 = n/3 + 5/16, and likewise E‖y‖² = n/3 + 5/16.
 *  • ⟨x, y⟩ = u·p + q·v (all other products vanish: y1[1:] = 0 and x2[1:] = 0).
 *  • sup_π E⟨x, y⟩ ≤ sup E[u p] + sup E[q v], each sup over couplings of two 1-D laws, attained by the
 *    comonotone (quantile) coupling. The four levels are the centres of the four equal-mass bins of width ½
 *    of U([−1,1]), so the comonotone coupling of u and p is p = Q(u) (the centre of u's bin) and
 *    E[u Q(u)] = E[Q(u)²] + E[(u − Q(u)) Q(u)] = 5/16 + 0. By symmetry sup E[q v] = 5/16.
 *  • Both bounds are attained at once by T(x) = (Q(u)·e1, y2) with y2[0] = q + (u − Q(u)), y2[1:] = x1[1:]:
 *    Q(u), u − Q(u) ~ U([−¼, ¼)) and q are independent, so y1 ~ ℙ, y2[0] ~ U([−1, 1)), y2[1:] ~ U, all
 *    independent, i.e. T#μ = ν (this is `optimalMap` of the pair).
 *  • W2² = 2(n/3 + 5/16) − 2(5/16 + 5/16) = 2n/3 − 5/8 = d/3 − 5/8.
 * Check: at d = 2 the map moves u by u − Q(u) and q by u − Q(u), each of variance (½)²/12 = 1/48: total 1/24 = 2/3 − 5/8.
 */
export function w2SquaredMultiPerpendicular(d: number): number {
  checkEven('multi-perpendicular', d);
  return d / 3 - 5 / 8;
}

/**
 * Bures–Wasserstein: W2²(N(m1, Σ1), N(m2, Σ2)) = ‖m1 − m2‖² + tr(Σ1 + Σ2 − 2 (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}).
 */
export function gaussianW2Squared(m1: ArrayLike<number>, s1: Matrix, m2: ArrayLike<number>, s2: Matrix, d: number): number {
  let mean = 0;
  for (let i = 0; i < d; i++) mean += (m1[i] - m2[i]) ** 2;
  const r1 = sqrtPsd(s1, d);
  const cross = sqrtPsd(symmetrize(matMul(matMul(r1, s2, d), r1, d), d), d);
  return mean + Math.max(0, trace(s1, d) + trace(s2, d) - 2 * trace(cross, d));
}

/**
 * The OT map between Gaussians: T(x) = A x + b, A = Σ1^{-1/2} (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2} Σ1^{-1/2} (symmetric
 * positive definite, hence the gradient of a convex quadratic: Brenier), b = m2 − A m1.
 */
export function buresMap(m1: ArrayLike<number>, s1: Matrix, m2: ArrayLike<number>, s2: Matrix, d: number): { matrix: Matrix; bias: Float64Array } {
  const r1 = sqrtPsd(s1, d);
  const ir1 = invSqrtSpd(s1, d, 'source covariance');
  const mid = sqrtPsd(symmetrize(matMul(matMul(r1, s2, d), r1, d), d), d);
  const a = symmetrize(matMul(matMul(ir1, mid, d), ir1, d), d);
  const bias = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = m2[i];
    for (let j = 0; j < d; j++) s -= a[i * d + j] * m1[j];
    bias[i] = s;
  }
  return { matrix: a, bias };
}
