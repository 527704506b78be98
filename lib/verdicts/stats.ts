/**
 * The statistics behind the verdict rule (docs/VERDICTS.md): Student's t distribution, Welch's two-sample test
 * and the interval of a ratio of means. Written here rather than taken from a package so that the rule has no
 * dependency whose version could change a verdict; tests/verdicts/stats.test.ts checks them against closed
 * forms (t with 1 and 2 degrees of freedom), published quantiles and R's Welch test on its `sleep` data.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0: shifted up to x ≥ 12 with Γ(x + 1) = xΓ(x), then Stirling's series to the x⁻⁹ term (its
 * next term, 691/(360360x¹¹), is below 1e−14 there).
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x must be positive, got ${x}`);
  let shift = 0;
  let z = x;
  while (z < 12) {
    shift += Math.log(z);
    z += 1;
  }
  const z2 = z * z;
  const series = (1 / z) * (1 / 12 - (1 / z2) * (1 / 360 - (1 / z2) * (1 / 1260 - (1 / z2) * (1 / 1680 - 1 / (1188 * z2)))));
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + series - shift;
}

/**
 * The continued fraction of I_x(a, b) (its even and odd terms d_2m = m(b − m)x / ((a + 2m − 1)(a + 2m)),
 * d_2m+1 = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))), evaluated by the modified Lentz method.
 */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 500; m++) {
    for (const term of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + term * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + term / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-15) break;
  }
  return f;
}

/** The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for 0 ≤ x ≤ 1 and a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) + lnGamma(a + b) - lnGamma(a) - lnGamma(b));
  // The fraction converges fast below the mean a/(a + b) of the beta distribution; above it, use I_x(a, b) = 1 − I_{1−x}(b, a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, not necessarily an integer). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be positive, got ${df}`);
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  // P(|T| > |t|) = I_{df/(df + t²)}(df/2, 1/2).
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom, by bisection on studentTCdf (0 < p < 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must lie in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, df) > p) lo *= 2;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Mean and sample standard deviation (n − 1; 0 for one value) of finite values. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/**
 * Both samples' means, and the variance terms s²/(n·c²) of their means on the scale c (1 for a difference of
 * means, the mean itself for a log ratio) with their Welch–Satterthwaite degrees of freedom.
 */
function twoSamples(a: readonly number[], b: readonly number[], what: string, relative: boolean) {
  if (a.length < 2 || b.length < 2) throw new RangeError(`${what}: each sample needs at least two values, got ${a.length} and ${b.length}`);
  const [sa, sb] = [meanAndStd(a), meanAndStd(b)];
  const term = (s: { mean: number; std: number; n: number }) => (s.std * s.std) / (s.n * (relative ? s.mean * s.mean : 1));
  const [ua, ub] = [term(sa), term(sb)];
  return { ma: sa.mean, mb: sb.mean, se: Math.sqrt(ua + ub), df: satterthwaite(ua, ub, sa.n, sb.n) };
}

/**
 * Welch–Satterthwaite degrees of freedom of a sum of two variance terms u_a + u_b estimated from n_a and n_b
 * values; with both terms zero (no spread) the pooled n_a + n_b − 2.
 */
function satterthwaite(ua: number, ub: number, na: number, nb: number): number {
  return ua + ub === 0 ? na + nb - 2 : (ua + ub) ** 2 / ((ua * ua) / (na - 1) + (ub * ub) / (nb - 1));
}

/** Welch's two-sample t statistic for mean(b) − mean(a), with its interval and both one-sided p-values. */
export interface WelchResult {
  /** mean(b) − mean(a). */
  readonly difference: number;
  readonly se: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  readonly t: number;
  /** p-value of the one-sided test "mean(a) < mean(b)" (small when b is clearly the larger). */
  readonly pAbelowB: number;
  /** p-value of the opposite one-sided test "mean(a) > mean(b)". */
  readonly pAaboveB: number;
  /** The two-sided (1 − 2α) interval of the difference: its ends are the two one-sided (1 − α) bounds. */
  readonly interval: readonly [number, number];
}

/**
 * Welch's test of mean(b) − mean(a) (unequal variances), each sample of at least two values. With both
 * spreads zero the difference is known exactly: p is 0 or 1 (0.5 for equal means) and the interval a point.
 */
export function welch(a: readonly number[], b: readonly number[], alpha = 0.05): WelchResult {
  const { ma, mb, se, df } = twoSamples(a, b, 'welch', false);
  const difference = mb - ma;
  if (se === 0) {
    const p = difference > 0 ? 0 : difference < 0 ? 1 : 0.5;
    return { difference, se, df, t: difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY, pAbelowB: p, pAaboveB: 1 - p, interval: [difference, difference] };
  }
  const t = difference / se;
  const q = studentTQuantile(1 - alpha, df);
  return { difference, se, df, t, pAbelowB: 1 - studentTCdf(t, df), pAaboveB: studentTCdf(t, df), interval: [difference - q * se, difference + q * se] };
}

/** The interval of mean(b) / mean(a) and its ingredients. */
export interface RatioResult {
  readonly ratio: number;
  /** Standard error of ln(mean(b) / mean(a)) by the delta method. */
  readonly seLog: number;
  readonly df: number;
  /** The two-sided (1 − 2α) interval of the ratio: its ends are the two one-sided (1 − α) bounds. */
  readonly interval: readonly [number, number];
}

/**
 * Interval of the ratio of two positive means, on the log scale: ln(m_b/m_a) ± q·se with
 * se² = s_a²/(n_a m_a²) + s_b²/(n_b m_b²) (the delta method) and q the t quantile at the Welch–Satterthwaite
 * degrees of freedom of those two terms. Magnitude claims ("10× worse") are judged on its ends.
 */
export function ratioInterval(a: readonly number[], b: readonly number[], alpha = 0.05): RatioResult {
  const { ma, mb, se: seLog, df } = twoSamples(a, b, 'ratioInterval', true);
  if (!(ma > 0 && mb > 0)) throw new RangeError(`ratioInterval: both means must be positive, got ${ma} and ${mb}`);
  const ratio = mb / ma;
  if (seLog === 0) return { ratio, seLog, df, interval: [ratio, ratio] };
  const q = studentTQuantile(1 - alpha, df);
  return { ratio, seLog, df, interval: [ratio * Math.exp(-q * seLog), ratio * Math.exp(q * seLog)] };
}

/** The one-sample t interval (two-sided 1 − 2α) of a mean, from at least two values. */
export function meanInterval(values: readonly number[], alpha = 0.05): { mean: number; std: number; n: number; interval: readonly [number, number] } {
  if (values.length < 2) throw new RangeError(`meanInterval: needs at least two values, got ${values.length}`);
  const s = meanAndStd(values);
  const half = studentTQuantile(1 - alpha, s.n - 1) * (s.std / Math.sqrt(s.n));
  return { ...s, interval: [s.mean - half, s.mean + half] };
}
