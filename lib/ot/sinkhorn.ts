import { UserError } from '../errors';
import { checkCostMatrix, checkWeights } from './validate';

/**
 * Entropic OT by Sinkhorn's matrix scaling (Sinkhorn 1964; Cuturi 2013, "Sinkhorn distances"), in the log
 * domain (Peyré & Cuturi, "Computational Optimal Transport" (2019), Sec. 4.4; Schmitzer 2019 for the
 * stabilisation): alternate the soft-min (c-transform) updates of the dual potentials
 *
 *   f_i = −ε log Σ_j b_j exp((g_j − C_ij)/ε),    g_j = −ε log Σ_i a_i exp((f_i − C_ij)/ε),
 *
 * each computed as a log-sum-exp shifted by its maximum, so that nothing overflows or underflows even for
 * ε far below the cost scale (the kernel exp(−C/ε) of the textbook multiplicative form is 0 in floating point
 * as soon as C/ε > 745). The plan is P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε).
 *
 * This solves the regularised problem min ⟨P, C⟩ + ε KL(P ‖ a⊗b), not exact OT; ε is always the caller's
 * explicit choice, and exact solvers never fall back to this one.
 */
export interface SinkhornOptions {
  /** Entropic regularisation ε > 0, in the units of the cost. Required. */
  readonly epsilon: number;
  /** Default 10 000. */
  readonly maxIterations?: number;
  /** Stop when Σ_i |row sum_i − a_i| ≤ tolerance (column sums are exact, up to rounding, after each g update). Default 1e-9. */
  readonly tolerance?: number;
}

export interface SinkhornResult {
  /** Transport cost ⟨P, C⟩ of the returned plan (without the entropy term). */
  readonly cost: number;
  /** Dual objective Σ a_i f_i + Σ b_j g_j; equals the regularised optimum ⟨P, C⟩ + ε KL(P ‖ a⊗b) at convergence. */
  readonly dualObjective: number;
  /** Dense plan, row-major n × m. */
  readonly plan: Float64Array;
  readonly f: Float64Array;
  readonly g: Float64Array;
  readonly iterations: number;
  /** True when the marginal error reached the tolerance within maxIterations. */
  readonly converged: boolean;
  /** Σ_i |Σ_j P_ij − a_i| + Σ_j |Σ_i P_ij − b_j|, measured on the returned plan. */
  readonly marginalError: number;
  readonly epsilon: number;
}

export function sinkhorn(a: Float64Array, b: Float64Array, costMatrix: Float64Array, options: SinkhornOptions): SinkhornResult {
  const n = a.length;
  const m = b.length;
  const eps = options?.epsilon;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) {
    throw new UserError(`sinkhorn: epsilon must be a finite number > 0 (the entropic regularisation, in cost units), got ${String(eps)}`);
  }
  const maxIterations = options.maxIterations ?? 10_000;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new UserError(`sinkhorn: maxIterations must be a positive integer, got ${maxIterations}`);
  }
  const tolerance = options.tolerance ?? 1e-9;
  if (!Number.isFinite(tolerance) || tolerance <= 0) throw new UserError(`sinkhorn: tolerance must be a finite number > 0, got ${tolerance}`);
  checkWeights(a, n, 'sinkhorn(source weights)');
  checkWeights(b, m, 'sinkhorn(target weights)');
  checkCostMatrix(costMatrix, n, m, 'sinkhorn');

  const C = costMatrix;
  const loga = a.map(Math.log); // −∞ for zero weights: those terms drop out of every sum
  const logb = b.map(Math.log);
  const f = new Float64Array(n);
  const g = new Float64Array(m);
  const fNext = new Float64Array(n);
  const colMax = new Float64Array(m);
  const colSum = new Float64Array(m);
  const invEps = 1 / eps;

  // f ← −ε LSE_j(log b_j + (g_j − C_ij)/ε), written into out.
  const updateF = (out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      const row = i * m;
      let mx = -Infinity;
      for (let j = 0; j < m; j++) {
        const t = logb[j] + (g[j] - C[row + j]) * invEps;
        if (t > mx) mx = t;
      }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(logb[j] + (g[j] - C[row + j]) * invEps - mx);
      out[i] = -eps * (mx + Math.log(s));
    }
  };
  // g ← −ε LSE_i(log a_i + (f_i − C_ij)/ε), row-major passes over C.
  const updateG = (): void => {
    colMax.fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const row = i * m;
      const base = loga[i] + f[i] * invEps;
      for (let j = 0; j < m; j++) {
        const t = base - C[row + j] * invEps;
        if (t > colMax[j]) colMax[j] = t;
      }
    }
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * m;
      const base = loga[i] + f[i] * invEps;
      for (let j = 0; j < m; j++) colSum[j] += Math.exp(base - C[row + j] * invEps - colMax[j]);
    }
    for (let j = 0; j < m; j++) g[j] = -eps * (colMax[j] + Math.log(colSum[j]));
  };

  updateF(f);
  updateG();
  let iterations = 1;
  let converged = false;
  for (;;) {
    // The next f update tells the current row sums for free: Σ_j P_ij = a_i exp((f_i − f_i^next)/ε).
    updateF(fNext);
    let rowError = 0;
    for (let i = 0; i < n; i++) if (a[i] > 0) rowError += a[i] * Math.abs(Math.exp((f[i] - fNext[i]) * invEps) - 1);
    // Far from convergence with tiny ε the ratio can overflow to +∞, which only means "not yet"; NaN would be a bug.
    if (Number.isNaN(rowError)) throw new Error(`sinkhorn: NaN marginal error at iteration ${iterations} (ε = ${eps}); this is a bug`);
    if (rowError <= tolerance) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    f.set(fNext);
    updateG();
    iterations++;
  }

  const plan = new Float64Array(n * m);
  let cost = 0;
  colSum.fill(0);
  let planError = 0;
  for (let i = 0; i < n; i++) {
    const row = i * m;
    let rowSum = 0;
    for (let j = 0; j < m; j++) {
      const p = Math.exp(loga[i] + logb[j] + (f[i] + g[j] - C[row + j]) * invEps);
      plan[row + j] = p;
      cost += p * C[row + j];
      rowSum += p;
      colSum[j] += p;
    }
    planError += Math.abs(rowSum - a[i]);
  }
  for (let j = 0; j < m; j++) planError += Math.abs(colSum[j] - b[j]);
  let dualObjective = 0;
  for (let i = 0; i < n; i++) if (a[i] > 0) dualObjective += a[i] * f[i];
  for (let j = 0; j < m; j++) if (b[j] > 0) dualObjective += b[j] * g[j];
  return { cost, dualObjective, plan, f, g, iterations, converged, marginalError: planError, epsilon: eps };
}
