import loadHighs from 'highs';

/**
 * The transportation LP solved by HiGHS (dual simplex, WebAssembly): an independent reference for the
 * network simplex. Variables P_ij ≥ 0 in column i·m + j; rows Σ_j P_ij = a_i, then Σ_i P_ij = b_j.
 */
type Highs = Awaited<ReturnType<typeof loadHighs>>;
let highsPromise: Promise<Highs> | null = null;

export async function highsTransportCost(a: Float64Array, b: Float64Array, c: Float64Array): Promise<number> {
  highsPromise ??= loadHighs();
  const highs = await highsPromise;
  const n = a.length;
  const m = b.length;
  const E = n * m;
  const starts = new Int32Array(E + 1);
  const indices = new Int32Array(2 * E);
  for (let k = 0; k < E; k++) {
    starts[k] = 2 * k;
    indices[2 * k] = Math.floor(k / m);
    indices[2 * k + 1] = n + (k % m);
  }
  starts[E] = 2 * E;
  const rhs = new Float64Array(n + m);
  rhs.set(a);
  rhs.set(b, n);
  return highs.withModel(
    {
      numCols: E,
      numRows: n + m,
      colCost: c,
      colLower: new Float64Array(E),
      colUpper: new Float64Array(E).fill(highs.infinity),
      rowLower: rhs,
      rowUpper: rhs,
      matrix: { format: 'csc', numRows: n + m, numCols: E, starts, indices, values: new Float64Array(2 * E).fill(1) },
    },
    (model) => {
      // Tight feasibility/optimality tolerances so that HiGHS is accurate well beyond the 1e-9 we assert.
      model.options.set({ output_flag: false, primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 });
      model.run();
      const status = model.getModelStatus();
      if (status !== highs.constants.modelStatus.optimal) throw new Error(`HiGHS: model status ${status}`);
      return model.getObjectiveValue();
    },
  );
}
