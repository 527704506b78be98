/**
 * The synthetic failure-case pairs of OTP (App. E.1, Fig. 1 and Fig. 3; Sec. 3.2 Examples 1–3).
 *
 * Notation of App. E.1: x, y ∈ R^d, n = d/2, x = (x1, x2), y = (y1, y2) with x1, x2, y1, y2 ∈ R^n and
 * e1 = (1, 0, …, 0) ∈ R^n. In the flat row-major layout, x1 is coordinates 0 … n−1 and x2 is n … d−1.
 * All sources are supported on a set of dimension ≤ d − 1 (the condition of OTP Thm. 3.1 fails), which is
 * what makes them failure cases for semi-dual neural OT.
 *
 * Sec. 3.2 vs App. E.1: Examples 1 and 2 are exactly the d = 2 cases of Perpendicular and Horizontal
 * ("Parallel" in Fig. 3). Example 3 uses x1 ∈ [0, 1] and y1 ∈ [0, 1], while App. E.1's One-to-Many uses
 * [−1, 1]. The registered `one-to-many` follows E.1; `one-to-many-sec32` is the Sec. 3.2 version (Fig. 1(c)).
 * W2² is 1 for both (the plan only moves x vertically).
 */
import type { Rng } from '../random';
import type { PointCloud } from '../points';
import { checkEvenDim, makeSampler, type ModeClassifier, type Pair, type PointMap } from './types';
import { w2SquaredMultiPerpendicular, w2SquaredOneToMany, w2SquaredParallel, w2SquaredPerpendicular } from './closed-forms';

/** Fills out[off .. off+n) with U([low, high]) draws. */
function fillUniformBlock(out: Float32Array, off: number, n: number, rng: Rng, low: number, high: number): void {
  const w = high - low;
  for (let j = 0; j < n; j++) out[off + j] = low + w * rng.uniform();
}

/** The support of the discrete law ℙ of Multi-Perpendicular: (−3/4, −1/4, 1/4, 3/4)·e1, equal weights. */
export const MULTI_PERPENDICULAR_LEVELS: readonly number[] = [-0.75, -0.25, 0.25, 0.75];

/** The source shared by Perpendicular, Horizontal and One-to-Many: x1 ~ U([low, high]^n), x2 ≡ 0. */
function segmentSource(name: string, d: number, low = -1, high = 1) {
  const n = d / 2;
  return makeSampler(name, d, (out, count, rng) => {
    for (let i = 0; i < count; i++) fillUniformBlock(out, i * d, n, rng, low, high);
  });
}

/** Perpendicular (Example 1 at d = 2): x = (U([−1,1]^n), 0) → y = (0, U([−1,1]^n)). W2² = d/3. */
export function perpendicularPair(d: number): Pair {
  checkEvenDim('perpendicular', d);
  const n = d / 2;
  const target = makeSampler('perpendicular/target', d, (out, count, rng) => {
    for (let i = 0; i < count; i++) fillUniformBlock(out, i * d + n, n, rng, -1, 1);
  });
  // Every map pushing μ to ν costs the same (⟨x, T(x)⟩ = 0 since the supports are orthogonal), so every such map
  // is optimal; we expose the rotation (x1, 0) ↦ (0, x1).
  const optimalMap: PointMap = (x) => {
    const out = new Float32Array(x.n * d);
    for (let i = 0; i < x.n; i++) for (let j = 0; j < n; j++) out[i * d + n + j] = x.data[i * d + j];
    return { n: x.n, d, data: out };
  };
  return {
    name: 'perpendicular',
    dim: d,
    description: `Perpendicular (OTP Ex. 1 / App. E.1), d = ${d}: uniform on [−1,1]^${n}×{0} → uniform on {0}×[−1,1]^${n}`,
    source: segmentSource('perpendicular/source', d),
    target,
    w2Squared: w2SquaredPerpendicular(d),
    optimalMap,
    optimalPlan: (x) => optimalMap(x),
    notes: 'The OT map is not unique: every map with T#μ = ν is optimal. optimalMap is the rotation (x1, 0) ↦ (0, x1).',
  };
}

