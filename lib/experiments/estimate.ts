import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { selectBackend } from '../backend';
import { resolveData } from './data';
import type { Scale } from './scale';
import { createStepper, disposeMethod } from '../solvers';
import { buildGroup, groupKey, loopOptions } from './build';
import type { TrainConfig } from './config';
import { selectCells, type Cell, type CellSelection, type Experiment } from './registry';
import { ReusableRuns } from './reuse';

/**
 * The cost model behind batched sweeps (lib/runs.ts). A group of R runs costs about t(R) = a + b·R milliseconds
 * per outer iteration: a is the per-op work that does not grow with R (dispatch, tape, bookkeeping), b the
 * arithmetic of one run. Both are measured here, on this machine, for each shape of an experiment: t(1) and
 * t(p) with p = min(cells, 8). Runs whose group is not at least MIN_GAIN faster per run than alone (one run
 * already saturates the sgemm rate) train alone; otherwise groups grow until a/R is within a tenth of b (more
 * runs would save little), up to MAX_GROUP and the cells there are, and shrink so that every --jobs worker
 * gets a group. OTBOOK_GROUP_SIZE=N fixes the size instead (1: every run alone).
 */
export const MAX_GROUP = 32;
const MIN_GAIN = 1.15;
const PROBE_RUNS = 8;

/** One measured group size. */
export interface GroupTiming {
  readonly runs: number;
  readonly msPerOuter: number;
}

/** The cells of one shape (one groupKey) and how they are grouped. */
export interface ShapePlan {
  /** What decides the cost of an outer iteration, in words. */
  readonly key: string;
  readonly cells: readonly Cell[];
  /** Outer iterations of each cell. */
  readonly iterations: number;
  readonly timings: readonly GroupTiming[];
  /** The groups, as lists of cells (one cell each when the shape trains alone). */
  readonly groups: ReadonlyArray<readonly Cell[]>;
  /** Estimated milliseconds per outer iteration of each group. */
  readonly groupMs: readonly number[];
}

export interface Estimate {
  readonly experiment: string;
  readonly scale: Scale;
  readonly cells: number;
  /** The selected cells' ids, as --cells takes them. */
  readonly ids: readonly string[];
  /** Selected cells with a completed run of their configuration (results/ or shipped): copied, not trained. */
  readonly reused: ReadonlyArray<{ readonly id: string; readonly from: string }>;
  readonly backend: string;
  readonly jobs: number;
  readonly shapes: readonly ShapePlan[];
  /** Training seconds of all the groups run one after another on this machine. */
  readonly totalSeconds: number;
}

/** What decides the cost of an outer iteration. */
export function shapeKey(c: TrainConfig): string {
  return [c.method, `d${c.dim}`, c.potential.kind, c.potential.hidden.join('x'), c.map.kind, c.map.hidden.join('x'), `z${c.map.noiseDim}`, `B${c.batchSize}`, `KT${c.innerSteps}`, c.not ? `Z${c.not.zSize}` : '', c.lambda > 0 ? 'reg' : ''].filter(Boolean).join(' ');
}

/**
 * Milliseconds per outer iteration of a group of `runs` runs built from these configurations (repeated with
 * other seeds where there are fewer), after warm-up: the CPU time this process spends (all its threads; one BLAS
 * thread by default), which is the wall time on a free core and, unlike wall time, does not depend on what else
 * the machine runs. The median of at least 3 timed iterations.
 */
export async function timeGroup(configs: readonly TrainConfig[], runs: number): Promise<number> {
  return withGroupStepper(configs, runs, (outer) => {
    // Warm-up: the first iterations of a process pay for compilation and allocation (2 at least, up to 10 while
    // they take under 0.5 s of CPU in all).
    const w0 = process.cpuUsage();
    for (let k = 0; k < 10; k++) {
      outer();
      const c = process.cpuUsage(w0);
      if (k >= 1 && c.user + c.system > 500_000) break;
    }
    const times: number[] = [];
    const t0 = performance.now();
    // At least 3 timed iterations; more while they take under 2 s in all (at most 8).
    while (times.length < 3 || (times.length < 8 && performance.now() - t0 < 2000)) {
      const s = process.cpuUsage();
      outer();
      const c = process.cpuUsage(s);
      times.push((c.user + c.system) / 1000);
    }
    times.sort((p, q) => p - q);
    return times[times.length >> 1];
  });
}

/**
 * Builds the group timeGroup times (`runs` runs from these configurations, repeated with other seeds where there
 * are fewer), hands `use` a function that trains it one outer iteration, and frees it after. For benchmarks that
 * look inside an outer iteration (bench/floors.ts counts its products).
 */
