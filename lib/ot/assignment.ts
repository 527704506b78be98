import { UserError } from '../errors';
import { checkCostMatrix } from './validate';

/**
 * Dense linear assignment: min over injective σ of Σ_i C[i, σ(i)].
 *
 * The exact solver is the shortest-augmenting-path method of Jonker & Volgenant (1987), "A shortest
 * augmenting path algorithm for dense and sparse linear assignment problems" (Computing 38), known as LAPJV,
 * the same family as SciPy's `linear_sum_assignment` (Crouse 2016, "On implementing 2D rectangular
 * assignment algorithms"). It keeps column prices v and an implicit row dual u_i = C[i, σ(i)] − v_σ(i), and
 * for every free row runs Dijkstra on the reduced costs C[i, j] − u_i − v_j ≥ 0 to the nearest free column.
 * Among columns at the current minimum distance a free one is taken first, so plateaus of tied costs
 * (duplicate points) end the search as soon as they reach a free column. Written here from the published
 * descriptions.
 *
 * What decides the speed is the starting point of that phase (prices and partial assignment):
 *
 *  - 'auction': Bertsekas' auction algorithm with ε-scaling (Bertsekas 1988, "The auction algorithm: a
 *    distributed relaxation method for the assignment problem"; Bertsekas & Eckstein 1988 for ε-scaling).
 *    A free row bids for its cheapest column, raising that column's price by (second best − best + ε); ε
 *    shrinks by a constant factor between rounds. It ends with prices within ε·n of optimal duals. We then
 *    keep only the rows whose column is an exact minimiser of C[i, ·] − v (which makes (u, v) exactly
 *    dual-feasible), free the others, and let the augmenting paths finish exactly. Why: on geometric costs
 *    (squared distances between point clouds, this library's main use) augmenting paths from a cold start
 *    get long. Measured here at n = 2000 in 2-D (2 shared cores, so ±30 %): centred Gaussian clouds 'jv'
 *    2.2–2.5 s, SciPy 0.8 s, auction 0.7–1.0 s; one cloud shifted by 3: 'jv' 32 s, SciPy 15 s, auction
 *    1.5–1.8 s. After the auction almost every remaining augmenting path is one step long.
 *  - 'jv': JV's own initialisation. Column reduction (v_j = min_i C[i, j]; a row holding a single column
 *    minimum takes it) with reduction transfer, then two passes of augmenting row reduction (an auction
 *    with ε = 0). Good on unstructured random costs and on costs with many exact ties, where the auction's
 *    ε-sized bids turn into long price wars (a 2000-point grid with duplicates: 5 s auction, 1.5 s jv).
 *  - 'none': augmenting paths from v = 0 for every row (what SciPy/Crouse do).
 *  - 'auto' (default): 'jv' when sampled rows of C have under half distinct values (massive ties), else
 *    'auction'; rectangular problems always 'none'.
 *
 * The auction is only a warm start: exactness comes from the augmenting-path phase, which needs nothing
 * from the auction beyond "assigned rows sit on an exact row minimum". A bid budget bounds the auction on
 * adversarial inputs; when it runs out we hand over whatever state it reached.
 *
 * Rectangular problems (n ≠ m) start from v = 0 ('none'): with n < m the prices of unassigned columns then
 * stay 0, the complementary-slackness condition of the columns' ≤ 1 constraints (both warm starts assume a
 * square matrix). n > m is solved on the transpose.
 */
export interface AssignmentSolution {
  /** rowToCol[i] = column assigned to row i (every row is assigned when n ≤ m; −1 for unassigned rows when n > m). */
  readonly rowToCol: Int32Array;
  /** colToRow[j] = row assigned to column j, or −1. */
  readonly colToRow: Int32Array;
  /** Σ_i C[i, rowToCol[i]] over assigned rows. */
  readonly cost: number;
}

export type AssignmentStart = 'auto' | 'auction' | 'jv' | 'none';

export interface AssignmentOptions {
  /** Warm start before the exact augmenting-path phase (see above). Default 'auto'; all give the same optimal cost. */
  readonly start?: AssignmentStart;
}

export function linearSumAssignment(cost: Float64Array, n: number, m: number = n, options: AssignmentOptions = {}): AssignmentSolution {
  checkCostMatrix(cost, n, m, 'linearSumAssignment');
  if (n > m) {
    const t = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = cost[i * m + j];
    const s = solveRowsLeqCols(t, m, n, options);
    return { rowToCol: s.colToRow, colToRow: s.rowToCol, cost: s.cost };
  }
  return solveRowsLeqCols(cost, n, m, options);
}

/**
 * What the start phases of a square problem work on: the n×n costs C (row-major), the column prices v, the
 * partial assignment in both directions (−1: unassigned), and `free`, where they list the rows left free.
 */
