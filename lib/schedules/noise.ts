/**
 * OTP's noise schedules (App. E.1 Eq. 38, App. E.2 Eq. 39, App. F.2 constant) and the smoothing maps of Eq. 21.
 *
 * σ and ε: the smoothed source is μ_ε = μ * N(0, ε I) (Gaussian convolution, x̃ = x + √ε z) or
 * (√(1−ε) Id)#μ * N(0, ε I) (variance preserving, x̃ = √(1−ε) x + √ε z). App. E writes the Gaussian one as
 * x̂ = x + σ z, so σ = √ε and ε = σ².
 *
 * Our reading of Eq. 38 / 39 (k = outer iteration, 0-based; K = total iterations; P = period):
 *   t_raw(k) = (P·⌈k/P⌉ + 1)/K,  "[·] is the least integer function" = ceiling (the default `rounding: 'ceil'`).
 *   • k = 0: ⌈0⌉ = 0, t = 1/K, so σ_0 is σ_max − (σ_max − σ_min)/K, a hair below σ_max (not exactly σ_max).
 *   • Levels change right after multiples of P: k ∈ {1, …, P} share t = (P + 1)/K, k ∈ {P+1, …, 2P} share
 *     (2P + 1)/K, and so on; k = 0 is a period of its own. So k = P−1 and k = P have the same level, k = P+1 the next.
 *   • Last iterations: for k > K − P (when P divides K), ⌈k/P⌉ = K/P and t_raw = (K + 1)/K > 1: the formula
 *     overshoots (σ below σ_min; in Eq. 39, 1 − t_raw < 0 makes ε negative and √ε NaN). We clamp t to [0, 1]:
 *     the last period (and Algorithm 1's extra iteration k = K) runs at exactly σ_min, and Eq. 39 at ε = 0.
 *   • The floor reading (`rounding: 'floor'`, blocks {0..P−1}, {P..2P−1}, …) never overshoots but never reaches
 *     σ_min either (last t = (K − P + 1)/K); it is offered for comparison with code that uses integer division.
 * Eq. 39 uses the same t in reverse (t_vp = 1 − t_raw) with ε_k = 1 − exp(−(σ_max − σ_min)/2·t² − σ_min·t):
 * there σ_max, σ_min are the VP-SDE's β_max, β_min (Song et al. 2021), not noise standard deviations.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors';
import type { PointCloud } from '../points';
import type { Rng } from '../random';
import { mapPerRun, perRunOperand, type PerRun } from '../runs';

export type Smoothing = 'gaussian' | 'variance-preserving';
export type Rounding = 'ceil' | 'floor';

export interface PeriodicScheduleBase {
  readonly sigmaMax: number;
  readonly sigmaMin: number;
  /** P: the level changes every P outer iterations. */
  readonly period: number;
  /** K: total number of outer iterations. */
  readonly totalIterations: number;
  /** How [k/P] is read; default 'ceil' (the paper's "least integer function"). */
  readonly rounding?: Rounding;
  /** Overrides the smoothing map that goes with the schedule. */
  readonly smoothing?: Smoothing;
}

/** OTP Eq. 38: σ_k linear from σ_max to σ_min; Gaussian convolution by default. */
export interface LinearNoiseSchedule extends PeriodicScheduleBase {
  readonly kind: 'linear';
}

/** OTP Eq. 39: variance-preserving ε_k (σ_max, σ_min are β_max, β_min); VP smoothing by default. */
export interface VpNoiseSchedule extends PeriodicScheduleBase {
  readonly kind: 'vp';
}

/** OTP App. F.2 (CNS ablation): constant σ; Gaussian convolution by default. */
export interface ConstantNoiseSchedule {
  readonly kind: 'constant';
  readonly sigma: number;
  readonly smoothing?: Smoothing;
}

/** No smoothing at all (plain OTM). */
export interface NoNoiseSchedule {
  readonly kind: 'none';
}

export type NoiseSchedule = LinearNoiseSchedule | VpNoiseSchedule | ConstantNoiseSchedule | NoNoiseSchedule;

export interface NoiseLevel {
  /** Variance ε_k of the added noise. */
  readonly epsilon: number;
  /** σ_k = √ε_k. */
  readonly sigma: number;
  readonly smoothing: Smoothing;
}

function positiveInt(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`noise schedule: ${what} must be a positive integer, got ${v}`);
}

/** Throws UserError with one line naming the bad field. */
export function validateNoiseSchedule(s: NoiseSchedule): void {
  const kinds = ['linear', 'vp', 'constant', 'none'];
  if (!kinds.includes(s.kind)) throw new UserError(`noise schedule: kind '${String((s as { kind: unknown }).kind)}' is not one of ${kinds.join(', ')}`);
  if (s.kind === 'none') return;
  if (s.smoothing !== undefined && s.smoothing !== 'gaussian' && s.smoothing !== 'variance-preserving') {
    throw new UserError(`noise schedule: smoothing '${String(s.smoothing)}' is not one of gaussian, variance-preserving`);
  }
  if (s.kind === 'constant') {
    if (!(s.sigma >= 0) || !Number.isFinite(s.sigma)) throw new UserError(`noise schedule: sigma must be a finite number ≥ 0, got ${s.sigma}`);
    if (s.smoothing === 'variance-preserving' && s.sigma > 1) throw new UserError(`noise schedule: variance-preserving smoothing needs sigma ≤ 1, got ${s.sigma}`);
    return;
  }
  for (const [k, v] of [['sigmaMax', s.sigmaMax], ['sigmaMin', s.sigmaMin]] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new UserError(`noise schedule: ${k} must be a finite number ≥ 0, got ${v}`);
  }
  if (s.sigmaMin > s.sigmaMax) throw new UserError(`noise schedule: sigmaMin (${s.sigmaMin}) must not exceed sigmaMax (${s.sigmaMax})`);
  positiveInt('period', s.period);
  positiveInt('totalIterations', s.totalIterations);
  if (s.rounding !== undefined && s.rounding !== 'ceil' && s.rounding !== 'floor') {
    throw new UserError(`noise schedule: rounding '${String(s.rounding)}' is not one of ceil, floor`);
  }
  if (s.kind === 'linear' && s.smoothing === 'variance-preserving' && s.sigmaMax > 1) {
    throw new UserError(`noise schedule: variance-preserving smoothing needs sigmaMax ≤ 1 (ε = σ² ≤ 1), got ${s.sigmaMax}`);
  }
}

