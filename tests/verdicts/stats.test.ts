import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lnGamma, meanInterval, ratioInterval, regularizedBeta, studentTCdf, studentTQuantile, welch } from '../../lib/verdicts/stats';
import { Rng } from '../../lib/random';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

test('lnGamma: exact values (Γ(1) = Γ(2) = 1, Γ(½) = √π, Γ(n) = (n − 1)!) and reference values', () => {
  close(lnGamma(1), 0, 1e-13, 'lnΓ(1)');
  close(lnGamma(2), 0, 1e-13, 'lnΓ(2)');
  close(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13, 'lnΓ(½)');
  close(lnGamma(11), Math.log(3628800), 1e-12, 'lnΓ(11)');
  // scipy.special.gammaln (independent implementation).
  close(lnGamma(1.5), -0.12078223763524526, 1e-12, 'lnΓ(1.5)');
  close(lnGamma(7.25), 7.0521854507385395, 1e-12, 'lnΓ(7.25)');
  close(lnGamma(100.5), 361.43554046777757, 1e-9, 'lnΓ(100.5)');
  assert.throws(() => lnGamma(0), /positive/);
});

test('regularizedBeta: closed forms (I_x(1, 1) = x, I_x(a, 1) = x^a) and scipy.special.betainc', () => {
  for (const x of [0.1, 0.5, 0.93]) {
    close(regularizedBeta(x, 1, 1), x, 1e-13, `I_${x}(1, 1)`);
    close(regularizedBeta(x, 3.5, 1), x ** 3.5, 1e-12, `I_${x}(3.5, 1)`);
  }
  close(regularizedBeta(0.3, 2.5, 0.5), 0.018927124071945658, 1e-12, 'I_0.3(2.5, 0.5)');
  close(regularizedBeta(0.8, 1.2, 3.4), 0.9941579864559151, 1e-12, 'I_0.8(1.2, 3.4)');
  close(regularizedBeta(0.95, 10, 0.5), 0.31715157546554495, 1e-12, 'I_0.95(10, 0.5)');
});

test("Student's t: the closed forms at 1 and 2 degrees of freedom, and reference quantiles", () => {
  for (const t of [-7, -1.2, 0, 0.3, 2.5, 40]) {
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12, `Cauchy CDF at ${t}`);
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12, `t₂ CDF at ${t}`);
  }
  // Textbook table values and scipy.stats.t (non-integer degrees of freedom, as Welch's test produces).
  close(studentTQuantile(0.95, 1), 6.313751514675037, 1e-9, 't₁ 95%');
  close(studentTQuantile(0.99, 30), 2.457261542400591, 1e-9, 't₃₀ 99%');
  close(studentTQuantile(0.95, 2.5), 2.5582186141359355, 1e-9, 't₂.₅ 95%');
  close(studentTQuantile(0.975, 3.7), 2.8675207071911895, 1e-9, 't₃.₇ 97.5%');
  close(studentTQuantile(0.9, 0.5), 10.27032441023451, 1e-7, 't₀.₅ 90%');
  close(studentTCdf(1.3, 2.7), 0.8532736781480773, 1e-12, 'CDF(1.3; 2.7)');
  close(studentTCdf(-0.4, 5.5), 0.3521121409211531, 1e-12, 'CDF(−0.4; 5.5)');
  close(studentTCdf(12, 1.5), 0.9909789853629861, 1e-12, 'CDF(12; 1.5)');
  close(studentTCdf(2.2, 40), 0.983177362206817, 1e-12, 'CDF(2.2; 40)');
});

test("Welch's test reproduces R's t.test(extra ~ group, data = sleep): t = −1.8608, df = 17.776, p = 0.07939", () => {
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  // welch(a, b) tests mean(b) − mean(a); R's statistic is mean(g1) − mean(g2), hence the sign.
  const w = welch(g1, g2, 0.025);
  close(w.t, 1.8608134674868526, 1e-12, 't');
  close(w.df, 17.776473516178488, 1e-9, 'df');
  close(2 * w.pAbelowB, 0.0793941401873583, 1e-10, 'two-sided p');
  close(w.pAbelowB + w.pAaboveB, 1, 1e-15, 'one-sided p-values add to 1');
  // R's 95% interval of mean(g1) − mean(g2) is [−3.3654832, 0.2054832]; ours is of the opposite difference.
  close(w.interval[0], -0.20548323071171137, 1e-8, 'lower end');
  close(w.interval[1], 3.3654832307117104, 1e-8, 'upper end');
});

test('Welch with zero spreads: the difference is exact, p is 0 or 1', () => {
  const w = welch([1, 1, 1], [2, 2, 2]);
  assert.deepEqual([w.pAbelowB, w.pAaboveB, w.interval[0], w.interval[1]], [0, 1, 1, 1]);
  assert.equal(welch([2, 2], [2, 2]).pAbelowB, 0.5);
  assert.throws(() => welch([1], [2, 3]), /at least two values/);
});

test('the ratio interval: exact for zero spread, its ingredients by hand, and ≈ 90% coverage by simulation', () => {
  const exact = ratioInterval([2, 2, 2], [20, 20, 20]);
  assert.deepEqual([exact.ratio, exact.interval[0], exact.interval[1]], [10, 10, 10]);
  // a: mean 2, std 1; b: mean 30, std 3 (n = 3 each): u_a = 1/(3·4), u_b = 9/(3·900).
  const r = ratioInterval([1, 2, 3], [27, 30, 33]);
  const ua = 1 / 12;
  const ub = 9 / 2700;
  close(r.seLog, Math.sqrt(ua + ub), 1e-14, 'se of the log ratio');
  close(r.df, (ua + ub) ** 2 / ((ua * ua) / 2 + (ub * ub) / 2), 1e-12, 'df');
  const q = studentTQuantile(0.95, r.df);
  close(r.interval[0], 15 * Math.exp(-q * r.seLog), 1e-10, 'lower');
  close(r.interval[1], 15 * Math.exp(q * r.seLog), 1e-10, 'upper');
  // Coverage: lognormal samples (the log-scale interval's own model), n = 5 a side, true ratio 10. A 90%
  // interval covers in 90% of draws; 4000 draws give a binomial standard error of 0.5 points, so 86–94% is
  // a safe band for a correct interval while a wrong df or se moves it further.
  const rng = new Rng(11);
  const draw = (median: number) => Array.from({ length: 5 }, () => median * Math.exp(0.3 * rng.normal()));
  let covered = 0;
  const trials = 4000;
  for (let i = 0; i < trials; i++) {
    const { interval } = ratioInterval(draw(1), draw(10));
    if (interval[0] <= 10 && 10 <= interval[1]) covered++;
  }
  const share = covered / trials;
  assert.ok(share > 0.86 && share < 0.94, `coverage ${share}`);
});

test('the one-sample interval: mean ± t·s/√n', () => {
  const m = meanInterval([1, 2, 3, 4]);
  const half = studentTQuantile(0.95, 3) * (Math.sqrt(5 / 3) / 2);
  close(m.interval[0], 2.5 - half, 1e-12, 'lower');
  close(m.interval[1], 2.5 + half, 1e-12, 'upper');
});
