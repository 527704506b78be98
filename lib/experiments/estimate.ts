import { selectBackend } from '../backend';
import type { Scale } from './scale';
import { disposeMethod, train } from '../solvers';
import { buildRun, trainOptions } from './build';
import type { TrainConfig } from './config';
import { selectCells, type Cell, type CellSelection, type Experiment } from './registry';

export interface ShapeTiming {
  readonly key: string;
  readonly msPerOuter: number;
  readonly cells: number;
  readonly iterations: number;
}

export interface Estimate {
  readonly experiment: string;
  readonly scale: Scale;
  readonly cells: number;
  /** The selected cells' ids, as --cells takes them. */
  readonly ids: readonly string[];
  readonly backend: string;
  readonly timings: readonly ShapeTiming[];
  /** Training seconds of all the cells run one after another on this machine. */
  readonly totalSeconds: number;
}

/** What decides the cost of an outer iteration. */
function shapeKey(c: TrainConfig): string {
  return [c.method, `d${c.dim}`, c.potential.kind, c.potential.hidden.join('x'), c.map.kind, c.map.hidden.join('x'), `z${c.map.noiseDim}`, `B${c.batchSize}`, `KT${c.innerSteps}`, c.not ? `Z${c.not.zSize}` : '', c.lambda > 0 ? 'reg' : ''].filter(Boolean).join(' ');
}

/** Times a few outer iterations of a configuration (after warm-up), in ms per outer iteration. */
async function timeShape(config: TrainConfig): Promise<number> {
  const warm = 2;
  const timed = config.dim >= 128 ? 3 : 8;
  const { pair, method } = buildRun({ ...config, iterations: warm + timed });
  try {
    let t0 = 0;
    let t1 = 0;
    await train(method, pair.source, pair.target, {
      ...trainOptions({ ...config, iterations: warm + timed, logEvery: 1 }),
      onLog: (row) => {
        if (row.iteration === warm) t0 = Date.now();
        if (row.iteration === warm + timed) t1 = Date.now();
      },
    });
    return (t1 - t0) / timed;
  } finally {
    disposeMethod(method);
  }
}

/** `otbook run X --dry-run`: measures each distinct network shape here and extrapolates to the grid. */
export async function estimateExperiment(experiment: Experiment, scale: Scale, selection: CellSelection = {}): Promise<Estimate> {
  const backend = await selectBackend({ announce: false });
  const cells: Cell[] = selectCells(experiment.cells(scale), selection);
  const groups = new Map<string, Cell[]>();
  for (const c of cells) {
    const k = shapeKey(c.config);
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const timings: ShapeTiming[] = [];
  let total = 0;
  for (const [key, group] of groups) {
    const ms = await timeShape(group[0].config);
    const iterations = group.reduce((s, c) => s + c.config.iterations, 0);
    timings.push({ key, msPerOuter: ms, cells: group.length, iterations });
    total += (ms * iterations) / 1000;
  }
  return { experiment: experiment.name, scale, cells: cells.length, ids: cells.map((c) => c.id), backend: backend.choice, timings, totalSeconds: total };
}

function duration(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 2 * 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

export function formatEstimate(e: Estimate): string {
  const rows = e.timings.map((t) => `  ${t.key.padEnd(58)} ${t.msPerOuter.toFixed(1).padStart(9)} ms/outer × ${String(t.iterations).padStart(8)} outer = ${duration((t.msPerOuter * t.iterations) / 1000)} (${t.cells} cells)`);
  return [
    `otbook run ${e.experiment} --scale ${e.scale}: ${e.cells} cells, timings measured now on this machine (backend ${e.backend}):`,
    ...rows,
    `  total training time, one process: ${duration(e.totalSeconds)}; with N machines or --jobs N, about 1/N of that (evaluation adds a few seconds per cell)`,
    `  cells (for --cells): ${e.ids.join(',')}`,
    '',
  ].join('\n');
}
