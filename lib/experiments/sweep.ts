import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Scale } from './scale';
import { repoRoot } from '../paths';
import type { RunMetrics } from './evaluate';
import { getExperiment, selectCells, type Cell } from './registry';
import { selectBackend } from '../backend';
import { planGroups } from './estimate';
import { configHash, readRunRecord, trainGroup, writeJsonAtomic, type RunRecord } from './runner';

export { indexCompletedRuns } from './reuse';
import { ensureDirectory } from './run-folder';
import { ReusableRuns } from './reuse';
import { decodeSweepEvent, writeSweepEvent, type SweepEvent } from './progress';
import { applySettings, settingsFlags, type CellSettings } from './settings';

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
  /** Settings changed for every cell (lib/experiments/settings.ts); unset or unedited, the registered cells run. */
  readonly settings?: CellSettings;
}

export const missingResult = (cell: Cell): CellResult => ({ id: cell.id, factors: cell.factors, status: 'missing' });

export function cellResult(cell: Cell, dir: string): CellResult {
  const r = readRunRecord(join(dir, cell.id));
  if (!r || r.configHash !== configHash(cell.config)) return missingResult(cell);
  return { id: cell.id, factors: cell.factors, status: r.status, divergedAt: r.divergedAt, trainSeconds: r.trainSeconds, metrics: r.metrics, backend: r.backend.choice, from: dir };
}

/**
 * Reads what exists of an experiment's results (cells not run yet are 'missing'). Given several folders, each
 * cell comes from the first that holds a run of the cell's configuration: a user's own runs, then the runs
 * the repository ships (data/runs), so a stale or foreign record never stands in for a cell.
 */
export function readResults(experiment: string, scale: Scale, dirs: string | readonly string[], settings?: CellSettings): CellResult[] {
  const list = typeof dirs === 'string' ? [dirs] : dirs;
  return applySettings(getExperiment(experiment).cells(scale), settings).map((c) => list.map((dir) => cellResult(c, dir)).find((r) => r.status !== 'missing') ?? missingResult(c));
}

/** The batched groups of a sweep as the parent process planned them (DIR/.claims/groups.json for --jobs workers). */
interface GroupFile {
  readonly groups: ReadonlyArray<readonly string[]>;
}

/**
 * `otbook run`: runs an experiment's cells (or one shard of them) into DIR/<cell id>/. Cells that can train as
 * one computation (the same groupKey, build.ts) are grouped into batched runs sized by the cost model measured now
 * (estimate.ts: planGroups); each cell still gets its own run folder, with the numbers it gets alone. Runs are
 * resumable and a finished cell with the same configuration is not run again, so an interrupted sweep continues
 * where it stopped. Notebooks call this too, so they and the command line share one code path.
 */
export async function runExperiment(name: string, options: SweepOptions): Promise<CellResult[]> {
  const experiment = getExperiment(name);
  const all = applySettings(experiment.cells(options.scale), options.settings);
  const mine = selectCells(all, options);
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  ensureDirectory(options.out, '--out');
  writeJsonAtomic(join(options.out, 'experiment.json'), { name, title: experiment.title, source: experiment.source, scale: options.scale, cells: all.map((c) => c.id) });
  const jobs = Math.max(1, options.jobs ?? 1);
  // The backend before the cost model's timings (they must run on the kernels the sweep will use).
  await selectBackend();
  const claims = join(options.out, '.claims');
  const plan = join(claims, 'groups.json');
  if (jobs > 1) {
    // A fresh queue: claims left by an interrupted sweep would hide unfinished cells. The parent plans the groups
    // once (a measured cost model) and the workers take them in order.
    rmSync(claims, { recursive: true, force: true });
    mkdirSync(claims, { recursive: true });
    const groups = await planSweep(mine, options.out, jobs, log, ReusableRuns.forSweep(options.out));
    writeJsonAtomic(plan, { groups: groups.map((g) => g.map((c) => c.id)) } satisfies GroupFile);
    await Promise.all(Array.from({ length: jobs }, (_, k) => runWorker(name, options, k, jobs, log)));
    rmSync(claims, { recursive: true, force: true });
    return mine.map((c) => cellResult(c, options.out));
  }
  const reusable = ReusableRuns.forSweep(options.out);
  const groups = options.queue ? readPlannedGroups(plan, mine) : await planSweep(mine, options.out, 1, log, reusable);
  const handled = new Set<string>();
  // A queue worker started by a sweep with a progress display sends its events to the parent (runWorker relays them).
  const progress = options.progress ?? (options.queue && process.env.OTBOOK_PROGRESS === 'events' ? writeSweepEvent : undefined);
  let done = 0;
  for (const [g, group] of groups.entries()) {
    if (options.signal?.aborted) break;
    if (options.queue && !claim(claims, `group-${g}`)) continue; // another worker has it
    const toTrain: Cell[] = [];
    for (const cell of group) {
      done++;
      handled.add(cell.id);
      const existing = cellResult(cell, options.out);
      if (isFinished(existing)) {
        log(`[${done}/${mine.length}] ${cell.id}: ${existing.status} (kept)`);
        progress?.({ kind: 'cell-end', cell: cell.id, status: existing.status, trained: false, seconds: 0 });
        continue;
      }
      const reused = reusable.find(cell.config);
      if (reused) {
        const from = reusable.copy(reused, join(options.out, cell.id));
        log(`[${done}/${mine.length}] ${cell.id}: completed (${from})`);
        progress?.({ kind: 'cell-end', cell: cell.id, status: 'completed', trained: false, seconds: 0 });
        continue;
      }
      toTrain.push(cell);
    }
    if (toTrain.length === 0) continue;
    const t0 = Date.now();
    const label = toTrain.length > 1 ? `[group ${g + 1}/${groups.length}: ${toTrain.length} runs] ${toTrain[0].id} …` : `[${done}/${mine.length}] ${toTrain[0].id}`;
    for (const cell of toTrain) progress?.({ kind: 'cell-start', cell: cell.id });
    const outcomes = await trainGroup(
      toTrain.map((c) => ({ config: c.config, dir: join(options.out, c.id) })),
      {
        resume: true,
        label,
        quiet: process.env.OTBOOK_PROGRESS === 'off' || progress !== undefined,
        signal: options.signal,
        // The runs of a group advance together: each of its cells gets the group's iteration.
        onProgress: progress && ((p) => toTrain.forEach((c) => progress({ kind: 'iteration', cell: c.id, iteration: p.iteration, total: p.total, itPerSecond: p.itPerSecond, etaSeconds: p.etaSeconds }))),
      },
    );
    const seconds = (Date.now() - t0) / 1000;
    toTrain.forEach((cell, i) => {
      const { record } = outcomes[i];
      log(`[${mine.indexOf(cell) + 1}/${mine.length}] ${cell.id}: ${record.status}${record.divergedAt !== undefined ? ` at iteration ${record.divergedAt}` : ''} (${seconds.toFixed(0)} s${toTrain.length > 1 ? `, in a group of ${toTrain.length}` : ''})`);
      progress?.({ kind: 'cell-end', cell: cell.id, status: record.status, trained: true, seconds });
    });
  }
  // A queue worker answers for the cells it took; the others are another worker's.
  if (options.queue) return mine.filter((c) => handled.has(c.id)).map((c) => cellResult(c, options.out));
  return mine.map((c) => cellResult(c, options.out));
}

