/**
 * The 2-D tasks of DIOTM (App. B.1): Gaussian → 8 Gaussians (G8G), Gaussian → 25 Gaussians (G25G),
 * Moon → Spiral, Gaussian → two circles (GCircles).
 *
 * DIOTM's equations were lost in the text we have, so the shapes follow the authors' earlier public code
 * (Choi et al. 2024b, "Analyzing and improving OT-based adversarial networks", dataset.py), which DIOTM cites
 * for Moon → Spiral:
 *  • 8 Gaussians: centres 12·(cos 2πk/8, sin 2πk/8), covariance 0.4·I (the code passes 0.4·I as the covariance).
 *  • 25 Gaussians: centres {−4, −2, 0, 2, 4}², covariance 0.02·I.
 *  • Spiral: θ = √U·3π − π/2, r = θ + π, point r(cos θ, sin θ) + 0.25·N(0, I).
 *  • Moons: 10·(cos s + ½, −sin s + 0.2) and 10·(cos s − ½, sin s − 0.2), s ∈ [0, π], plus 0.5·N(0, I).
 *  • Source Gaussian: N(0, I) (the code's prior `MultivariateNormal(0, 1·I)`); DIOTM's text lost the value.
 * Departures, all to make draws i.i.d.: the code draws equal counts per mixture component / per moon and
 * places the moon parameter s on a linspace; we draw the component (or moon) and s uniformly at random.
 * Two circles: DIOTM's radii and noise were lost and the earlier code has no circles; our choice is radii 4 and
 * 8, noise std 0.2, each circle with probability ½ (sklearn-style equal counts, not mass ∝ circumference).
 * DIOTM's values may differ: compare their GCircles numbers with ours only qualitatively.
 */
import { UserError } from '../errors';
import { nearestRingClassifier } from './classifiers';
import { gaussianMixtureSampler, isotropicGaussian, mixtureModes, type GaussianMixtureSampler } from './gaussian';
import { makeSampler, type Pair, type Sampler } from './types';

/** The source Gaussian of G8G, G25G and GCircles: N(0, I) in R². */
export const DIOTM_SOURCE_VARIANCE = 1;
export const CIRCLE_RADII: readonly number[] = [4, 8];
export const CIRCLE_NOISE_STD = 0.2;

function isotropic2(variance: number, cx: number, cy: number) {
  return { mean: [cx, cy], covariance: [variance, 0, 0, variance] };
}

/** Mixture of 8 Gaussians N(12·(cos 2πk/8, sin 2πk/8), 0.4·I), equal weights. */
export function eightGaussians(): GaussianMixtureSampler {
  const comps = Array.from({ length: 8 }, (_, k) => isotropic2(0.4, 12 * Math.cos((2 * Math.PI * k) / 8), 12 * Math.sin((2 * Math.PI * k) / 8)));
  return gaussianMixtureSampler({ weights: comps.map(() => 1), components: comps }, '8gaussians');
}

/** Mixture of 25 Gaussians N((a, b), 0.02·I), a, b ∈ {−4, −2, 0, 2, 4}, equal weights. */
export function twentyFiveGaussians(): GaussianMixtureSampler {
  const grid = [-4, -2, 0, 2, 4];
  const comps = grid.flatMap((a) => grid.map((b) => isotropic2(0.02, a, b)));
  return gaussianMixtureSampler({ weights: comps.map(() => 1), components: comps }, '25gaussians');
}

/** Spiral: θ = √U·3π − π/2, r = θ + π, (r cos θ, r sin θ) + 0.25·N(0, I). */
export function spiral(): Sampler {
  return makeSampler('spiral', 2, (out, n, rng) => {
    for (let i = 0; i < n; i++) {
      const theta = Math.sqrt(rng.uniform()) * 3 * Math.PI - 0.5 * Math.PI;
      const r = theta + Math.PI;
      out[2 * i] = r * Math.cos(theta) + 0.25 * rng.normal();
      out[2 * i + 1] = r * Math.sin(theta) + 0.25 * rng.normal();
    }
  });
}