/** Horizontal / Parallel (Example 2 at d = 2): x = (U, 0) → y = (U, e1). Unique T*(x) = (x1, e1); W2² = 1. */
export function parallelPair(d: number): Pair {
  checkEvenDim('parallel', d);
  const n = d / 2;
  const target = makeSampler('parallel/target', d, (out, count, rng) => {
    for (let i = 0; i < count; i++) {
      fillUniformBlock(out, i * d, n, rng, -1, 1);
      out[i * d + n] = 1;
    }
  });
  const optimalMap: PointMap = (x) => {
    const out = new Float32Array(x.n * d);
    for (let i = 0; i < x.n; i++) {
      for (let j = 0; j < n; j++) out[i * d + j] = x.data[i * d + j];
      out[i * d + n] = 1;
    }
    return { n: x.n, d, data: out };
  };
  return {
    name: 'parallel',
    dim: d,
    description: `Parallel (OTP Ex. 2; "Horizontal" in App. E.1), d = ${d}: uniform on [−1,1]^${n}×{0} → uniform on [−1,1]^${n}×{e1}`,
    source: segmentSource('parallel/source', d),
    target,
    w2Squared: w2SquaredParallel(d),
    optimalMap,
    optimalPlan: (x) => optimalMap(x),
  };
}

/** Classifies points by the sign of coordinate n (y2's first entry): mode 0 is y2 = +e1, mode 1 is y2 = −e1. */
export function oneToManyModes(d: number): ModeClassifier {
  const n = d / 2;
  return {
    names: ['y2 = +e1', 'y2 = −e1'],
    classify(p: PointCloud): Int32Array {
      const out = new Int32Array(p.n);
      for (let i = 0; i < p.n; i++) out[i] = p.data[i * p.d + n] >= 0 ? 0 : 1;
      return out;
    },
  };
}

function oneToManyGeneric(name: string, d: number, low: number, description: string, notes: string): Pair {
  const n = d / 2;
  const target = makeSampler(`${name}/target`, d, (out, count, rng) => {
    for (let i = 0; i < count; i++) {
      fillUniformBlock(out, i * d, n, rng, low, 1);
      out[i * d + n] = rng.uniform() < 0.5 ? 1 : -1;
    }
  });
  // OTP Eq. 17: π*(y|x) = ½ δ(x1, +e1) + ½ δ(x1, −e1). No deterministic OT map exists.
  const optimalPlan = (x: PointCloud, rng: Rng): PointCloud => {
    const out = new Float32Array(x.n * d);
    for (let i = 0; i < x.n; i++) {
      for (let j = 0; j < n; j++) out[i * d + j] = x.data[i * d + j];
      out[i * d + n] = rng.uniform() < 0.5 ? 1 : -1;
    }
    return { n: x.n, d, data: out };
  };
  return {
    name,
    dim: d,
    description,
    source: segmentSource(`${name}/source`, d, low, 1),
    target,
    w2Squared: w2SquaredOneToMany(d),
    optimalPlan,
    targetModes: oneToManyModes(d),
    notes,
  };
}

/** One-to-Many (App. E.1): x = (U([−1,1]^n), 0) → y = (U([−1,1]^n), ±e1 with probability ½ each). W2² = 1. */
export function oneToManyPair(d: number): Pair {
  checkEvenDim('one-to-many', d);
  const n = d / 2;
  return oneToManyGeneric(
    'one-to-many',
    d,
    -1,
    `One-to-Many (OTP App. E.1), d = ${d}: uniform on [−1,1]^${n}×{0} → uniform on [−1,1]^${n}×{±e1}`,
    'Only an OT plan exists (OTP Eq. 17): each x moves to (x1, +e1) or (x1, −e1) with probability ½. ' +
      'App. E.1 uses x1 ∈ [−1,1]^n; Sec. 3.2 Example 3 uses [0,1] (pair one-to-many-sec32).',
  );
}

/** One-to-Many as in OTP Sec. 3.2 Example 3 / Fig. 1(c): x1, y1 ∈ [0, 1]^n instead of [−1, 1]^n. W2² = 1. */
export function oneToManySec32Pair(d: number): Pair {
  checkEvenDim('one-to-many-sec32', d);
  const n = d / 2;
  return oneToManyGeneric(
    'one-to-many-sec32',
    d,
    0,
    `One-to-Many as in OTP Sec. 3.2 Ex. 3 (Fig. 1(c)), d = ${d}: uniform on [0,1]^${n}×{0} → uniform on [0,1]^${n}×{±e1}`,
    'Sec. 3.2 Example 3 version (x1 ∈ [0,1]); App. E.1 and the registered one-to-many use [−1,1]. Same plan and W2² = 1.',
  );
}

