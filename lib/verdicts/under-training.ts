/**
 * Under-training, read from a run's own files (docs/VERDICTS.md, "Under-trained runs"). A claim resting on an
 * under-trained run is inconclusive: its metric measures how far training got, not the method.
 */

/** The loss.csv column watched: the map's transport cost on its training batch (every method logs it). */
export const WATCHED_COLUMN = 'map.cost';

/**
 * The loss has not flattened when, over the last fifth of the run, a straight line through its block means moves
 * by more than this share of the whole run's range of block means. A cost still rising or falling at a steady
 * rate moves 20% of its range in each fifth; a flattened one far less. 15% sits below the steady rate with room
 * for the noise of the block means. The transport cost is watched rather than the objective: the semi-dual
 * objective is blind to a constant added to the potential, and OTP's objective moves with σ by design, while
 * the transport cost moves only while the map still changes how far it carries mass.
 */
export const FLAT_SHARE = 0.15;
/**
 * A drift counts only where it stands out of the last fifth's own scatter: the least-squares slope through the
 * logged values of the last fifth must be at least this many standard errors from zero (|t| ≥ 2, about the 95%
 * level). A cost that swings from batch to batch or in a sawtooth to the end of the run (an oscillating baseline)
 * gives its four block means a slope of any size by chance; it is not moving anywhere, and more iterations would
 * not settle it. The standard error treats the logged values as independent; where they are correlated it is too
 * small, so the test errs towards counting a drift (towards "under-trained", the cautious side).
 */
export const TREND_T = 2;
/** Block means: the log is cut into this many blocks, which averages out the step-to-step noise of the batches. */
export const FLAT_BLOCKS = 20;
/** Below this many logged rows the loss says nothing either way. */
export const FLAT_MIN_ROWS = 10;

export interface LossRow {
  readonly iteration: number;
  readonly values: Readonly<Record<string, number>>;
}

/** loss.csv's rows (iteration, seconds, then one column per logged term). */
export function parseLossCsv(text: string): LossRow[] {
  const [head, ...lines] = text.trim().split('\n');
  if (!head) return [];
  const cols = head.split(',');
  return lines
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const v = l.split(',').map(Number);
      return { iteration: v[0], values: Object.fromEntries(cols.slice(2).map((c, i) => [c, v[i + 2]])) };
    });
}

export interface Flattening {
  /** null when the log is too short, or lacks the watched column, to tell. */
  readonly flattened: boolean | null;
  /** Change of the fitted line over the last fifth, and the range of the block means over the run. */
  readonly drift: number;
  readonly range: number;
  /** The mean of the last block: where the watched value stands at the end of the run. */
  readonly last: number;
  /** t statistic of the slope through the last fifth's logged values (TREND_T); NaN when it cannot be computed. */
  readonly trendT: number;
  readonly text: string;
}

/** Least-squares line of y on x: its slope, and the slope's t statistic (slope over its standard error). */
function lineFit(x: readonly number[], y: readonly number[]): { slope: number; t: number } {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let sse = 0;
  for (let i = 0; i < x.length; i++) sse += (y[i] - my - slope * (x[i] - mx)) ** 2;
  const se = x.length > 2 && sxx > 0 ? Math.sqrt(sse / (x.length - 2) / sxx) : Number.NaN;
  // A line through the points exactly: the slope is certain (infinite t), or zero.
  const t = se > 0 ? slope / se : se === 0 ? (slope === 0 ? 0 : Math.sign(slope) * Infinity) : Number.NaN;
  return { slope, t };
}

