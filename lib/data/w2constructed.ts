/**
 * A constructed stand-in for the W2 benchmark, used when the Mix3toMix10 data is absent. It is NOT the benchmark:
 * its name says 'constructed' and `isStandIn` is true, so no table can mistake its scores for benchmark scores.
 *
 * Same recipe as the benchmark, with a potential whose gradient we know exactly:
 *   μ = a 3-component Gaussian mixture (random means and covariances from the seed);
 *   ψ0(x) = (a/2)‖x‖² + Σ_j w_j softplus(⟨u_j, x⟩ + b_j) + β·logsumexp(V x + c),  w_j, β > 0, a > 0,
 * which is strongly convex (softplus and log-sum-exp of affine maps are convex, positive weights keep it so);
 *   ψ(x) = scale·(ψ0(x) + ⟨shift, x⟩), standardised like the benchmark (ν zero-mean, mean per-coordinate variance 1);
 *   T* = ∇ψ, ν = T*#μ. By Brenier, T* is the OT map from μ to ν.
 * The constants (Var(μ), Var(ν), cost, linear baseline) are Monte-Carlo estimates from a fixed stream of the seed.
 */
import { Rng } from '../random';
import { buresMap } from './closed-forms';
import { gaussianMixtureSampler, randomCovariance } from './gaussian';
import { assembleW2Pair, type W2BenchConstants, type W2BenchmarkPair } from './w2bench';
import { checkDim } from './types';

/** Samples used to estimate the standardisation and the constants. */
const ESTIMATE_SAMPLES = 1 << 14;

function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

interface Potential0 {
  value(x: ArrayLike<number>, off: number): number;
  /** Writes ∇ψ0(x) into out[outOff ..]. */
  gradient(x: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void;
}

/** a of ψ0: T* = scale·(∇ψ0 + shift) is (scale·a)-strongly monotone. */
export const CONSTRUCTED_QUADRATIC_WEIGHT = 0.1;

function randomPotential(d: number, rng: Rng): Potential0 {
  const a = CONSTRUCTED_QUADRATIC_WEIGHT;
  const m = Math.max(2 * d, 16);
  const kl = 8;
  const u = rng.fillNormal(new Float64Array(m * d), 0, 4 / Math.sqrt(d));
  const b = rng.fillNormal(new Float64Array(m));
  const w = rng.fillUniform(new Float64Array(m), 0.5, 1.5).map((v) => (v * 3 * Math.sqrt(d)) / Math.sqrt(m));
  const v = rng.fillNormal(new Float64Array(kl * d), 0, 4 / Math.sqrt(d));
  const c = rng.fillNormal(new Float64Array(kl));
  const beta = Math.sqrt(d);
  const pre = new Float64Array(Math.max(m, kl));
  /** Affine pre-activations W z + bias of a layer with `rows` outputs, written to `pre`. */
  const affine = (W: Float64Array, bias: Float64Array, rows: number, x: ArrayLike<number>, off: number) => {
    for (let j = 0; j < rows; j++) {
      let t = bias[j];
      for (let i = 0; i < d; i++) t += W[j * d + i] * x[off + i];
      pre[j] = t;
    }
  };
  /** Log-sum-exp of pre[0..kl) and its maximum (for the stable softmax weights of the gradient). */
  const logSumExp = () => {
    let mx = -Infinity;
    for (let k = 0; k < kl; k++) mx = Math.max(mx, pre[k]);
    let se = 0;
    for (let k = 0; k < kl; k++) se += Math.exp(pre[k] - mx);
    return { mx, se };
  };
  return {
    value(x, off) {
      let s = 0;
      for (let i = 0; i < d; i++) s += x[off + i] ** 2;
      s *= a / 2;
      affine(u, b, m, x, off);
      for (let j = 0; j < m; j++) s += w[j] * softplus(pre[j]);
      affine(v, c, kl, x, off);
      const { mx, se } = logSumExp();
      return s + beta * (mx + Math.log(se));
    },
    gradient(x, off, out, outOff) {
      for (let i = 0; i < d; i++) out[outOff + i] = a * x[off + i];
      affine(u, b, m, x, off);
      for (let j = 0; j < m; j++) {
        const g = w[j] * sigmoid(pre[j]);
        for (let i = 0; i < d; i++) out[outOff + i] += g * u[j * d + i];
      }
      affine(v, c, kl, x, off);
      const { mx, se } = logSumExp();
      for (let k = 0; k < kl; k++) {
        const g = (beta * Math.exp(pre[k] - mx)) / se;
        for (let i = 0; i < d; i++) out[outOff + i] += g * v[k * d + i];
      }
    },
  };
}

function meanAndCov(x: Float64Array, n: number, d: number): { mean: Float64Array; cov: Float64Array; totalVar: number } {
  const mean = new Float64Array(d);
  for (let p = 0; p < n; p++) for (let i = 0; i < d; i++) mean[i] += x[p * d + i];
  for (let i = 0; i < d; i++) mean[i] /= n;
  const cov = new Float64Array(d * d);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < d; i++) {
      const ci = x[p * d + i] - mean[i];
      for (let j = 0; j <= i; j++) cov[i * d + j] += ci * (x[p * d + j] - mean[j]);
    }
  }
  let totalVar = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) cov[i * d + j] = cov[j * d + i] = cov[i * d + j] / (n - 1);
    totalVar += cov[i * d + i];
  }
  return { mean, cov, totalVar };
}