/** Two interleaved half circles scaled by 10, noise 0.5·N(0, I). */
export function moons(): Sampler {
  return makeSampler('moons', 2, (out, n, rng) => {
    for (let i = 0; i < n; i++) {
      const s = Math.PI * rng.uniform();
      const upper = rng.uniform() < 0.5;
      const x = upper ? Math.cos(s) + 0.5 : Math.cos(s) - 0.5;
      const y = upper ? -Math.sin(s) + 0.2 : Math.sin(s) - 0.2;
      out[2 * i] = 10 * x + 0.5 * rng.normal();
      out[2 * i + 1] = 10 * y + 0.5 * rng.normal();
    }
  });
}

/** Two concentric circles (radii CIRCLE_RADII, probability ½ each, angle uniform) + CIRCLE_NOISE_STD·N(0, I). */
export function twoCircles(): Sampler {
  return makeSampler('circles', 2, (out, n, rng) => {
    for (let i = 0; i < n; i++) {
      const r = CIRCLE_RADII[rng.uniform() < 0.5 ? 0 : 1];
      const a = 2 * Math.PI * rng.uniform();
      out[2 * i] = r * Math.cos(a) + CIRCLE_NOISE_STD * rng.normal();
      out[2 * i + 1] = r * Math.sin(a) + CIRCLE_NOISE_STD * rng.normal();
    }
  });
}

function check2d(name: string, dim: number | undefined): void {
  if (dim !== undefined && dim !== 2) throw new UserError(`${name}: this DIOTM task is 2-D only, got dim ${dim}; allowed: 2`);
}

const sourceNote = 'Source N(0, I) as in the authors\' earlier code (DIOTM\'s text lost the value).';

export function g8gPair(dim?: number): Pair {
  check2d('g8g', dim);
  const target = eightGaussians();
  return {
    name: 'g8g',
    dim: 2,
    description: 'Gaussian → 8 Gaussians (DIOTM G8G): N(0, I) → centres 12·(cos 2πk/8, sin 2πk/8), covariance 0.4·I',
    scoredByDiscreteMap: true,
    source: isotropicGaussian(2, DIOTM_SOURCE_VARIANCE, undefined, 'g8g/source'),
    target,
    targetModes: mixtureModes(target, Array.from({ length: 8 }, (_, k) => `${45 * k}°`)),
    notes: `${sourceNote} No closed-form W2².`,
  };
}

export function g25gPair(dim?: number): Pair {
  check2d('g25g', dim);
  const target = twentyFiveGaussians();
  const grid = [-4, -2, 0, 2, 4];
  return {
    name: 'g25g',
    dim: 2,
    description: 'Gaussian → 25 Gaussians (DIOTM G25G): N(0, I) → centres {−4,−2,0,2,4}², covariance 0.02·I',
    scoredByDiscreteMap: true,
    source: isotropicGaussian(2, DIOTM_SOURCE_VARIANCE, undefined, 'g25g/source'),
    target,
    targetModes: mixtureModes(target, grid.flatMap((a) => grid.map((b) => `(${a}, ${b})`))),
    notes: `${sourceNote} No closed-form W2².`,
  };
}

export function moonSpiralPair(dim?: number): Pair {
  check2d('moon-spiral', dim);
  return {
    name: 'moon-spiral',
    dim: 2,
    description: 'Moon → Spiral (DIOTM, following Choi et al. 2024b): two moons ×10 (noise 0.5) → spiral (noise 0.25)',
    scoredByDiscreteMap: true,
    source: moons(),
    target: spiral(),
    notes: 'No closed-form W2²; DIOTM uses discrete OT on samples as the reference.',
  };
}

export function gCirclesPair(dim?: number): Pair {
  check2d('g-circles', dim);
  return {
    name: 'g-circles',
    dim: 2,
    description: `Gaussian → two circles (DIOTM GCircles): N(0, I) → radii ${CIRCLE_RADII.join(' and ')}, noise std ${CIRCLE_NOISE_STD}`,
    scoredByDiscreteMap: true,
    source: isotropicGaussian(2, DIOTM_SOURCE_VARIANCE, undefined, 'g-circles/source'),
    target: twoCircles(),
    targetModes: nearestRingClassifier(CIRCLE_RADII),
    notes: `${sourceNote} Circle radii/noise are our choice (DIOTM's values were lost). No closed-form W2².`,
  };
}