/** Whether the watched loss column has flattened over the last fifth of the run (FLAT_SHARE). */
export function lossFlattening(rows: readonly LossRow[], column = WATCHED_COLUMN): Flattening {
  const points = rows.map((r) => ({ it: r.iteration, v: r.values[column] })).filter((p) => Number.isFinite(p.v) && Number.isFinite(p.it));
  if (points.length < FLAT_MIN_ROWS) return { flattened: null, drift: Number.NaN, range: Number.NaN, last: Number.NaN, trendT: Number.NaN, text: `${points.length} logged values of ${column}: too few to tell` };
  const per = Math.max(1, Math.floor(points.length / FLAT_BLOCKS));
  const blocks: Array<{ it: number; v: number }> = [];
  for (let s = 0; s + per <= points.length; s += per) {
    const b = points.slice(s, s + per);
    blocks.push({ it: b.reduce((a, p) => a + p.it, 0) / per, v: b.reduce((a, p) => a + p.v, 0) / per });
  }
  const first = points[0].it;
  const last = points[points.length - 1].it;
  const from = last - (last - first) / 5;
  const tail = blocks.filter((b) => b.it >= from);
  const fit = tail.length >= 3 ? tail : blocks.slice(-3);
  const drift = lineFit(fit.map((b) => b.it), fit.map((b) => b.v)).slope * (last - from);
  const values = blocks.map((b) => b.v);
  const range = Math.max(...values) - Math.min(...values);
  const lastFifth = points.filter((p) => p.it >= from);
  const trendT = lineFit(lastFifth.map((p) => p.it), lastFifth.map((p) => p.v)).t;
  const moved = range > 0 && Math.abs(drift) > FLAT_SHARE * range;
  // Without a t (too few values in the last fifth) the drift alone decides, as before TREND_T existed.
  const withinScatter = moved && Math.abs(trendT) < TREND_T;
  const flattened = !moved || withinScatter;
  const scatter = Number.isFinite(trendT) ? `; its trend t = ${trendT.toFixed(1)} over the last fifth's ${lastFifth.length} logged values` : '';
  const text = `${column} moved ${drift >= 0 ? '+' : ''}${drift.toPrecision(2)} over the last fifth of the run, ${range > 0 ? `${Math.round((100 * Math.abs(drift)) / range)}%` : '0%'} of its range ${range.toPrecision(2)} (limit ${FLAT_SHARE * 100}%)${scatter}${withinScatter ? ` (|t| < ${TREND_T}: it fluctuates without a direction)` : ''}`;
  return { flattened, drift, range, last: values[values.length - 1], trendT, text };
}

/**
 * Whether a loss that has not flattened is still moving towards its optimum (the map is still learning: it is
 * under-trained) or away from it (training drifts into a failure that more iterations would not cure, as OTM's
 * cost running away from W2² on Perpendicular at d = 16). `optimum` is the watched column's value at the optimal
 * plan (for map.cost: α·W2²(μ, ν) when the pair has a closed form); without one the direction is unknown.
 */
export function driftDirection(f: Flattening, optimum: number | undefined): 'towards' | 'away' | 'unknown' {
  if (optimum === undefined || !Number.isFinite(optimum) || !Number.isFinite(f.drift) || f.drift === 0) return 'unknown';
  return Math.sign(f.drift) === Math.sign(optimum - f.last) ? 'towards' : 'away';
}

/**
 * A map that moved less than this share of the optimal transport cost W2²(μ, ν) (a closed form of the pair)
 * has barely left the identity: E‖T(x) − x‖² < ¼·W2².
 */
export const NEAR_IDENTITY_SHARE = 0.25;

/** Why a run with a closed-form W2² is under-trained by its transport cost, or null. */
export function nearIdentity(transportCost: number, w2Squared: number | undefined): string | null {
  if (w2Squared === undefined || !(w2Squared > 0) || !Number.isFinite(transportCost)) return null;
  if (transportCost >= NEAR_IDENTITY_SHARE * w2Squared) return null;
  return `E‖T(x) − x‖² = ${transportCost.toPrecision(2)} is under ${NEAR_IDENTITY_SHARE * 100}% of W2² = ${w2Squared.toPrecision(3)} (the map barely moved)`;
}

/**
 * A benchmark score (lower is better, e.g. L2-UVP) far from the best published: closer to what a linear map
 * scores than to the best published solver, i.e. above the midpoint of the two. The map has then learned little
 * beyond the linear part the baseline already has.
 */
export function farFromBest(score: number, bestPublished: number, linear: number, what: string): string | null {
  if (!Number.isFinite(score) || !Number.isFinite(bestPublished) || !Number.isFinite(linear) || linear <= bestPublished) return null;
  const mid = 0.5 * (bestPublished + linear);
  return score > mid ? `${what} ${score.toPrecision(3)} is above the midpoint ${mid.toPrecision(3)} between the best published ${bestPublished} and the linear baseline ${linear.toPrecision(3)}` : null;
}