/** The stand-in pair in dimension d from `seed` (deterministic: same d and seed, same pair and constants). */
export function constructedW2Pair(d: number, seed = 0): W2BenchmarkPair {
  checkDim('constructedW2Pair', d);
  const rng = new Rng(seed);
  const comps = [0, 1, 2].map(() => ({
    mean: rng.fillNormal(new Float64Array(d), 0, 1.5),
    covariance: randomCovariance(d, rng).map((v) => 0.16 * v),
  }));
  const source = gaussianMixtureSampler({ weights: [1, 1, 1], components: comps }, `w2-constructed-d${d}/source`);
  const psi0 = randomPotential(d, rng);
  // Standardisation as in the benchmark: shift = −E∇ψ0, scale = 1/√(mean per-coordinate Var ∇ψ0).
  const est = rng.fork();
  const xs = Float64Array.from(source.sample(ESTIMATE_SAMPLES, est).data);
  const g0 = new Float64Array(ESTIMATE_SAMPLES * d);
  for (let p = 0; p < ESTIMATE_SAMPLES; p++) psi0.gradient(xs, p * d, g0, p * d);
  const g0Stats = meanAndCov(g0, ESTIMATE_SAMPLES, d);
  const shift = g0Stats.mean.map((v) => -v);
  const scale = 1 / Math.sqrt(g0Stats.totalVar / d);
  const gradient = (x: Float64Array, off: number, out: Float64Array, outOff: number): void => {
    psi0.gradient(x, off, out, outOff);
    for (let i = 0; i < d; i++) out[outOff + i] = scale * (out[outOff + i] + shift[i]);
  };
  const potential = (x: ArrayLike<number>): number => {
    let s = psi0.value(x, 0);
    for (let i = 0; i < d; i++) s += shift[i] * x[i];
    return scale * s;
  };
  // Constants on the same samples: T*(x) = scale·(∇ψ0 + shift).
  const tx = g0.map((v, idx) => scale * (v + shift[idx % d]));
  const muStats = meanAndCov(xs, ESTIMATE_SAMPLES, d);
  const nuStats = meanAndCov(tx, ESTIMATE_SAMPLES, d);
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i] - tx[i]) ** 2;
  const lin = buresMap(muStats.mean, muStats.cov, nuStats.mean, nuStats.cov, d);
  const constants: W2BenchConstants = {
    muVar: muStats.totalVar,
    nuVar: nuStats.totalVar,
    muMean: muStats.mean,
    nuMean: nuStats.mean,
    cost: (0.5 * sq) / ESTIMATE_SAMPLES,
    scale,
    shift,
    linearWeight: lin.matrix,
    linearBias: lin.bias,
  };
  return assembleW2Pair({
    name: `w2-constructed-d${d}-seed${seed}`,
    description: `CONSTRUCTED stand-in for the W2 benchmark (not Mix3toMix10), d = ${d}, seed ${seed}: Gaussian mixture → ∇ψ, ψ = quadratic + softplus + log-sum-exp`,
    isStandIn: true,
    source,
    d,
    gradient,
    potential,
    constants,
    reference: () => null,
    storedBaselines: null,
    mix3: null,
    notes: 'Stand-in: the benchmark data was not used. Constants are Monte-Carlo estimates on 2^14 samples of a fixed stream of the seed.',
  });
}
