import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearSumAssignment, squaredDistanceMatrix, type AssignmentStart } from '../../lib/ot';
import { UserError } from '../../lib/errors';
import { Rng } from '../../lib/random';
import { bruteForceAssignment, bruteForceRectangular, gaussianCloud, gridCloud, permutations, relativeError } from './helpers';

const STARTS: readonly AssignmentStart[] = ['auto', 'auction', 'jv', 'none'];
const PERMS = Array.from({ length: 8 }, (_, n) => permutations(n));

function assertPermutation(rowToCol: Int32Array, colToRow: Int32Array, n: number): void {
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = rowToCol[i];
    assert.ok(j >= 0 && j < n, `row ${i} assigned to column ${j}`);
    assert.equal(seen[j], 0, `column ${j} assigned twice`);
    seen[j] = 1;
    assert.equal(colToRow[j], i);
  }
}

function costOf(c: Float64Array, m: number, rowToCol: Int32Array): number {
  let s = 0;
  for (let i = 0; i < rowToCol.length; i++) if (rowToCol[i] >= 0) s += c[i * m + rowToCol[i]];
  return s;
}

test('brute force over all permutations, n ≤ 7: random, integer-tied and offset costs, every warm start', () => {
  const rng = new Rng(11);
  let checked = 0;
  for (let t = 0; t < 1500; t++) {
    const n = 1 + (t % 7);
    const c = new Float64Array(n * n);
    const kind = t % 4;
    for (let k = 0; k < c.length; k++) {
      if (kind === 0) c[k] = rng.uniform();
      else if (kind === 1) c[k] = rng.int(3); // many ties, many optimal permutations
      else if (kind === 2) c[k] = 1e6 + rng.int(4) * 1e-3; // large offset, small differences
      else c[k] = rng.uniform() < 0.5 ? 0 : rng.normal(); // negative and zero costs
    }
    const best = bruteForceAssignment(c, n, PERMS[n]);
    for (const start of STARTS) {
      const s = linearSumAssignment(c, n, n, { start });
      assertPermutation(s.rowToCol, s.colToRow, n);
      assert.ok(Math.abs(s.cost - costOf(c, n, s.rowToCol)) <= 1e-9 * (1 + Math.abs(s.cost)), 'reported cost = cost of the assignment');
      assert.ok(Math.abs(s.cost - best) <= 1e-12 * (1 + Math.abs(best)), `n=${n} kind=${kind} start=${start}: ${s.cost} vs brute force ${best}`);
      checked++;
    }
  }
  assert.equal(checked, 6000);
});

test('brute force on squared distances of point clouds with duplicate points (grid {0,1,2}², n ≤ 7)', () => {
  const rng = new Rng(12);
  for (let t = 0; t < 600; t++) {
    const n = 2 + (t % 6);
    const x = gridCloud(rng, n, 2, 3);
    const y = t % 3 === 0 ? x : gridCloud(rng, n, 2, 3); // identical clouds: optimum 0 with many ties
    const c = squaredDistanceMatrix(x, y);
    const best = bruteForceAssignment(c, n, PERMS[n]);
    if (y === x) assert.equal(best, 0);
    for (const start of STARTS) {
      const s = linearSumAssignment(c, n, n, { start });
      assertPermutation(s.rowToCol, s.colToRow, n);
      assert.equal(s.cost, best, `grid instance ${t}, start ${start}`); // integer costs: exact equality
    }
  }
});

test('rectangular problems match brute force over injective maps (n < m and n > m)', () => {
  const rng = new Rng(13);
  for (let t = 0; t < 300; t++) {
    const n = 1 + rng.int(5);
    const m = n + 1 + rng.int(7 - n);
    const c = new Float64Array(n * m);
    for (let k = 0; k < c.length; k++) c[k] = t % 2 ? rng.int(4) : rng.uniform();
    const best = bruteForceRectangular(c, n, m);
    const s = linearSumAssignment(c, n, m);
    assert.ok(Math.abs(s.cost - best) <= 1e-12 * (1 + best), `${n}×${m}: ${s.cost} vs ${best}`);
    const used = new Set(s.rowToCol);
    assert.equal(used.size, n);
    assert.ok(!used.has(-1));
    // The transpose (m × n, more rows than columns) has the same optimum; m − n rows stay unassigned.
    const ct = new Float64Array(m * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) ct[j * n + i] = c[i * m + j];
    const st = linearSumAssignment(ct, m, n);
    assert.ok(Math.abs(st.cost - best) <= 1e-12 * (1 + best));
    assert.equal(Array.from(st.rowToCol).filter((j) => j < 0).length, m - n);
    assert.ok(Math.abs(costOf(ct, n, st.rowToCol) - st.cost) <= 1e-12 * (1 + best));
  }
});

test('1-D closed form: the optimal assignment cost equals the sorted matching (n = 1 … 400)', () => {
  const rng = new Rng(14);
  for (const n of [1, 2, 3, 10, 57, 200, 400]) {
    const x = gaussianCloud(rng, n, 1);
    const y = gaussianCloud(rng, n, 1, 0.7, 2);
    const xs = Float64Array.from(x.data).sort();
    const ys = Float64Array.from(y.data).sort();
    let sorted = 0;
    for (let i = 0; i < n; i++) sorted += (xs[i] - ys[i]) ** 2;
    const c = squaredDistanceMatrix(x, y);
    for (const start of STARTS) {
      const s = linearSumAssignment(c, n, n, { start });
      assert.ok(relativeError(s.cost, sorted) < 1e-12, `n=${n} ${start}: ${s.cost} vs sorted ${sorted}`);
    }
  }
});

test('all warm starts agree on larger geometric, tied and random instances (n = 300)', () => {
  const rng = new Rng(15);
  const instances: Float64Array[] = [
    squaredDistanceMatrix(gaussianCloud(rng, 300, 2), gaussianCloud(rng, 300, 2, 1)),
    squaredDistanceMatrix(gaussianCloud(rng, 300, 16), gaussianCloud(rng, 300, 16)),
    squaredDistanceMatrix(gridCloud(rng, 300, 2, 5), gridCloud(rng, 300, 2, 5)),
    rng.fillUniform(new Float64Array(300 * 300)),
  ];
  for (const c of instances) {
    const costs = STARTS.map((start) => {
      const s = linearSumAssignment(c, 300, 300, { start });
      assertPermutation(s.rowToCol, s.colToRow, 300);
      return s.cost;
    });
    for (const v of costs) assert.ok(relativeError(v, costs[3]) < 1e-12, `costs by start: ${costs.join(', ')}`);
  }
});

test('bad inputs are UserErrors', () => {
  assert.throws(() => linearSumAssignment(new Float64Array(5), 2, 2), UserError);
  assert.throws(() => linearSumAssignment(new Float64Array([0, 1, NaN, 2]), 2, 2), /finite/);
  assert.throws(() => linearSumAssignment(new Float64Array([0, 1, Infinity, 2]), 2, 2), /finite/);
  assert.throws(() => linearSumAssignment(new Float64Array(0), 0, 0), UserError);
  assert.throws(() => linearSumAssignment(new Float64Array(4), 2, 2, { start: 'magic' as AssignmentStart }), /auto, auction, jv or none/);
});
