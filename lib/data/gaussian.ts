/** Gaussians, Gaussian mixtures and the Gaussian → Gaussian pair with its closed-form (Bures) OT map. */
import { UserError } from '../errors';
import { Rng } from '../random';
import { cholesky, isSymmetric, type Matrix } from '../linalg';
import type { PointCloud } from '../points';
import { nearestModeClassifier } from './classifiers';
import { checkDim, makeSampler, type Pair, type PointMap, type Sampler } from './types';
import { buresMap, gaussianW2Squared } from './closed-forms';

export interface GaussianSpec {
  readonly mean: ArrayLike<number>;
  /** Row-major d×d, symmetric positive definite. */
  readonly covariance: ArrayLike<number>;
}

export interface GaussianSampler extends Sampler {
  readonly mean: Float64Array;
  readonly covariance: Matrix;
  /** Lower Cholesky factor L (covariance = L Lᵀ); a draw is mean + L z. */
  readonly choleskyFactor: Matrix;
}

function checkGaussian(what: string, spec: GaussianSpec): { mean: Float64Array; cov: Matrix; d: number } {
  const d = spec.mean.length;
  checkDim(`${what} mean`, d);
  if (spec.covariance.length !== d * d) {
    throw new UserError(`${what}: covariance has ${spec.covariance.length} entries, a ${d}-dimensional mean needs ${d * d} (row-major d×d)`);
  }
  const mean = Float64Array.from(spec.mean);
  const cov = Float64Array.from(spec.covariance);
  for (const v of mean) if (!Number.isFinite(v)) throw new UserError(`${what}: mean has a non-finite entry ${v}`);
  if (!isSymmetric(cov, d)) throw new UserError(`${what}: covariance is not symmetric; a covariance must be symmetric positive definite`);
  return { mean, cov, d };
}

/** x = mean + L z, z ~ N(0, I), L the Cholesky factor of the covariance. */
export function gaussianSampler(spec: GaussianSpec, name = 'gaussian'): GaussianSampler {
  const { mean, cov, d } = checkGaussian(name, spec);
  const l = cholesky(cov, d, `${name} covariance`);
  const z = new Float64Array(d);
  // A diagonal covariance needs no matrix product: x_r = mean_r + L_rr z_r (O(d) per point instead of O(d²)).
  let diagonal = true;
  for (let r = 0; r < d && diagonal; r++) for (let c = 0; c < r; c++) if (l[r * d + c] !== 0) diagonal = false;
  const base = makeSampler(name, d, (out, n, rng) => {
    if (diagonal) {
      for (let i = 0; i < n; i++) for (let r = 0; r < d; r++) out[i * d + r] = mean[r] + l[r * d + r] * rng.normal();
      return;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) z[j] = rng.normal();
      for (let r = 0; r < d; r++) {
        let s = mean[r];
        for (let c = 0; c <= r; c++) s += l[r * d + c] * z[c];
        out[i * d + r] = s;
      }
    }
  });
  return { ...base, mean, covariance: cov, choleskyFactor: l };
}

/** Isotropic N(mean, variance·I) in dimension d. */
export function isotropicGaussian(d: number, variance = 1, mean?: ArrayLike<number>, name = 'gaussian'): GaussianSampler {
  checkDim(name, d);
  if (!(variance > 0)) throw new UserError(`${name}: variance must be > 0, got ${variance}`);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) cov[i * d + i] = variance;
  return gaussianSampler({ mean: mean ?? new Float64Array(d), covariance: cov }, name);
}

export interface GaussianMixtureSpec {
  /** Non-negative, normalised here. */
  readonly weights: readonly number[];
  readonly components: readonly GaussianSpec[];
}

export interface GaussianMixtureSampler extends Sampler {
  readonly weights: Float64Array;
  readonly components: readonly GaussianSampler[];
  /** Draws and also returns each point's component index. */
  sampleLabelled(n: number, rng: Rng): { points: PointCloud; labels: Int32Array };
}