export function withGroupStepper<T>(configs: readonly TrainConfig[], runs: number, use: (outer: () => void) => T): T {
  const group = Array.from({ length: runs }, (_, r) => {
    const c = configs[r % configs.length];
    return r < configs.length ? c : { ...c, seed: c.seed + 1000 * Math.floor(r / configs.length) };
  });
  const { pairs, method } = buildGroup(group, group.map((c) => resolveData(c)));
  const opts = loopOptions(group);
  const stepper = createStepper(method, group.map((c, r) => ({ source: pairs[r].source, target: pairs[r].target, seed: c.seed })), opts);
  try {
    return use(() => stepper.outer());
  } finally {
    stepper.dispose();
    disposeMethod(method);
  }
}

/** The group size for n cells from t(1) and t(p) (see MAX_GROUP). */
export function chooseGroupSize(n: number, timings: readonly GroupTiming[], jobs: number): number {
  const one = timings.find((t) => t.runs === 1);
  const probe = timings.filter((t) => t.runs > 1).sort((p, q) => q.runs - p.runs)[0];
  if (n <= 1 || !one || !probe) return 1;
  if ((probe.runs * one.msPerOuter) / probe.msPerOuter < MIN_GAIN) return 1;
  const { a, b } = linearCost(timings);
  const wanted = b > 0 ? Math.ceil((10 * a) / b) : MAX_GROUP;
  return Math.max(2, Math.min(wanted, MAX_GROUP, n, Math.ceil(n / Math.max(1, jobs))));
}

/** a and b of t(R) = a + b·R from the smallest and largest measured sizes. */
function linearCost(timings: readonly GroupTiming[]): { a: number; b: number } {
  const sorted = [...timings].sort((p, q) => p.runs - q.runs);
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (hi.runs === lo.runs) return { a: 0, b: lo.msPerOuter / lo.runs };
  const b = Math.max(0, (hi.msPerOuter - lo.msPerOuter) / (hi.runs - lo.runs));
  return { a: Math.max(0, lo.msPerOuter - b * lo.runs), b };
}

/** Milliseconds per outer iteration of a group of `runs`: measured when it was, else from the linear model. */
function groupCost(timings: readonly GroupTiming[], runs: number): number {
  const measured = timings.find((t) => t.runs === runs);
  if (measured) return measured.msPerOuter;
  const { a, b } = linearCost(timings);
  return a + b * runs;
}

/** n cells split into groups of at most `size`, as even as possible, in order. */
function split<T>(items: readonly T[], size: number): T[][] {
  const count = Math.ceil(items.length / size);
  const out: T[][] = [];
  let at = 0;
  for (let g = 0; g < count; g++) {
    const take = Math.ceil((items.length - at) / (count - g));
    out.push(items.slice(at, at + take));
    at += take;
  }
  return out;
}

/**
 * Groups cells into batched runs: cells that share a groupKey (build.ts) train together, in groups sized by the
 * cost model measured now (timings cost a few seconds per shape of several cells; `measure: false` skips them and
 * keeps cells alone; `estimate: true` also times shapes of one cell, for the estimate). Cells keep their order
 * within a shape.
 */
export async function planGroups(cells: readonly Cell[], options: { readonly jobs?: number; readonly measure?: boolean; readonly estimate?: boolean } = {}): Promise<ShapePlan[]> {
  const jobs = Math.max(1, options.jobs ?? 1);
  const byKey = new Map<string, Cell[]>();
  for (const c of cells) byKey.set(groupKey(c.config), [...(byKey.get(groupKey(c.config)) ?? []), c]);
  const forced = process.env.OTBOOK_GROUP_SIZE;
  const plans: ShapePlan[] = [];
  for (const shape of byKey.values()) {
    const configs = shape.map((c) => c.config);
    const timings: GroupTiming[] = [];
    if (options.measure !== false && (shape.length > 1 || options.estimate)) {
      timings.push({ runs: 1, msPerOuter: await timeGroup(configs, 1) });
      if (shape.length > 1 && forced === undefined) {
        const p = Math.min(shape.length, PROBE_RUNS);
        timings.push({ runs: p, msPerOuter: await timeGroup(configs, p) });
      }
    }
    const fixed = forced !== undefined && Number.isInteger(Number(forced)) && Number(forced) >= 1 ? Math.min(Number(forced), shape.length) : null;
    const size = fixed ?? (options.measure === false ? 1 : chooseGroupSize(shape.length, timings, jobs));
    const groups = split(shape, size);
    // The estimate of the largest group: measure it when the model would otherwise extrapolate.
    const largest = groups[0].length;
    if (options.measure !== false && largest > 1 && !timings.some((t) => t.runs === largest)) {
      timings.push({ runs: largest, msPerOuter: await timeGroup(configs, largest) });
    }
    plans.push({
      key: shapeKey(configs[0]),
      cells: shape,
      iterations: configs[0].iterations,
      timings,
      groups,
      groupMs: timings.length ? groups.map((g) => groupCost(timings, g.length)) : groups.map(() => NaN),
    });
  }
  return plans;
}