function checkIteration(k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new UserError(`noise schedule: iteration must be an integer ≥ 0, got ${k}`);
}

/** t_raw(k) = (P·[k/P] + 1)/K of Eq. 38/39 before clamping (may exceed 1 with ceiling). */
export function scheduleProgressRaw(k: number, period: number, totalIterations: number, rounding: Rounding = 'ceil'): number {
  const q = rounding === 'ceil' ? Math.ceil(k / period) : Math.floor(k / period);
  return (period * q + 1) / totalIterations;
}

const clamp01 = (t: number) => Math.min(1, Math.max(0, t));

/** OTP Eq. 38: σ_k = (1 − t)σ_max + t σ_min, t clamped to [0, 1]. */
export function linearSigma(k: number, s: Omit<LinearNoiseSchedule, 'kind'>): number {
  checkIteration(k);
  const t = clamp01(scheduleProgressRaw(k, s.period, s.totalIterations, s.rounding));
  return (1 - t) * s.sigmaMax + t * s.sigmaMin;
}

/** OTP Eq. 39: ε_k = 1 − exp(−(σ_max − σ_min)/2·t² − σ_min·t), t = 1 − t_raw clamped to [0, 1]. */
export function vpEpsilon(k: number, s: Omit<VpNoiseSchedule, 'kind'>): number {
  checkIteration(k);
  const t = clamp01(1 - scheduleProgressRaw(k, s.period, s.totalIterations, s.rounding));
  return 1 - Math.exp(-((s.sigmaMax - s.sigmaMin) / 2) * t * t - s.sigmaMin * t);
}

/** The noise level at outer iteration k (0-based). */
export function noiseAt(k: number, s: NoiseSchedule): NoiseLevel {
  switch (s.kind) {
    case 'none':
      checkIteration(k);
      return { epsilon: 0, sigma: 0, smoothing: 'gaussian' };
    case 'constant':
      checkIteration(k);
      return { epsilon: s.sigma ** 2, sigma: s.sigma, smoothing: s.smoothing ?? 'gaussian' };
    case 'linear': {
      const sigma = linearSigma(k, s);
      return { epsilon: sigma * sigma, sigma, smoothing: s.smoothing ?? 'gaussian' };
    }
    case 'vp': {
      const epsilon = vpEpsilon(k, s);
      return { epsilon, sigma: Math.sqrt(epsilon), smoothing: s.smoothing ?? 'variance-preserving' };
    }
  }
}

export const sigmaToEpsilon = (sigma: number): number => sigma * sigma;
export const epsilonToSigma = (epsilon: number): number => Math.sqrt(epsilon);

function checkEpsilon(epsilon: number, smoothing: Smoothing): void {
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) throw new UserError(`smoothing: epsilon must be a finite number ≥ 0, got ${epsilon}`);
  if (smoothing === 'variance-preserving' && epsilon > 1) throw new UserError(`smoothing: variance-preserving needs epsilon ≤ 1, got ${epsilon}`);
}

/**
 * OTP Eq. 21 on tensors: x + √ε z (gaussian) or √(1 − ε) x + √ε z (variance-preserving); z given. For R runs
 * (x, z [R, B, d]) ε may be one per run.
 */
export function smoothTensor<T extends tf.Tensor>(x: T, z: T, epsilon: PerRun, smoothing: Smoothing): T {
  for (const e of typeof epsilon === 'number' ? [epsilon] : epsilon) checkEpsilon(e, smoothing);
  const a = smoothing === 'gaussian' ? 1 : mapPerRun(epsilon, (e) => Math.sqrt(1 - e));
  return tf.tidy(() => tf.add(tf.mul(x, perRunOperand(a, x.rank)), tf.mul(z, perRunOperand(mapPerRun(epsilon, Math.sqrt), x.rank))));
}

/** n×d standard normals from the Rng as a tensor (the only seeded way to draw z). */
export function normalTensor(n: number, d: number, rng: Rng): tf.Tensor2D {
  return tf.tensor2d(rng.fillNormal(new Float32Array(n * d)), [n, d], 'float32');
}

/** OTP Eq. 21 on a PointCloud, drawing z from the Rng. */
export function smoothPoints(x: PointCloud, epsilon: number, smoothing: Smoothing, rng: Rng): PointCloud {
  checkEpsilon(epsilon, smoothing);
  const a = smoothing === 'gaussian' ? 1 : Math.sqrt(1 - epsilon);
  const s = Math.sqrt(epsilon);
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a * x.data[i] + s * rng.normal();
  return { n: x.n, d: x.d, data: out };
}
