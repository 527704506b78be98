/**
 * Small dense float64 linear algebra for the closed forms (Gaussians, Bures maps, W2-benchmark baselines).
 * Matrices are row-major Float64Array of length n·n. Sizes here are ≤ a few hundred, so plain loops suffice.
 */
import { UserError } from './errors';

export type Matrix = Float64Array;

export function identity(n: number): Matrix {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

export function matMul(a: Matrix, b: Matrix, n: number): Matrix {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

export function transpose(a: Matrix, n: number): Matrix {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j];
  return out;
}

export function trace(a: Matrix, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i];
  return s;
}

/** y = A x. */
export function matVec(a: Matrix, x: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** (A + Aᵀ)/2: removes round-off asymmetry before an eigendecomposition. */
export function symmetrize(a: Matrix, n: number): Matrix {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  return out;
}

/** Lower-triangular L with A = L Lᵀ. Throws UserError when A is not symmetric positive definite. */
export function cholesky(a: Matrix, n: number, what = 'matrix'): Matrix {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new UserError(`${what}: not symmetric positive definite (pivot ${i} is ${s}); a covariance must be SPD`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/**
 * Symmetric eigendecomposition by cyclic Jacobi rotations: A = V diag(w) Vᵀ, V's columns the eigenvectors.
 * Accurate to round-off for the small, well-conditioned matrices used here.
 */
export function symEig(a: Matrix, n: number): { values: Float64Array; vectors: Matrix } {
  const m = symmetrize(a, n);
  const v = identity(n);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m[i]));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off <= (1e-17 * scale) ** 2) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) <= 1e-20 * scale) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: v };
}

/** f(A) = V diag(f(w)) Vᵀ for symmetric A. */
export function symFunction(a: Matrix, n: number, f: (w: number) => number): Matrix {
  const { values, vectors } = symEig(a, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const fk = f(values[k]);
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * fk;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return out;
}

/** Principal square root of a symmetric positive semi-definite matrix (tiny negative eigenvalues clipped to 0). */
export function sqrtPsd(a: Matrix, n: number): Matrix {
  return symFunction(a, n, (w) => Math.sqrt(Math.max(w, 0)));
}

/** A^{-1/2} of a symmetric positive definite matrix. */
export function invSqrtSpd(a: Matrix, n: number, what = 'matrix'): Matrix {
  return symFunction(a, n, (w) => {
    if (!(w > 0)) throw new UserError(`${what}: not positive definite (eigenvalue ${w}); a covariance must be SPD`);
    return 1 / Math.sqrt(w);
  });
}

/** Whether a is symmetric to a relative tolerance. */
export function isSymmetric(a: Matrix, n: number, tol = 1e-9): boolean {
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (Math.abs(a[i * n + j] - a[j * n + i]) > tol * Math.max(scale, 1e-300)) return false;
  return true;
}