/** `otbook run X --dry-run`: groups the selected cells as the sweep will, with its measured cost. */
export async function estimateExperiment(experiment: Experiment, scale: Scale, selection: CellSelection & { readonly jobs?: number } = {}): Promise<Estimate> {
  const backend = await selectBackend({ announce: false });
  const cells: Cell[] = selectCells(experiment.cells(scale), selection);
  const reusable = ReusableRuns.forSweep();
  const reused = cells.flatMap((c) => {
    const from = reusable.find(c.config);
    return from ? [{ id: c.id, from }] : [];
  });
  const shapes = await planGroups(cells.filter((c) => reusable.find(c.config) === undefined), { jobs: selection.jobs, estimate: true });
  const totalSeconds = shapes.reduce((s, p) => s + p.groupMs.reduce((q, ms) => q + (ms * p.iterations) / 1000, 0), 0);
  return { experiment: experiment.name, scale, cells: cells.length, ids: cells.map((c) => c.id), reused, backend: backend.choice, jobs: Math.max(1, selection.jobs ?? 1), shapes, totalSeconds };
}

export function duration(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 2 * 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

/** The grouping of a shape in words: "2 groups of 12" or "24 runs alone". */
function describeGroups(p: ShapePlan): string {
  const sizes = [...new Set(p.groups.map((g) => g.length))].sort((a, b) => b - a);
  if (sizes.length === 1 && sizes[0] === 1) return `${p.groups.length} run${p.groups.length > 1 ? 's' : ''} alone`;
  return `${p.groups.length} group${p.groups.length > 1 ? 's' : ''} of ${sizes.join(' or ')}`;
}

export function formatEstimate(e: Estimate): string {
  const rows = e.shapes.flatMap((p) => {
    const one = p.timings.find((t) => t.runs === 1);
    const measured = p.timings
      .map((t) => `${t.runs === 1 ? '1 run' : `${t.runs} runs`} ${t.msPerOuter.toFixed(1)} ms/outer${t.runs > 1 && one ? ` (${((t.runs * one.msPerOuter) / t.msPerOuter).toFixed(1)}× per run)` : ''}`)
      .join('; ');
    const seconds = p.groupMs.reduce((s, ms) => s + (ms * p.iterations) / 1000, 0);
    return [
      `  ${p.key}: ${p.cells.length} cells × ${p.iterations} outer iterations`,
      `    measured: ${measured}`,
      `    → ${describeGroups(p)}: ${duration(seconds)} (${p.groups.map((g) => `[${g.map((c) => c.id).join(' ')}]`).join(' ')})`,
    ];
  });
  const groups = e.shapes.reduce((s, p) => s + p.groups.length, 0);
  const load = loadavg()[0];
  const reused = e.reused.length
    ? [`  ${e.reused.length} cell${e.reused.length === 1 ? '' : 's'} reuse a completed run of the same configuration (copied, not trained): ${[...new Set(e.reused.map((r) => dirname(r.from)))].join(', ')}`]
    : [];
  return [
    `otbook run ${e.experiment} --scale ${e.scale}: ${e.cells - e.reused.length} of ${e.cells} cells to train, in ${groups} group${groups === 1 ? '' : 's'} of batched runs, CPU time measured now on this machine (backend ${e.backend}; load average ${load.toFixed(1)} on ${cpus().length} cores: wall time is longer while other processes hold the cores):`,
    ...reused,
    ...rows,
    `  total training time, one process: ${duration(e.totalSeconds)}${e.jobs > 1 ? `; --jobs ${e.jobs}: at best ${duration(e.totalSeconds / e.jobs)} if ${e.jobs} cores are free` : '; with N machines or --jobs N, at best about 1/N of that'} (evaluation adds a few seconds per cell)`,
    `  cells (for --cells): ${e.ids.join(',')}`,
    '',
  ].join('\n');
}