interface SquareStart {
  readonly c: Float64Array;
  readonly n: number;
  readonly v: Float64Array;
  readonly col4row: Int32Array;
  readonly row4col: Int32Array;
  readonly free: Int32Array;
}

function solveRowsLeqCols(c: Float64Array, n: number, m: number, options: AssignmentOptions): AssignmentSolution {
  const col4row = new Int32Array(n).fill(-1);
  const row4col = new Int32Array(m).fill(-1);
  const v = new Float64Array(m);
  // Work arrays shared by all phases, allocated once.
  const free = new Int32Array(n);
  let numFree: number;

  const requested = options.start ?? 'auto';
  if (requested !== 'auto' && requested !== 'auction' && requested !== 'jv' && requested !== 'none') {
    throw new UserError(`linearSumAssignment: start '${String(requested)}' is not allowed; choose auto, auction, jv or none`);
  }
  const start = requested === 'auto' && n === m && n >= 2 ? (hasManyTies(c, n) ? 'jv' : 'auction') : requested;
  if (n === m && n >= 2 && start === 'auction') {
    numFree = auction({ c, n, v, col4row, row4col, free });
  } else if (n === m && n >= 2 && start === 'jv') {
    const square: SquareStart = { c, n, v, col4row, row4col, free };
    numFree = columnReduction(square);
    numFree = augmentingRowReduction(square, numFree);
    numFree = augmentingRowReduction(square, numFree);
  } else {
    for (let i = 0; i < n; i++) free[i] = i;
    numFree = n;
  }

  const dist = new Float64Array(m);
  const pred = new Int32Array(m);
  const scanned = new Uint8Array(m);
  const order = new Int32Array(m);
  for (let f = 0; f < numFree; f++) {
    const root = free[f];
    const sink = shortestAugmentingPath(c, m, root, v, row4col, dist, pred, scanned, order);
    // Augment: flip the alternating path ending at the free column `sink`.
    let j = sink;
    for (;;) {
      const i = pred[j];
      row4col[j] = i;
      const k = col4row[i];
      col4row[i] = j;
      if (i === root) break;
      j = k;
    }
  }

  let total = 0;
  for (let i = 0; i < n; i++) total += c[i * m + col4row[i]];
  return { rowToCol: col4row, colToRow: row4col, cost: total };
}

/**
 * True when rows of the square matrix C have, on average, fewer than half distinct values (checked on up to
 * 16 evenly spaced rows): integer-valued or heavily quantised costs, e.g. duplicate points.
 */
function hasManyTies(c: Float64Array, n: number): boolean {
  const rows = Math.min(n, 16);
  const buf = new Float64Array(n);
  let distinct = 0;
  for (let r = 0; r < rows; r++) {
    const i = Math.floor((r * n) / rows);
    buf.set(c.subarray(i * n, i * n + n));
    buf.sort();
    let k = 1;
    for (let j = 1; j < n; j++) if (buf[j] !== buf[j - 1]) k++;
    distinct += k;
  }
  return distinct < 0.5 * rows * n;
}

/** Auction schedule: first ε = range/EPS_START_DIVISOR, divided by EPS_FACTOR per round, down to range·EPS_END_RELATIVE/n. */
const EPS_START_DIVISOR = 64;
const EPS_FACTOR = 8;
const EPS_END_RELATIVE = 1e-3;
/** Bids allowed per row over all rounds before the auction hands over to augmenting paths. */
const BIDS_PER_ROW = 200;
/** Length of each row's candidate list in the auction. */
const CANDIDATES = 12;

/**
 * Inserts value h (of column j) into the ascending list topVal/topIdx[0 … last − 1], written over position `last`
 * (the list's end, or its dropped largest entry).
 */
function insertSorted(topVal: Float64Array, topIdx: Int32Array, last: number, h: number, j: number): void {
  let q = last;
  while (q > 0 && topVal[q - 1] > h) {
    topVal[q] = topVal[q - 1];
    topIdx[q] = topIdx[q - 1];
    q--;
  }
  topVal[q] = h;
  topIdx[q] = j;
}

/**
 * Warm start by ε-scaling auction (square n × n, n ≥ 2), in minimisation form: prices p_j, a row prefers
 * the column minimising C[i, j] + p_j. Returns the number of free rows (listed in `free`) after converting
 * to the augmenting-path state v = −p, in which every assigned row sits on an exact row minimum.
 */
