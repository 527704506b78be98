import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Scale } from './scale';
import { UserError } from '../errors';
import { paths, repoRoot } from '../paths';
import type { RunMetrics } from './evaluate';
import { getExperiment, selectCells, type Cell } from './registry';
import { configHash, readRunRecord, runTraining, writeJsonAtomic, type RunRecord } from './runner';
import { decodeSweepEvent, writeSweepEvent, type SweepEvent } from './progress';

/** One row of an experiment's results: a cell and what its run recorded. */
export interface CellResult {
  readonly id: string;
  readonly factors: Readonly<Record<string, string | number>>;
  readonly status: RunRecord['status'] | 'missing';
  readonly divergedAt?: number;
  readonly trainSeconds?: number;
  readonly metrics?: RunMetrics;
  readonly backend?: string;
  /** The folder the cell's record was read from (absent when missing). */
  readonly from?: string;
}

/** A run that ended, completed or diverged: a sweep keeps it rather than retraining, and reports count it. */
export function isFinished(r: Pick<CellResult, 'status'>): boolean {
  return r.status === 'completed' || r.status === 'diverged';
}

export interface SweepOptions {
  readonly scale: Scale;
  readonly out: string;
  readonly shard?: { index: number; count: number };
  /** Only these cells (ids as in DIR/<cell id>/), before sharding. */
  readonly cells?: readonly string[];
  /** Worker processes on this machine; they take cells from a shared queue (claim files in DIR/.claims). */
  readonly jobs?: number;
  /** Set in worker processes: run the cells of this shard that no other worker has claimed. */
  readonly queue?: boolean;
  readonly log?: (line: string) => void;
  /** When it aborts, the running cell writes a checkpoint and the sweep stops (workers are asked to stop too). */
  readonly signal?: AbortSignal;
  /**
   * Called as cells start, advance and end, here or in the workers (whose events are relayed): a caller's progress
   * display (lib/experiments/progress.ts, SweepProgress). Given, it replaces the runs' own progress lines.
   */
  readonly progress?: (event: SweepEvent) => void;
}

const missingResult = (cell: Cell): CellResult => ({ id: cell.id, factors: cell.factors, status: 'missing' });

function cellResult(cell: Cell, dir: string): CellResult {
  const r = readRunRecord(join(dir, cell.id));
  if (!r || r.configHash !== configHash(cell.config)) return missingResult(cell);
  return { id: cell.id, factors: cell.factors, status: r.status, divergedAt: r.divergedAt, trainSeconds: r.trainSeconds, metrics: r.metrics, backend: r.backend.choice, from: dir };
}

/**
 * Reads what exists of an experiment's results (cells not run yet are 'missing'). Given several folders, each
 * cell comes from the first that holds a run of the cell's configuration: a user's own runs, then the runs
 * the repository ships (data/runs), so a stale or foreign record never stands in for a cell.
 */
export function readResults(experiment: string, scale: Scale, dirs: string | readonly string[]): CellResult[] {
  const list = typeof dirs === 'string' ? [dirs] : dirs;
  return getExperiment(experiment).cells(scale).map((c) => list.map((dir) => cellResult(c, dir)).find((r) => r.status !== 'missing') ?? missingResult(c));
}

/**
 * `otbook run`: runs an experiment's cells (or one shard of them) into DIR/<cell id>/. Runs are resumable and
 * a finished cell with the same configuration is not run again, so an interrupted sweep continues where it
 * stopped. Notebooks call this too, so they and the command line share one code path.
 */
