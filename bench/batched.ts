/**
 * Batched runs (issue 15, lib/runs.ts): milliseconds per run per outer iteration of Algorithm 1 against the group
 * size R, for the workloads of the paper's sweeps, beside the same R runs in PyTorch as a PyTorch user would
 * launch them (bench/torch_runs.py: a loop over runs in one process with 1 or 2 BLAS threads, or R separate
 * processes at once). Part of `npm run bench` (bench/run.ts); rows go to bench/results.json under `batched`.
 *
 * Our groups are timed by the same function as the sweeps' cost model (lib/experiments/estimate.ts: timeGroup),
 * on the configurations the sweeps train (resolveConfig: App. E.1's OTM, DIOTM's 2-D defaults).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { resolveConfig } from '../lib/experiments/defaults';
import { timeGroup } from '../lib/experiments/estimate';
import type { TrainConfig } from '../lib/experiments/config';

export interface BatchedWorkload {
  readonly name: string;
  /** bench/torch_runs.py --workload. */
  readonly torch: string;
  readonly config: TrainConfig;
}

/** App. E.1's OTM at (d, h) = (2, 256), (16, 1024), (64, 1024) on One-to-Many, and DIOTM's 2-D networks (G8G, HJB). */
export function batchedWorkloads(): BatchedWorkload[] {
  const otm = (d: number): BatchedWorkload => {
    const config = resolveConfig({ method: 'otm', pair: 'one-to-many', dim: d });
    return { name: `otm d=${d}/h=${config.map.hidden[0]}`, torch: `mlp:${d}x${config.map.hidden[0]}`, config };
  };
  return [otm(2), otm(16), otm(64), { name: 'diotm 2-D (width 128, HJB)', torch: 'diotm', config: resolveConfig({ method: 'diotm', pair: 'g8g' }) }];
}

export const GROUP_SIZES: readonly number[] = [1, 3, 8, 24];

export interface BatchedRow {
  readonly workload: string;
  readonly runs: number;
  readonly impl: 'otbook-group' | 'torch-loop' | 'torch-processes';
  readonly threads: number;
  /** Milliseconds per outer iteration of all R runs together (median). */
  readonly ms_per_outer: number;
  readonly ms_per_run: number;
}

function torchScript(): string {
  return path.join(__dirname, 'torch_runs.py');
}

function torchEnv(threads: number): NodeJS.ProcessEnv {
  return { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: String(threads) };
}

/** R runs stepped in turn by one Python process. */
function torchLoop(python: string, w: BatchedWorkload, runs: number, threads: number, iters: number): number | null {
  const r = spawnSync(python, [torchScript(), '--workload', w.torch, '--runs', String(runs), '--threads', String(threads), '--iters', String(iters)], { encoding: 'utf8', env: torchEnv(threads) });
  if (r.status !== 0) {
    process.stderr.write(`torch loop failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}\n`);
    return null;
  }
  return (JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { ms_per_outer_median: number }).ms_per_outer_median;
}

/**
 * R single-run Python processes, started together (each waits for a common start time after its warm-up):
 * the R runs' outer iteration takes the wall time of the slowest process divided by its iterations.
 */
async function torchProcesses(python: string, w: BatchedWorkload, runs: number, iters: number): Promise<number | null> {
  // Time enough for every process to import torch and warm up before the common start (≈ 1.5 s of CPU each).
  const startAt = Date.now() / 1000 + 4 + 0.8 * runs;
  const results = await Promise.all(
    Array.from({ length: runs }, (_, k) =>
      new Promise<{ start: number; end: number } | null>((resolve) => {
        const child = spawn(python, [torchScript(), '--workload', w.torch, '--runs', '1', '--threads', '1', '--iters', String(iters), '--seed', String(k), '--start-at', String(startAt)], { env: torchEnv(1) });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.on('close', (code) => resolve(code === 0 ? (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { start: number; end: number }) : null));
      }),
    ),
  );
  if (results.some((r) => r === null)) return null;
  const done = results as Array<{ start: number; end: number }>;
  if (done.some((r) => r.start > startAt + 1)) process.stderr.write(`torch processes (${w.name}, R=${runs}): some started late; the figure is pessimistic for torch\n`);
  return ((Math.max(...done.map((r) => r.end)) - startAt) * 1000) / iters;
}

/** Every workload × group size: ours, then torch (loop with 1 and 2 threads, separate processes). */
export async function runBatchedBenchmark(o: { readonly quick: boolean; readonly torch: boolean; readonly python: string; readonly sizes?: readonly number[] }): Promise<BatchedRow[]> {
  const rows: BatchedRow[] = [];
  const iters = o.quick ? 3 : 5;
  for (const w of batchedWorkloads()) {
    for (const runs of o.sizes ?? GROUP_SIZES) {
      const add = (impl: BatchedRow['impl'], threads: number, ms: number | null) => {
        if (ms === null) return;
        rows.push({ workload: w.name, runs, impl, threads, ms_per_outer: ms, ms_per_run: ms / runs });
        process.stderr.write(`  ${w.name} R=${runs} ${impl}/${threads}: ${ms.toFixed(1)} ms per outer, ${(ms / runs).toFixed(2)} per run\n`);
      };
      const configs = Array.from({ length: runs }, (_, r) => ({ ...w.config, seed: r }));
      add('otbook-group', 1, await timeGroup(configs, runs));
      if (!o.torch) continue;
      for (const threads of [1, 2]) add('torch-loop', threads, torchLoop(o.python, w, runs, threads, iters));
      add('torch-processes', 1, await torchProcesses(o.python, w, runs, iters));
    }
  }
  return rows;
}

/** The table: per run per outer iteration, and ours against R = 1 and against the best torch launch. */
export function formatBatched(rows: readonly BatchedRow[]): string {
  const lines = [`${'workload'.padEnd(28)} ${'R'.padStart(3)}  ${'otbook ms/run'.padStart(13)}  ${'vs R=1'.padStart(7)}  ${'torch loop 1t'.padStart(13)}  ${'loop 2t'.padStart(8)}  ${'processes'.padStart(9)}  ours / best torch`];
  for (const w of [...new Set(rows.map((r) => r.workload))]) {
    const one = rows.find((r) => r.workload === w && r.runs === 1 && r.impl === 'otbook-group');
    for (const runs of [...new Set(rows.filter((r) => r.workload === w).map((r) => r.runs))]) {
      const get = (impl: BatchedRow['impl'], threads = 1) => rows.find((r) => r.workload === w && r.runs === runs && r.impl === impl && r.threads === threads);
      const ours = get('otbook-group');
      const torch = [get('torch-loop', 1), get('torch-loop', 2), get('torch-processes')];
      const best = Math.min(...torch.filter((t): t is BatchedRow => t !== undefined).map((t) => t.ms_per_run));
      const cell = (r: BatchedRow | undefined, width: number) => (r ? r.ms_per_run.toFixed(2) : '-').padStart(width);
      lines.push(
        `${w.padEnd(28)} ${String(runs).padStart(3)}  ${cell(ours, 13)}  ${(ours && one ? `${(one.ms_per_run / ours.ms_per_run).toFixed(1)}×` : '-').padStart(7)}  ${cell(torch[0], 13)}  ${cell(torch[1], 8)}  ${cell(torch[2], 9)}  ${ours && Number.isFinite(best) ? (ours.ms_per_run / best).toFixed(2) : '-'}`,
      );
    }
  }
  return `${lines.join('\n')}\n(ms per run per outer iteration: 1 potential step + K_T map steps; medians; 'vs R=1': our single run's time over our time per run in the group; 'ours / best torch': below 1, ours is faster)\n`;
}
