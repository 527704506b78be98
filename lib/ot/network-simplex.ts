import { checkCostMatrix, checkWeights } from './validate';

/**
 * Exact discrete OT (earth mover's distance) for general weights: the transportation problem
 *
 *   min Σ_ij C_ij P_ij  subject to  P ≥ 0,  Σ_j P_ij = a_i,  Σ_i P_ij = b_j,
 *
 * solved by the primal network simplex method on the complete bipartite graph (sources i → targets j).
 * Textbook: Ahuja, Magnanti & Orlin, "Network Flows" (1993), ch. 11, with
 *  - an artificial root joined to every node by an artificial arc of big-M cost (the all-artificial tree is
 *    the starting basis, as in LEMON's NetworkSimplex, which POT's `ot.emd` wraps);
 *  - strongly feasible spanning trees and Cunningham's leaving-arc rule (the last blocking arc met when
 *    walking the pivot cycle from its apex in the direction of the entering arc), which rules out cycling
 *    on degenerate pivots — frequent here, since a basis has n + m − 1 arcs and OT plans often fewer;
 *  - block-search pricing (scan blocks of ≈ √(nm) arcs, enter the most negative reduced cost in the first
 *    block that has one): far fewer reduced costs per pivot than Dantzig's full scan, far better pivots
 *    than first-eligible.
 *
 * Why our own layout rather than LEMON's thread/succ_num arrays: arcs are never stored (arc (i, j) is the
 * index i·m + j into the caller's cost matrix and non-tree arcs all carry zero flow, since capacities are
 * infinite), so the state is O(n + m) arrays: parent, tree arc, its orientation and flow, depth, potential,
 * and doubly linked child lists. A pivot re-roots the detached subtree by reversing the path from the
 * entering arc's endpoint to the leaving arc, then recomputes depth and potentials of that subtree from its
 * parents (recomputing, not adding a shift, so potentials never drift).
 *
 * Exactness: up to floating-point rounding. An arc enters only if its reduced cost is below −tolerance,
 * with tolerance a few ulps of the big-M potentials (≈ 1e-14 · M), so the optimality gap is at most
 * tolerance × total mass (= 1). The returned duals certify it (tests check Σ a·f + Σ b·g = cost).
 */
export interface PlanEntry {
  readonly i: number;
  readonly j: number;
  readonly mass: number;
}

export interface NetworkSimplexResult {
  /** Σ C_ij P_ij. */
  readonly cost: number;
  /** Non-zero entries of the optimal plan (a basic solution: at most n + m − 1 entries). */
  readonly plan: PlanEntry[];
  /** Dual potentials: f_i + g_j ≤ C_ij (up to `tolerance`), with equality on the plan's support. */
  readonly f: Float64Array;
  readonly g: Float64Array;
  readonly pivots: number;
  /** Reduced-cost tolerance used for optimality. */
  readonly tolerance: number;
}

export interface NetworkSimplexOptions {
  /**
   * Stop with an error after this many pivots. Default 1000·(n + m) + 10⁵: a guard that turns a cycling bug
   * into an error; valid problems here take about 10–40 pivots per node.
   */
  readonly maxPivots?: number;
}

