/**
 * Benchmark: our dense linear assignment solver (lib/ot/assignment.ts) against SciPy's
 * `scipy.optimize.linear_sum_assignment` on identical cost matrices.
 *
 *   npx tsx bench/ot/assignment-vs-scipy.ts            (sizes 250, 500, 1000, 2000; 3 repeats)
 *   npx tsx bench/ot/assignment-vs-scipy.ts --quick    (sizes 250, 500; 3 repeats)
 *
 * Each instance is generated once from a seeded Rng and written to a temporary file of float64 values; the
 * Python helper (bench/ot/scipy_lsa.py, run with /usr/bin/python3) reads that file, and our solver runs on
 * the same array. Times are medians of the repeats, solver call only (no file I/O, no matrix construction),
 * each side after WARMUP = 2 untimed calls on the same matrix (V8 needs a couple of calls before the solver
 * runs as optimised code; a one-off call in a fresh process is slower, e.g. ~30 ms instead of ~5 ms at n = 250).
 * Both optimal costs are compared. Nothing about time is asserted: this prints numbers for people.
 *
 * Instances: 'uniform' — costs i.i.d. U[0, 1) (the usual LAP benchmark); 'points-2d' — squared distances
 * between two independent samples of a standard 2-D Gaussian (the matrices `exactW2Squared` solves);
 * 'grid-2d' — the same between two samples of the 10 × 10 integer grid (duplicate points, integer costs,
 * massive ties: the hardest case for us relative to SciPy).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linearSumAssignment, squaredDistanceMatrix } from '../../lib/ot';
import { Rng } from '../../lib/random';

export type OtBenchInstance = 'uniform' | 'points-2d' | 'grid-2d';

export interface Row {
  readonly instance: OtBenchInstance;
  readonly n: number;
  readonly repeats: number;
  /** Median wall time of our solver, seconds. */
  readonly oursSeconds: number;
  /** Median wall time of scipy.optimize.linear_sum_assignment, seconds. */
  readonly scipySeconds: number;
  /** oursSeconds / scipySeconds (below 1: faster than SciPy). */
  readonly ratio: number;
  readonly oursCost: number;
  readonly scipyCost: number;
  /** |oursCost − scipyCost| ≤ 1e-9 · |scipyCost|: both found an optimal assignment. */
  readonly sameCost: boolean;
  readonly scipyVersion: string;
}

export interface OtBenchOptions {
  readonly sizes?: readonly number[];
  readonly repeats?: number;
  readonly instances?: readonly OtBenchInstance[];
  /** Python interpreter with numpy and scipy (default /usr/bin/python3). */
  readonly python?: string;
  readonly seed?: number;
  /** Called after each row, e.g. to print progress. */
  readonly onRow?: (row: Row) => void;
}

/** Untimed calls before timing, on each side. */
const WARMUP = 2;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function makeInstance(kind: OtBenchInstance, n: number, rng: Rng): Float64Array {
  if (kind === 'uniform') return rng.fillUniform(new Float64Array(n * n));
  const sample = (): Float32Array =>
    kind === 'grid-2d' ? Float32Array.from({ length: 2 * n }, () => rng.int(10)) : rng.fillNormal(new Float32Array(2 * n));
  return squaredDistanceMatrix({ n, d: 2, data: sample() }, { n, d: 2, data: sample() });
}

interface ScipyOutput {
  cost: number;
  seconds: number[];
  scipy: string;
}

function runScipy(python: string, path: string, n: number, repeats: number): ScipyOutput {
  const script = join(__dirname, 'scipy_lsa.py');
  const r = spawnSync(python, [script, path, String(n), String(repeats), String(WARMUP)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.error) throw new Error(`bench/ot: cannot run ${python} (${r.error.message}); install python3 with numpy and scipy`);
  if (r.status !== 0) throw new Error(`bench/ot: ${python} ${script} failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ScipyOutput;
}

export async function runOtBenchmark(options: OtBenchOptions = {}): Promise<Row[]> {
  const sizes = options.sizes ?? [250, 500, 1000, 2000];
  const repeats = Math.max(1, options.repeats ?? 3);
  const instances = options.instances ?? ['uniform', 'points-2d', 'grid-2d'];
  const python = options.python ?? '/usr/bin/python3';
  const rng = new Rng(options.seed ?? 2025);
  const dir = mkdtempSync(join(tmpdir(), 'otbook-bench-ot-'));
  const rows: Row[] = [];
  try {
    for (const instance of instances) {
      for (const n of sizes) {
        const c = makeInstance(instance, n, rng);
        const path = join(dir, `${instance}-${n}.f64`);
        writeFileSync(path, new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        const scipy = runScipy(python, path, n, repeats);
        for (let k = 0; k < WARMUP; k++) linearSumAssignment(c, n, n);
        const times: number[] = [];
        let oursCost = NaN;
        for (let k = 0; k < repeats; k++) {
          const t0 = performance.now();
          const s = linearSumAssignment(c, n, n);
          times.push((performance.now() - t0) / 1000);
          oursCost = s.cost;
        }
        const oursSeconds = median(times);
        const scipySeconds = median(scipy.seconds);
        const row: Row = {
          instance,
          n,
          repeats,
          oursSeconds,
          scipySeconds,
          ratio: oursSeconds / scipySeconds,
          oursCost,
          scipyCost: scipy.cost,
          sameCost: Math.abs(oursCost - scipy.cost) <= 1e-9 * Math.abs(scipy.cost),
          scipyVersion: scipy.scipy,
        };
        rows.push(row);
        options.onRow?.(row);
        rmSync(path, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function formatOtBenchmark(rows: readonly Row[]): string {
  const head = `${'instance'.padEnd(10)} ${'n'.padStart(5)}  ${'ours (s)'.padStart(9)}  ${'SciPy (s)'.padStart(9)}  ${'ours/SciPy'.padStart(10)}  same optimal cost`;
  const lines = rows.map(
    (r) =>
      `${r.instance.padEnd(10)} ${String(r.n).padStart(5)}  ${r.oursSeconds.toFixed(3).padStart(9)}  ${r.scipySeconds.toFixed(3).padStart(9)}  ${r.ratio.toFixed(2).padStart(10)}  ${r.sameCost ? 'yes' : `NO (${r.oursCost} vs ${r.scipyCost})`}`,
  );
  const version = rows[0] ? `SciPy ${rows[0].scipyVersion}, median of ${rows[0].repeats} runs, solver call only` : '';
  return [head, ...lines, version].join('\n');
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  console.log(`assignment: lib/ot linearSumAssignment vs scipy.optimize.linear_sum_assignment${quick ? ' (quick)' : ''}`);
  runOtBenchmark({
    sizes: quick ? [250, 500] : undefined,
    onRow: (r) => console.log(`  ${r.instance} n=${r.n}: ours ${r.oursSeconds.toFixed(3)} s, SciPy ${r.scipySeconds.toFixed(3)} s`),
  }).then(
    (rows) => {
      console.log(`\n${formatOtBenchmark(rows)}`);
      if (rows.some((r) => !r.sameCost)) process.exitCode = 1;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