function auction(square: SquareStart): number {
  const { c, n, v, col4row, row4col, free } = square;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < c.length; k++) {
    const x = c[k];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const range = hi - lo;
  const p = new Float64Array(n);
  if (range > 0) {
    // ε must stay well above the rounding of prices (which grow to about `range`), or a bid would not move a
    // price and two rows could trade one column forever.
    const epsEnd = Math.max((range * EPS_END_RELATIVE) / n, range * 1e-12, Math.max(Math.abs(lo), Math.abs(hi)) * 1e-13);
    const queue = new Int32Array(n);
    let bidsLeft = BIDS_PER_ROW * n;
    // Candidate lists (Bertsekas' "best-k" bidding): the K cheapest columns of each row at its last full scan
    // and thr = the (K+1)-th cheapest value then. Prices only rise, so every column off the list still costs
    // ≥ thr; while the list's second best is ≤ thr, a bid needs K reads instead of n.
    const K = Math.min(CANDIDATES, n - 1);
    const cand = new Int32Array(n * K);
    const thr = new Float64Array(n);
    const listOk = new Uint8Array(n);
    const topVal = new Float64Array(K + 1);
    const topIdx = new Int32Array(K + 1);
    for (let eps = range / EPS_START_DIVISOR; bidsLeft > 0; eps /= EPS_FACTOR) {
      if (eps < epsEnd) eps = epsEnd;
      col4row.fill(-1);
      row4col.fill(-1);
      for (let i = 0; i < n; i++) queue[i] = i;
      // Circular FIFO of free rows: head, count.
      let head = 0;
      let count = n;
      while (count > 0 && bidsLeft-- > 0) {
        const i = queue[head];
        head = head + 1 === n ? 0 : head + 1;
        count--;
        // Best and second-best column of row i: from its candidate list when that is provably enough,
        // else by a full scan that refreshes the list.
        const base = i * K;
        let r1 = Infinity;
        let r2 = Infinity;
        let j1 = -1;
        if (listOk[i] === 1) {
          for (let k = 0; k < K; k++) {
            const j = cand[base + k];
            const h = c[i * n + j] + p[j];
            if (h < r2) {
              if (h >= r1) r2 = h;
              else {
                r2 = r1;
                r1 = h;
                j1 = j;
              }
            }
          }
        }
        if (!(r2 <= thr[i])) {
          // Full scan keeping the K + 1 smallest values of C[i, ·] + p, sorted, in topVal/topIdx.
          const row = i * n;
          for (let j = 0; j <= K; j++) insertSorted(topVal, topIdx, j, c[row + j] + p[j], j);
          let worst = topVal[K];
          for (let j = K + 1; j < n; j++) {
            const h = c[row + j] + p[j];
            if (h < worst) {
              insertSorted(topVal, topIdx, K, h, j);
              worst = topVal[K];
            }
          }
          for (let k = 0; k < K; k++) cand[base + k] = topIdx[k];
          thr[i] = topVal[K];
          listOk[i] = 1;
          r1 = topVal[0];
          j1 = topIdx[0];
          r2 = topVal[1];
        }
        p[j1] += r2 - r1 + eps;
        const owner = row4col[j1];
        row4col[j1] = i;
        col4row[i] = j1;
        if (owner >= 0) {
          col4row[owner] = -1;
          let tail = head + count;
          if (tail >= n) tail -= n;
          queue[tail] = owner;
          count++;
        }
      }
      if (eps === epsEnd) break;
    }
  }
  // Hand over: v = −p; keep a row only if its column attains the row minimum of C[i, ·] − v exactly.
  let numFree = 0;
  for (let j = 0; j < n; j++) v[j] = -p[j];
  for (let i = 0; i < n; i++) {
    const j1 = col4row[i];
    if (j1 < 0) {
      free[numFree++] = i;
      continue;
    }
    const row = i * n;
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      const h = c[row + j] - v[j];
      if (h < best) best = h;
    }
    if (c[row + j1] - v[j1] > best) {
      col4row[i] = -1;
      row4col[j1] = -1;
      free[numFree++] = i;
    }
  }
  return numFree;
}

/**
 * JV phase 1. Returns the number of free rows, listed in `free`. Leaves, for every assigned row i,
 * C[i, j] − v_j ≥ C[i, σ(i)] − v_σ(i) for all j (dual feasibility with implicit u).
 */