export function networkSimplex(a: Float64Array, b: Float64Array, cost: Float64Array, options: NetworkSimplexOptions = {}): NetworkSimplexResult {
  const n = a.length;
  const m = b.length;
  checkCostMatrix(cost, n, m, 'networkSimplex');
  checkWeights(a, n, 'networkSimplex(source weights)');
  checkWeights(b, m, 'networkSimplex(target weights)');
  const maxPivots = options.maxPivots ?? 1000 * (n + m) + 100_000;

  const N = n + m; // real nodes: sources 0..n−1, targets n..n+m−1; root = N
  const root = N;
  let maxC = 0;
  for (let k = 0; k < cost.length; k++) maxC = Math.max(maxC, Math.abs(cost[k]));
  // Any path through the root must cost more than any path of real arcs (≤ N arcs).
  const M = (maxC + 1) * (N + 1);
  const tolerance = 1e-14 * M;

  const parent = new Int32Array(N + 1);
  const predArc = new Int32Array(N + 1); // real arc index i·m + j, or −1 for the artificial arc to the root
  const up = new Uint8Array(N + 1); // 1: the tree arc points from the node to its parent
  const flow = new Float64Array(N + 1); // flow on the node's tree arc
  const depth = new Int32Array(N + 1);
  const pi = new Float64Array(N + 1); // reduced cost of arc s → t is C + pi[s] − pi[t]
  const firstChild = new Int32Array(N + 1).fill(-1);
  const nextSib = new Int32Array(N + 1).fill(-1);
  const prevSib = new Int32Array(N + 1).fill(-1);
  const stack = new Int32Array(N + 1);

  const addChild = (p: number, x: number): void => {
    const f = firstChild[p];
    nextSib[x] = f;
    prevSib[x] = -1;
    if (f >= 0) prevSib[f] = x;
    firstChild[p] = x;
  };
  const removeChild = (p: number, x: number): void => {
    const nx = nextSib[x];
    const pv = prevSib[x];
    if (pv >= 0) nextSib[pv] = nx;
    else firstChild[p] = nx;
    if (nx >= 0) prevSib[nx] = pv;
  };

  // Starting basis: the star of artificial arcs. Supply nodes (a_i ≥ 0, and zero-demand targets) point up to
  // the root; demand nodes hang below it with positive flow. Zero-flow arcs all point up: strongly feasible.
  parent[root] = -1;
  depth[root] = 0;
  for (let u = N - 1; u >= 0; u--) {
    const supply = u < n ? a[u] : -b[u - n];
    parent[u] = root;
    predArc[u] = -1;
    depth[u] = 1;
    if (supply >= 0) {
      up[u] = 1;
      flow[u] = supply;
      pi[u] = -M;
    } else {
      up[u] = 0;
      flow[u] = -supply;
      pi[u] = M;
    }
    addChild(root, u);
  }

  const E = n * m;
  const blockSize = Math.max(Math.ceil(Math.sqrt(E)), Math.min(E, 10));
  let searchRow = 0; // next arc to price, as (row, col)
  let searchCol = 0;
  let pivots = 0;

  for (;;) {
    // Block-search pricing.
    let best = -tolerance;
    let enter = -1;
    let scanned = 0;
    let inBlock = 0;
    let i = searchRow;
    let j = searchCol;
    while (scanned < E) {
      const k = i * m + j;
      const rc = cost[k] + pi[i] - pi[n + j];
      if (rc < best) {
        best = rc;
        enter = k;
      }
      scanned++;
      if (++j === m) {
        j = 0;
        if (++i === n) i = 0;
      }
      if (++inBlock === blockSize) {
        if (enter >= 0) break;
        inBlock = 0;
      }
    }
    searchRow = i;
    searchCol = j;
    if (enter < 0) break; // no arc with negative reduced cost: optimal
    if (++pivots > maxPivots) throw new Error(`networkSimplex: more than ${maxPivots} pivots (n = ${n}, m = ${m}); this is a bug`);

    const k = Math.floor(enter / m); // entering arc k → l
    const l = n + (enter - k * m);
    // Apex of the pivot cycle.
    let x = k;
    let y = l;
    while (x !== y) {
      if (depth[x] > depth[y]) x = parent[x];
      else if (depth[y] > depth[x]) y = parent[y];
      else {
        x = parent[x];
        y = parent[y];
      }
    }
    const join = x;
    // Leaving arc (Cunningham): strict < on the source side, ≤ on the target side.
    let delta = Infinity;
    let uOut = -1;
    let side = 0;
    for (let u = k; u !== join; u = parent[u]) {
      if (up[u] === 1 && flow[u] < delta) {
        delta = flow[u];
        uOut = u;
        side = 1;
      }
    }
    for (let u = l; u !== join; u = parent[u]) {
      if (up[u] === 0 && flow[u] <= delta) {
        delta = flow[u];
        uOut = u;
        side = 2;
      }
    }
    if (uOut < 0) throw new Error('networkSimplex: unbounded pivot cycle; this is a bug');
    if (delta > 0) {
      for (let u = k; u !== join; u = parent[u]) flow[u] += up[u] === 1 ? -delta : delta;
      for (let u = l; u !== join; u = parent[u]) flow[u] += up[u] === 1 ? delta : -delta;
    }

    // Re-hang the subtree cut off at uOut: reverse the path uIn … uOut and attach uIn below vIn.
    const uIn = side === 1 ? k : l;
    const vIn = side === 1 ? l : k;
    let node = uIn;
    let newParent = vIn;
    let newArc = enter;
    let newUp = side === 1 ? 1 : 0; // k is the entering arc's tail
    let newFlow = delta;
    for (;;) {
      const oldParent = parent[node];
      const oldArc = predArc[node];
      const oldUp = up[node];
      const oldFlow = flow[node];
      removeChild(oldParent, node);
      addChild(newParent, node);
      parent[node] = newParent;
      predArc[node] = newArc;
      up[node] = newUp;
      flow[node] = newFlow;
      if (node === uOut) break;
      newParent = node;
      newArc = oldArc;
      newUp = oldUp === 1 ? 0 : 1;
      newFlow = oldFlow;
      node = oldParent;
    }
    // Depth and potentials of the moved subtree, from its (new) parents.
    let top = 0;
    stack[top++] = uIn;
    while (top > 0) {
      const u = stack[--top];
      const p = parent[u];
      depth[u] = depth[p] + 1;
      const arc = predArc[u];
      const c = arc >= 0 ? cost[arc] : M;
      pi[u] = up[u] === 1 ? pi[p] - c : pi[p] + c;
      for (let ch = firstChild[u]; ch >= 0; ch = nextSib[ch]) stack[top++] = ch;
    }
  }

  const plan: PlanEntry[] = [];
  let total = 0;
  for (let u = 0; u < N; u++) {
    const arc = predArc[u];
    if (arc < 0 || !(flow[u] > 0)) continue;
    const i = Math.floor(arc / m);
    const j = arc - i * m;
    plan.push({ i, j, mass: flow[u] });
    total += flow[u] * cost[arc];
  }
  plan.sort((p, q) => p.i - q.i || p.j - q.j);
  // Duals of the LP: f_i = −pi_i, g_j = pi_{n+j} (so C_ij − f_i − g_j is the reduced cost). Shift by a
  // constant (f − s, g + s leaves every f_i + g_j unchanged) to bring them near the cost scale.
  const f = new Float64Array(n);
  const g = new Float64Array(m);
  const shift = -pi[0];
  for (let i2 = 0; i2 < n; i2++) f[i2] = -pi[i2] - shift;
  for (let j2 = 0; j2 < m; j2++) g[j2] = pi[n + j2] + shift;
  return { cost: total, plan, f, g, pivots, tolerance };
}