export async function runExperiment(name: string, options: SweepOptions): Promise<CellResult[]> {
  const experiment = getExperiment(name);
  const all = experiment.cells(options.scale);
  const mine = selectCells(all, options);
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  mkdirSync(options.out, { recursive: true });
  writeJsonAtomic(join(options.out, 'experiment.json'), { name, title: experiment.title, source: experiment.source, scale: options.scale, cells: all.map((c) => c.id) });
  const jobs = Math.max(1, options.jobs ?? 1);
  const claims = join(options.out, '.claims');
  if (jobs > 1) {
    // A fresh queue: claims left by an interrupted sweep would hide unfinished cells.
    rmSync(claims, { recursive: true, force: true });
    mkdirSync(claims, { recursive: true });
    await Promise.all(Array.from({ length: jobs }, (_, k) => runWorker(name, options, k, jobs, log)));
    rmSync(claims, { recursive: true, force: true });
  } else {
    let done = 0;
    const completed = indexCompletedRuns([options.out, paths.results()]);
    const handled = new Set<string>();
    // A queue worker started by a sweep with a progress display sends its events to the parent (runWorker relays them).
    const progress = options.progress ?? (options.queue && process.env.OTBOOK_PROGRESS === 'events' ? writeSweepEvent : undefined);
    for (const cell of mine) {
      if (options.signal?.aborted) break;
      done++;
      if (options.queue && !claim(claims, cell.id)) continue; // another worker has it
      handled.add(cell.id);
      const existing = cellResult(cell, options.out);
      if (isFinished(existing)) {
        log(`[${done}/${mine.length}] ${cell.id}: ${existing.status} (kept)`);
        progress?.({ kind: 'cell-end', cell: cell.id, status: existing.status, trained: false, seconds: 0 });
        continue;
      }
      const reused = completed.get(configHash(cell.config));
      if (reused) {
        copyRun(reused, join(options.out, cell.id));
        log(`[${done}/${mine.length}] ${cell.id}: completed (the same configuration was already trained in ${reused})`);
        progress?.({ kind: 'cell-end', cell: cell.id, status: 'completed', trained: false, seconds: 0 });
        continue;
      }
      const t0 = Date.now();
      progress?.({ kind: 'cell-start', cell: cell.id });
      const { record } = await runTraining(cell.config, join(options.out, cell.id), {
        resume: true,
        label: `[${done}/${mine.length}] ${cell.id}`,
        quiet: process.env.OTBOOK_PROGRESS === 'off' || progress !== undefined,
        signal: options.signal,
        onProgress: progress && ((p) => progress({ kind: 'iteration', cell: cell.id, iteration: p.iteration, total: p.total, itPerSecond: p.itPerSecond, etaSeconds: p.etaSeconds })),
      });
      log(`[${done}/${mine.length}] ${cell.id}: ${record.status}${record.divergedAt !== undefined ? ` at iteration ${record.divergedAt}` : ''} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      progress?.({ kind: 'cell-end', cell: cell.id, status: record.status, trained: true, seconds: (Date.now() - t0) / 1000 });
    }
    // A queue worker answers for the cells it took; the others are another worker's.
    if (options.queue) return mine.filter((c) => handled.has(c.id)).map((c) => cellResult(c, options.out));
  }
  return mine.map((c) => cellResult(c, options.out));
}

/** Claims a cell for this worker: an exclusive create, which exactly one process wins. */
function claim(dir: string, id: string): boolean {
  try {
    closeSync(openSync(join(dir, id), 'wx'));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Worker k of `jobs`: it walks this machine's shard in order and runs every cell it can claim, so a worker that
 * finishes a cheap cell takes the next one (cells differ in cost by 10× and more).
 */
function runWorker(name: string, options: SweepOptions, k: number, jobs: number, log: (l: string) => void): Promise<void> {
  const shard = options.shard ? `${options.shard.index}/${options.shard.count}` : '1/1';
  const bin = join(repoRoot(), 'bin', 'otbook.js');
  return new Promise((resolvePromise, reject) => {
    const only = options.cells ? ['--cells', options.cells.join(',')] : [];
    const child = spawn(process.execPath, [bin, 'run', name, '--scale', options.scale, '--shard', shard, ...only, '--queue', '--out', resolve(options.out)], {
      env: { ...process.env, OTBOOK_PROGRESS: options.progress ? 'events' : 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Lines may arrive split across chunks: keep the unfinished tail of each stream for the next chunk.
    const relay = () => {
      let tail = '';
      return (b: Buffer) => {
        const lines = (tail + b.toString()).split('\n');
        tail = lines.pop() ?? '';
        for (const line of lines) {
          const event = decodeSweepEvent(line);
          if (event) options.progress?.({ ...event, worker: k + 1 });
          else if (line.startsWith('[')) log(`worker ${k + 1}/${jobs} ${line}`);
        }
      };
    };
    child.stdout.on('data', relay());
    child.stderr.on('data', relay());
    const stop = () => child.kill('SIGINT');
    options.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', stop);
      // 3: a cell diverged (recorded in its metrics.json); 130: interrupted on request (checkpoint written).
      if (code === 0 || code === 3 || (code === 130 && options.signal?.aborted)) resolvePromise();
      else reject(new Error(`worker ${k + 1}/${jobs} (shard ${shard}) exited with ${code}`));
    });
  });
}

/**
 * `otbook merge`: combines the results of shards run in several folders (machines) into one folder, and
 * returns the experiment's full table. Cells found in several folders must agree (same configuration).
 */
export function mergeShards(dirs: readonly string[], out: string): { experiment: string; scale: Scale; results: CellResult[] } {
  if (dirs.length === 0) throw new UserError('merge: give at least one results folder');
  const metas = dirs.map((d) => {
    const f = join(d, 'experiment.json');
    if (!existsSync(f)) throw new UserError(`merge: ${d} holds no experiment.json (not an otbook run folder)`);
    return JSON.parse(readFileSync(f, 'utf8')) as { name: string; scale: Scale };
  });
  const { name, scale } = metas[0];
  for (const [i, m] of metas.entries()) {
    if (m.name !== name || m.scale !== scale) throw new UserError(`merge: ${dirs[i]} holds ${m.name} at scale ${m.scale}, not ${name} at ${scale}`);
  }
  const cells = getExperiment(name).cells(scale);
  mkdirSync(out, { recursive: true });
  const results = cells.map((cell) => {
    const found = dirs.map((dir) => ({ dir, result: cellResult(cell, dir) })).filter((f) => f.result.status !== 'missing');
    const best = found.find((f) => f.result.status === 'completed') ?? found[0];
    if (!best) return missingResult(cell);
    copyRun(join(best.dir, cell.id), join(out, cell.id));
    return best.result;
  });
  writeJsonAtomic(join(out, 'experiment.json'), { ...metas[0], mergedFrom: dirs });
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return { experiment: name, scale, results };
}

/**
 * Completed runs under the roots, by configuration hash (searched three levels deep: the layout
 * results/<experiment>/<scale>/<cell>). Experiments that share cells (Table 3's OTP cells are Table 1's) then
 * train them once.
 */
export function indexCompletedRuns(roots: readonly string[]): Map<string, string> {
  const index = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (dir: string, depth: number): void => {
    const real = resolve(dir);
    if (seen.has(real) || !existsSync(dir)) return;
    seen.add(real);
    const record = readRunRecord(dir);
    if (record) {
      if (record.status === 'completed' && !index.has(record.configHash)) index.set(record.configHash, dir);
      return;
    }
    if (depth === 0) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) visit(join(dir, e.name), depth - 1);
  };
  for (const root of roots) visit(root, 3);
  return index;
}

function copyRun(from: string, to: string): void {
  if (resolve(from) === resolve(to)) return;
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) writeFileSync(join(to, f), readFileSync(join(from, f)));
}