/**
 * The sweep's groups: cells to train are grouped by the cost model (estimate.ts); cells finished in `out` or with a
 * completed run to reuse stay alone (they are only kept or copied). OTBOOK_GROUP_SIZE=1 trains every cell alone.
 */
async function planSweep(cells: readonly Cell[], out: string, jobs: number, log: (l: string) => void, reusable: ReusableRuns): Promise<Cell[][]> {
  const open = cells.filter((c) => !isFinished(cellResult(c, out)) && reusable.find(c.config) === undefined);
  const shapes = await planGroups(open, { jobs, measure: open.length > 1 && process.env.OTBOOK_GROUP_SIZE === undefined });
  const grouped = shapes.flatMap((p) => p.groups.map((g) => [...g]));
  for (const p of shapes) {
    const why = p.timings.length ? `measured: ${p.timings.map((t) => `${t.runs} → ${t.msPerOuter.toFixed(1)} ms/outer`).join(', ')}` : 'size set by OTBOOK_GROUP_SIZE';
    if (p.groups.some((g) => g.length > 1)) log(`batched runs: ${p.key}: ${p.groups.map((g) => g.length).join(' + ')} runs (${why})`);
  }
  const inGroups = new Set(grouped.flat().map((c) => c.id));
  return [...cells.filter((c) => !inGroups.has(c.id)).map((c) => [c]), ...grouped];
}

/** A worker's copy of the parent's groups (cells of this shard only). */
function readPlannedGroups(file: string, cells: readonly Cell[]): Cell[][] {
  const byId = new Map(cells.map((c) => [c.id, c]));
  if (!existsSync(file)) return cells.map((c) => [c]);
  const planned = JSON.parse(readFileSync(file, 'utf8')) as GroupFile;
  return planned.groups.map((ids) => ids.map((id) => byId.get(id)).filter((c): c is Cell => c !== undefined)).filter((g) => g.length > 0);
}

/** Claims a cell or group for this worker: an exclusive create, which exactly one process wins. */
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
 * Worker k of `jobs`: it walks the planned groups in order and runs every one it can claim, so a worker that
 * finishes a cheap group takes the next one (groups differ in cost by 10× and more).
 */
function runWorker(name: string, options: SweepOptions, k: number, jobs: number, log: (l: string) => void): Promise<void> {
  const shard = options.shard ? `${options.shard.index}/${options.shard.count}` : '1/1';
  const bin = join(repoRoot(), 'bin', 'otbook.js');
  return new Promise((resolvePromise, reject) => {
    const only = options.cells ? ['--cells', options.cells.join(',')] : [];
    const child = spawn(process.execPath, [bin, 'run', name, '--scale', options.scale, '--shard', shard, ...only, '--queue', ...settingsFlags(options.settings), '--out', resolve(options.out)], {
      env: { ...process.env, OTBOOK_PROGRESS: options.progress ? 'events' : 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reason = '';
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
          else if (!reason && /error/i.test(line)) reason = line.trim(); // a failing worker's own message, for the error below
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
      else reject(new Error(`worker ${k + 1}/${jobs} (shard ${shard}) exited with ${code}${reason ? `: ${reason}` : ''}`));
    });
  });
}