/** Index of the level of ℙ nearest to v (the four stripes of Multi-Perpendicular). */
function nearestLevel(v: number): number {
  // Levels are the centres of the four half-open bins [−1,−½), [−½,0), [0,½), [½,1] of width ½.
  const k = Math.floor((v + 1) * 2);
  return k < 0 ? 0 : k > 3 ? 3 : k;
}

/** The four target stripes y1 = ℓ·e1, ℓ ∈ {−¾, −¼, ¼, ¾}, classified by the nearest level of y1's first entry. */
export function multiPerpendicularModes(): ModeClassifier {
  return {
    names: MULTI_PERPENDICULAR_LEVELS.map((l) => `y1 = ${l}·e1`),
    classify(p: PointCloud): Int32Array {
      const out = new Int32Array(p.n);
      for (let i = 0; i < p.n; i++) out[i] = nearestLevel(p.data[i * p.d]);
      return out;
    },
  };
}

/**
 * Multi-Perpendicular ('Grid' in Fig. 3): x = (U([−1,1]^n), ℙ) → y = (ℙ, U([−1,1]^n)),
 * ℙ = Cat((−¾, −¼, ¼, ¾)·e1, uniform). W2² = d/3 − 5/8 (derivation in lib/data/closed-forms.ts).
 */
export function multiPerpendicularPair(d: number): Pair {
  checkEvenDim('multi-perpendicular', d);
  const n = d / 2;
  const levels = MULTI_PERPENDICULAR_LEVELS;
  const source = makeSampler('multi-perpendicular/source', d, (out, count, rng) => {
    for (let i = 0; i < count; i++) {
      fillUniformBlock(out, i * d, n, rng, -1, 1);
      out[i * d + n] = levels[rng.int(4)];
    }
  });
  const target = makeSampler('multi-perpendicular/target', d, (out, count, rng) => {
    for (let i = 0; i < count; i++) {
      out[i * d] = levels[rng.int(4)];
      fillUniformBlock(out, i * d + n, n, rng, -1, 1);
    }
  });
  // An optimal map (see closed-forms.ts): with u = x1[0] and q = x2[0],
  //   y1 = Q(u)·e1 (Q = the level whose bin holds u: comonotone coupling of u and y1[0]),
  //   y2[0] = q + (u − Q(u)) (the offset of u inside its bin, placed inside q's bin: comonotone in q),
  //   y2[1:] = x1[1:] (cost-neutral: those coordinates are orthogonal to the rest of the cross term).
  // (Q(u), u − Q(u), q) are independent with the right laws, so T#μ = ν. Not unique in y2[1:].
  const optimalMap: PointMap = (x) => {
    const out = new Float32Array(x.n * d);
    for (let i = 0; i < x.n; i++) {
      const row = i * d;
      const u = x.data[row];
      const q = x.data[row + n];
      const lu = levels[nearestLevel(u)];
      out[row] = lu;
      out[row + n] = q + (u - lu);
      for (let j = 1; j < n; j++) out[row + n + j] = x.data[row + j];
    }
    return { n: x.n, d, data: out };
  };
  return {
    name: 'multi-perpendicular',
    dim: d,
    description: `Multi-Perpendicular ("Grid", OTP App. E.1), d = ${d}: [−1,1]^${n}×ℙ → ℙ×[−1,1]^${n}, ℙ uniform on {−¾,−¼,¼,¾}·e1`,
    source,
    target,
    w2Squared: w2SquaredMultiPerpendicular(d),
    optimalMap,
    optimalPlan: (x) => optimalMap(x),
    targetModes: multiPerpendicularModes(),
    notes:
      'optimalMap is one optimal map, not the only one: y2[1:] may be any measure-preserving rearrangement of x1[1:] ' +
      '(those coordinates do not enter the cost), and the offset inside the y2[0] bin may be reflected.',
  };
}