/** Mixture Σ_k w_k N(m_k, Σ_k); the component is drawn i.i.d. per point (not stratified). */
export function gaussianMixtureSampler(spec: GaussianMixtureSpec, name = 'gaussian-mixture'): GaussianMixtureSampler {
  const k = spec.components.length;
  if (k < 1) throw new UserError(`${name}: a mixture needs at least one component, got 0`);
  if (spec.weights.length !== k) throw new UserError(`${name}: ${spec.weights.length} weights for ${k} components; give one weight per component`);
  let total = 0;
  for (const w of spec.weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new UserError(`${name}: weights must be finite and ≥ 0, got ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new UserError(`${name}: weights sum to ${total}; at least one must be > 0`);
  const weights = Float64Array.from(spec.weights, (w) => w / total);
  const comps = spec.components.map((c, i) => gaussianSampler(c, `${name}[${i}]`));
  const d = comps[0].dim;
  for (const c of comps) if (c.dim !== d) throw new UserError(`${name}: components have dimensions ${d} and ${c.dim}; all must match`);
  const cdf = new Float64Array(k);
  let acc = 0;
  for (let i = 0; i < k; i++) cdf[i] = acc += weights[i];
  const z = new Float64Array(d);
  const pick = (u: number): number => {
    for (let i = 0; i < k - 1; i++) if (u < cdf[i]) return i;
    return k - 1;
  };
  const drawInto = (out: Float32Array, row: number, c: number, rng: Rng): void => {
    const g = comps[c];
    for (let j = 0; j < d; j++) z[j] = rng.normal();
    for (let r = 0; r < d; r++) {
      let s = g.mean[r];
      for (let q = 0; q <= r; q++) s += g.choleskyFactor[r * d + q] * z[q];
      out[row * d + r] = s;
    }
  };
  const base = makeSampler(name, d, (out, n, rng) => {
    for (let i = 0; i < n; i++) drawInto(out, i, pick(rng.uniform()), rng);
  });
  return {
    ...base,
    weights,
    components: comps,
    sampleLabelled(n: number, rng: Rng) {
      const labels = new Int32Array(n);
      const points = makeSampler(name, d, (out, count, r) => {
        for (let i = 0; i < count; i++) {
          labels[i] = pick(r.uniform());
          drawInto(out, i, labels[i], r);
        }
      }).sample(n, rng);
      return { points, labels };
    },
  };
}

/** The mode classifier (nearest component mean) of a Gaussian mixture. */
export function mixtureModes(m: GaussianMixtureSampler, names?: readonly string[], maxDistance?: number) {
  const d = m.dim;
  const centres = new Float32Array(m.components.length * d);
  m.components.forEach((c, i) => centres.set(Float32Array.from(c.mean), i * d));
  return nearestModeClassifier({ n: m.components.length, d, data: centres }, { names, maxDistance });
}

/** y = A x + b applied row by row (float64 arithmetic, float32 output). */
export function affineMap(a: Matrix, b: ArrayLike<number>, d: number): PointMap {
  return (x) => {
    if (x.d !== d) throw new UserError(`affine map: points have dimension ${x.d}, the map ${d}`);
    const out = new Float32Array(x.n * d);
    for (let i = 0; i < x.n; i++) {
      for (let r = 0; r < d; r++) {
        let s = b[r];
        for (let c = 0; c < d; c++) s += a[r * d + c] * x.data[i * d + c];
        out[i * d + r] = s;
      }
    }
    return { n: x.n, d, data: out };
  };
}

/** A random SPD covariance W Wᵀ/d + 0.25·I (W with N(0,1) entries): eigenvalues bounded away from 0. */
export function randomCovariance(d: number, rng: Rng): Matrix {
  const w = new Float64Array(d * d);
  rng.fillNormal(w);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += w[i * d + k] * w[j * d + k];
      cov[i * d + j] = cov[j * d + i] = s / d + (i === j ? 0.25 : 0);
    }
  }
  return cov;
}

export interface GaussianBuresOptions {
  readonly dim?: number;
  /** Seed of the random pair (default 0). Ignored when source and target are given. */
  readonly seed?: number;
  readonly source?: GaussianSpec;
  readonly target?: GaussianSpec;
}

/**
 * N(m1, Σ1) → N(m2, Σ2) with the closed-form OT map T(x) = m2 + A(x − m1),
 * A = Σ1^{-1/2}(Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2} Σ1^{-1/2}, and W2² = ‖m1 − m2‖² + Bures²(Σ1, Σ2).
 * Without explicit Gaussians, a random pair from `seed`: means ~ N(0, I), covariances from randomCovariance.
 */
export function gaussianBuresPair(options: GaussianBuresOptions = {}): Pair {
  let src: GaussianSpec;
  let tgt: GaussianSpec;
  if (options.source || options.target) {
    if (!options.source || !options.target) throw new UserError('gaussian-bures: give both source and target Gaussians, or neither (random pair)');
    src = options.source;
    tgt = options.target;
  } else {
    const d = options.dim ?? 2;
    checkDim('gaussian-bures', d);
    const rng = new Rng(options.seed ?? 0);
    const m1 = rng.fillNormal(new Float64Array(d));
    const m2 = rng.fillNormal(new Float64Array(d));
    src = { mean: m1, covariance: randomCovariance(d, rng) };
    tgt = { mean: m2, covariance: randomCovariance(d, rng) };
  }
  const source = gaussianSampler(src, 'gaussian-bures/source');
  const target = gaussianSampler(tgt, 'gaussian-bures/target');
  const d = source.dim;
  if (target.dim !== d) throw new UserError(`gaussian-bures: source has dimension ${d}, target ${target.dim}; they must match`);
  if (options.dim !== undefined && options.dim !== d) throw new UserError(`gaussian-bures: dim ${options.dim} does not match the given Gaussians' dimension ${d}`);
  const { matrix, bias } = buresMap(source.mean, source.covariance, target.mean, target.covariance, d);
  const optimalMap = affineMap(matrix, bias, d);
  return {
    name: 'gaussian-bures',
    dim: d,
    description: `Gaussian → Gaussian, d = ${d}, closed-form (Bures) OT map`,
    source,
    target,
    w2Squared: gaussianW2Squared(source.mean, source.covariance, target.mean, target.covariance, d),
    optimalMap,
    optimalPlan: (x) => optimalMap(x),
  };
}
