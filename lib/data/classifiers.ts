/** Mode classifiers of mixture targets (nearest mode), consumed by lib/metrics/modes.ts. */
import { UserError } from '../errors';
import type { PointCloud } from '../points';
import type { ModeClassifier } from './types';

export interface NearestModeOptions {
  /** Names of the modes (default `mode 0`, `mode 1`, …). */
  readonly names?: readonly string[];
  /** Points farther than this (Euclidean) from every centre are left unassigned (−1). Default: no limit. */
  readonly maxDistance?: number;
  /** Only these coordinates enter the distance (default: all). */
  readonly coordinates?: readonly number[];
}

/** Assigns each point to the nearest of the given centres (rows of `centres`, dimension = the points'). */
export function nearestModeClassifier(centres: PointCloud, options: NearestModeOptions = {}): ModeClassifier {
  const k = centres.n;
  if (k < 1) throw new UserError('nearestModeClassifier: at least one centre is needed, got 0');
  const names = options.names ?? Array.from({ length: k }, (_, i) => `mode ${i}`);
  if (names.length !== k) throw new UserError(`nearestModeClassifier: ${names.length} names for ${k} centres; give one name per centre`);
  const coords = options.coordinates ?? Array.from({ length: centres.d }, (_, j) => j);
  const max2 = options.maxDistance === undefined ? Infinity : options.maxDistance ** 2;
  return {
    names,
    classify(p: PointCloud): Int32Array {
      if (p.d !== centres.d) throw new UserError(`mode classifier: points have dimension ${p.d}, the modes ${centres.d}`);
      const out = new Int32Array(p.n);
      for (let i = 0; i < p.n; i++) {
        let best = -1;
        let bestD = Infinity;
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (const j of coords) {
            const t = p.data[i * p.d + j] - centres.data[c * centres.d + j];
            s += t * t;
          }
          if (s < bestD) {
            bestD = s;
            best = c;
          }
        }
        out[i] = bestD <= max2 ? best : -1;
      }
      return out;
    },
  };
}

/** Assigns 2-D points to the ring (circle of radius r_k about the origin) whose radius is nearest to ‖p‖. */
export function nearestRingClassifier(radii: readonly number[], names?: readonly string[]): ModeClassifier {
  return {
    names: names ?? radii.map((r) => `circle r = ${r}`),
    classify(p: PointCloud): Int32Array {
      if (p.d !== 2) throw new UserError(`ring classifier: points must be 2-D, got dimension ${p.d}`);
      const out = new Int32Array(p.n);
      for (let i = 0; i < p.n; i++) {
        const r = Math.hypot(p.data[2 * i], p.data[2 * i + 1]);
        let best = 0;
        for (let k = 1; k < radii.length; k++) if (Math.abs(r - radii[k]) < Math.abs(r - radii[best])) best = k;
        out[i] = best;
      }
      return out;
    },
  };
}