function columnReduction(square: SquareStart): number {
  const { c, n, v, col4row, row4col, free } = square;
  // Column minima in one row-major pass (a strided column scan would miss the cache at every element).
  const argmin = row4col; // reuse: argmin row of each column
  v.set(c.subarray(0, n));
  argmin.fill(0);
  for (let i = 1; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const x = c[row + j];
      if (x < v[j]) {
        v[j] = x;
        argmin[j] = i;
      }
    }
  }
  // Each row keeps at most one of the columns whose minimum it holds (JV scan from the last column).
  const matches = new Int32Array(n);
  for (let j = n - 1; j >= 0; j--) {
    const i = argmin[j];
    if (matches[i]++ === 0) {
      col4row[i] = j;
      row4col[j] = i;
    } else {
      row4col[j] = -1;
    }
  }
  // Reduction transfer: a row that holds a single minimum moves its slack onto its column's price.
  let numFree = 0;
  for (let i = 0; i < n; i++) {
    if (matches[i] === 0) {
      free[numFree++] = i;
      continue;
    }
    if (matches[i] !== 1) continue;
    const j1 = col4row[i];
    const row = i * n;
    let mu = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === j1) continue;
      const r = c[row + j] - v[j];
      if (r < mu) mu = r;
    }
    v[j1] -= mu;
  }
  return numFree;
}

/**
 * JV phase 2 (augmenting row reduction), one pass. Processes the free rows; returns how many are free afterwards (listed in `free`).
 * A row whose bid strictly raised a price evicts the owner, which bids again at once; ties send the evicted
 * row to the next phase. The step budget bounds pathological sequences of tiny price increments
 * (possible in floating point with near-equal costs): evicted rows then stay free for the exact phase.
 */
function augmentingRowReduction(square: SquareStart, numFree: number): number {
  const { c, n, v, col4row, row4col, free } = square;
  const queue = free.slice(0, numFree);
  let pos = 0;
  const qn = numFree;
  let nextFree = 0;
  let budget = 4 * n;
  while (pos < qn) {
    const i = queue[pos++];
    const row = i * n;
    let u1 = c[row] - v[0];
    let j1 = 0;
    let u2 = Infinity;
    let j2 = -1;
    for (let j = 1; j < n; j++) {
      const h = c[row + j] - v[j];
      if (h < u2) {
        if (h >= u1) {
          u2 = h;
          j2 = j;
        } else {
          u2 = u1;
          j2 = j1;
          u1 = h;
          j1 = j;
        }
      }
    }
    let i0 = row4col[j1];
    const strict = u1 < u2;
    if (strict) v[j1] -= u2 - u1;
    else if (i0 >= 0) {
      j1 = j2;
      i0 = row4col[j2];
    }
    row4col[j1] = i;
    col4row[i] = j1;
    if (i0 >= 0) {
      col4row[i0] = -1;
      if (strict && budget-- > 0) queue[--pos] = i0;
      else free[nextFree++] = i0;
    }
  }
  return nextFree;
}

/**
 * Exact phase: Dijkstra from free row `root` over columns with reduced costs, until a free column is reached
 * (Crouse's formulation of the JV augmentation: one pass over the unscanned columns per step both relaxes the
 * distances through the current row and finds the nearest unscanned column, preferring a free one among
 * ties, so plateaus of equal costs end as soon as they touch a free column). Updates the prices v of the
 * scanned columns so that reduced costs stay ≥ 0 and the path to the returned sink is tight.
 * `pred[j]` is the row from which column j was reached.
 *
 * Columns are visited in index order with a scanned flag rather than through a shrinking permuted index
 * list: sequential reads of C, v and dist measured 3–4× faster per column than the permuted order.
 */
function shortestAugmentingPath(
  c: Float64Array,
  m: number,
  root: number,
  v: Float64Array,
  row4col: Int32Array,
  dist: Float64Array,
  pred: Int32Array,
  scanned: Uint8Array,
  order: Int32Array,
): number {
  dist.fill(Infinity);
  scanned.fill(0);
  let numScanned = 0;
  let i = root;
  // h = u_i − (distance at which row i was reached); the root row enters with u = 0 at distance 0.
  let h = 0;
  let minVal = 0;
  for (;;) {
    const row = i * m;
    let lowest = Infinity;
    let jLow = -1;
    let lowFree = false;
    for (let j = 0; j < m; j++) {
      if (scanned[j] !== 0) continue;
      const r = c[row + j] - v[j] - h;
      let d = dist[j];
      if (r < d) {
        dist[j] = r;
        pred[j] = i;
        d = r;
      }
      if (d < lowest || (d === lowest && !lowFree && row4col[j] < 0)) {
        lowest = d;
        jLow = j;
        lowFree = row4col[j] < 0;
      }
    }
    if (jLow < 0 || lowest === Infinity) throw new UserError('linearSumAssignment: no feasible assignment (infinite costs)');
    minVal = lowest;
    scanned[jLow] = 1;
    order[numScanned++] = jLow;
    if (lowFree) {
      // Prices of the scanned columns (the sink's own change is 0).
      for (let k = 0; k < numScanned; k++) {
        const j = order[k];
        v[j] += dist[j] - minVal;
      }
      return jLow;
    }
    i = row4col[jLow];
    h = c[i * m + jLow] - v[jLow] - minVal;
  }
}
