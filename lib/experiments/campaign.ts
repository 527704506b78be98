import Ajv from 'ajv';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNEL_PATCHES, loadNative } from '../backend/kernels';
import { UserError } from '../errors';
import { paths } from '../paths';
import { machineInfo, type MachineInfo } from '../versions';
import { estimateExperiment, shapeKey } from './estimate';
import type { RunSamples } from './evaluate';
import { SIGMA_SCHEDULE_AXES } from './grids';
import { getExperiment, type Cell } from './registry';
import { configHash, readRunConfig, readRunRecord, RUN_FILES, type RunRecord } from './runner';
import { isScale, type Scale } from './scale';
import { runFolderHolder, trainingRoot } from './run-folder';
import { runExperiment, type CellResult } from './sweep';

/**
 * The paper-scale campaign (issue 16): a committed, ordered plan of (experiment, scale, cells) that `otbook campaign
 * run` works through in the background, skipping what is shipped or finished, resuming what was interrupted, and
 * `otbook campaign ship` copies into data/runs so that a fresh clone's book renders from them.
 */

/** Cells of one experiment at one scale: by id, or by factors (every listed factor must take one of its values). */
export interface CampaignEntry {
  readonly experiment: string;
  readonly scale: Scale;
  readonly cells?: readonly string[];
  readonly where?: Readonly<Record<string, ReadonlyArray<string | number>>>;
}

export interface CampaignTier {
  readonly name: string;
  /** Why this tier comes where it does (the claim its runs decide). */
  readonly why: string;
  readonly entries: readonly CampaignEntry[];
}

/** data/campaign/plan.json. */
export interface CampaignPlan {
  readonly title: string;
  readonly tiers: readonly CampaignTier[];
}

const schema = {
  type: 'object',
  required: ['title', 'tiers'],
  additionalProperties: false,
  properties: {
    title: { type: 'string' },
    tiers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'why', 'entries'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          why: { type: 'string' },
          entries: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['experiment', 'scale'],
              additionalProperties: false,
              properties: {
                experiment: { type: 'string' },
                scale: { type: 'string', enum: ['smoke', 'quick', 'paper'] },
                cells: { type: 'array', items: { type: 'string' }, minItems: 1 },
                where: { type: 'object', additionalProperties: { type: 'array', minItems: 1, items: { type: ['string', 'number'] } } },
              },
            },
          },
        },
      },
    },
  },
} as const;
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

export const DEFAULT_PLAN = (): string => join(paths.repoData(), 'campaign', 'plan.json');

/** Reads and checks a plan: the schema, then that every experiment, scale and cell it names exists. */
export function readCampaignPlan(file: string = DEFAULT_PLAN()): CampaignPlan {
  if (!existsSync(file)) throw new UserError(`campaign plan ${file}: file not found`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`campaign plan ${file}: not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (!validate(raw)) {
    const e = validate.errors?.[0];
    throw new UserError(`campaign plan ${file}: ${e?.instancePath || '(top level)'} ${e?.message ?? 'is invalid'}`);
  }
  const plan = raw as unknown as CampaignPlan;
  for (const tier of plan.tiers) for (const entry of tier.entries) entryCells(entry, `${file}, tier '${tier.name}'`);
  return plan;
}

/** The cells an entry names, in the experiment's grid order. */
export function entryCells(entry: CampaignEntry, where = 'campaign plan'): Cell[] {
  if (!isScale(entry.scale)) throw new UserError(`${where}: scale '${entry.scale}' is not one of smoke, quick, paper`);
  const all = getExperiment(entry.experiment).cells(entry.scale);
  let cells = all;
  if (entry.cells) {
    const known = new Set(all.map((c) => c.id));
    const unknown = entry.cells.filter((id) => !known.has(id));
    if (unknown.length) throw new UserError(`${where}: ${entry.experiment} has no cell ${unknown.join(', ')} at scale ${entry.scale}`);
    const wanted = new Set(entry.cells);
    cells = cells.filter((c) => wanted.has(c.id));
  }
  for (const [factor, values] of Object.entries(entry.where ?? {})) {
    cells = cells.filter((c) => values.includes(c.factors[factor]));
  }
  if (cells.length === 0) throw new UserError(`${where}: the entry for ${entry.experiment} (${entry.scale}) selects no cell`);
  return cells;
}

/**
 * Where a cell of the plan stands. 'shipped': data/runs holds its finished run (and, for a 2-D run, its samples);
 * 'finished': results/ holds it, not shipped yet; 'partial': results/ holds an interrupted run (it resumes from its
 * checkpoint); 'pending': nothing yet.
 */
export type CellState = 'shipped' | 'finished' | 'partial' | 'pending';

export interface PlannedCell {
  readonly tier: string;
  readonly experiment: string;
  readonly scale: Scale;
  readonly cell: Cell;
  readonly state: CellState;
  /** Outer iterations done so far (from the loss log of a partial run; all of them when finished or shipped). */
  readonly iterationsDone: number;
  /** The process of this machine training it now (it holds the run folder's lock), if any. */
  readonly trainingBy?: { readonly pid: number; readonly since: string };
}

const runDir = (root: string, experiment: string, scale: Scale, id: string): string => join(root, experiment, scale, id);

function finishedRecord(dir: string, cell: Cell): RunRecord | null {
  const r = readRunRecord(dir);
  return r && (r.status === 'completed' || r.status === 'diverged') && r.configHash === configHash(cell.config) ? r : null;
}

/** Experiments whose reports draw 2-D transport panels from a run's samples: their 2-D runs ship with them. */
const DRAWN_FROM_SAMPLES: ReadonlySet<string> = new Set(['fig3', 'fig5', 'weak-ot', 'diotm-table1']);

/**
 * The coordinates a report draws from a run's samples, which its shipped copy keeps (at 4 decimals); null when no
 * report draws the run (it ships without samples). Higher-dimensional runs keep only the coordinates drawn.
 */
function drawnColumns(experiment: string, cell: Cell): readonly number[] | null {
  if (cell.config.dim === 2 && DRAWN_FROM_SAMPLES.has(experiment)) return [0, 1];
  if (experiment === 'sigma-schedule') return SIGMA_SCHEDULE_AXES;
  return null;
}

function needsSamples(experiment: string, cell: Cell): boolean {
  return drawnColumns(experiment, cell) !== null;
}

function sameConfiguration(dir: string, cell: Cell): boolean {
  try {
    return configHash(readRunConfig(dir)) === configHash(cell.config);
  } catch {
    return false;
  }
}

function lastLoggedIteration(dir: string): number {
  const f = join(dir, RUN_FILES.loss);
  if (!existsSync(f)) return 0;
  const lines = readFileSync(f, 'utf8').trim().split('\n');
  const last = Number(lines[lines.length - 1]?.split(',')[0]);
  return Number.isFinite(last) ? last : 0;
}

export function cellState(experiment: string, scale: Scale, cell: Cell): { state: CellState; iterationsDone: number } {
  const shipped = runDir(paths.shippedRuns(), experiment, scale, cell.id);
  if (finishedRecord(shipped, cell) && (!needsSamples(experiment, cell) || existsSync(join(shipped, RUN_FILES.samples)))) {
    return { state: 'shipped', iterationsDone: cell.config.iterations };
  }
  const mine = runDir(paths.results(), experiment, scale, cell.id);
  if (finishedRecord(mine, cell)) return { state: 'finished', iterationsDone: cell.config.iterations };
  // A partial run counts only if it is a run of this cell's configuration (it resumes from its checkpoint).
  const done = sameConfiguration(mine, cell) ? lastLoggedIteration(mine) : 0;
  return done > 0 ? { state: 'partial', iterationsDone: done } : { state: 'pending', iterationsDone: 0 };
}

export function planCells(plan: CampaignPlan): PlannedCell[] {
  const seen = new Set<string>();
  const out: PlannedCell[] = [];
  for (const tier of plan.tiers) {
    for (const entry of tier.entries) {
      for (const cell of entryCells(entry)) {
        const key = `${entry.experiment}/${entry.scale}/${cell.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const state = cellState(entry.experiment, entry.scale, cell);
        const holder = state.state === 'partial' || state.state === 'pending' ? runFolderHolder(runDir(paths.results(), entry.experiment, entry.scale, cell.id)) : null;
        out.push({ tier: tier.name, experiment: entry.experiment, scale: entry.scale, cell, ...state, ...(holder ? { trainingBy: holder } : {}) });
      }
    }
  }
  return out;
}

/**
 * Seconds per outer iteration of each network shape, measured from the finished runs of this machine (results/ and
 * data/runs): a run's training time over its iterations. Runs trained two at a time on two cores count as they ran.
 */
export function measuredRates(cells: readonly PlannedCell[]): Map<string, { secondsPerIteration: number; runs: number }> {
  const sums = new Map<string, { seconds: number; iterations: number; runs: number }>();
  for (const p of cells) {
    if (p.state !== 'shipped' && p.state !== 'finished') continue;
    const root = p.state === 'shipped' ? paths.shippedRuns() : paths.results();
    const r = readRunRecord(runDir(root, p.experiment, p.scale, p.cell.id));
    if (!r || r.iterationsDone <= 0 || !(r.trainSeconds > 0)) continue;
    const k = shapeKey(p.cell.config);
    const s = sums.get(k) ?? { seconds: 0, iterations: 0, runs: 0 };
    sums.set(k, { seconds: s.seconds + r.trainSeconds, iterations: s.iterations + r.iterationsDone, runs: s.runs + 1 });
  }
  return new Map([...sums].map(([k, s]) => [k, { secondsPerIteration: s.seconds / s.iterations, runs: s.runs }]));
}

export interface TierStatus {
  readonly tier: string;
  readonly why: string;
  readonly counts: Readonly<Record<CellState, number>>;
  /** Seconds of one core still needed, from measured rates; null where a shape of the tier has no measured run yet. */
  readonly remainingSeconds: number | null;
  /** Shapes with no finished run to measure from (their time is unknown until one finishes, or use --dry-run). */
  readonly unmeasured: readonly string[];
}

/**
 * Times a few outer iterations of each shape that no finished run measures yet (the dry run's measurement), so that
 * `campaign status --measure` can give every tier an ETA before its first run finishes.
 */
export async function measureUnmeasured(cells: readonly PlannedCell[]): Promise<Map<string, { secondsPerIteration: number; runs: number }>> {
  const rates = measuredRates(cells);
  const byShape = new Map<string, PlannedCell>();
  for (const c of cells) {
    const k = shapeKey(c.cell.config);
    if (!rates.has(k) && !byShape.has(k) && c.state !== 'shipped' && c.state !== 'finished') byShape.set(k, c);
  }
  for (const [k, c] of byShape) {
    const e = await estimateExperiment(getExperiment(c.experiment), c.scale, { cells: [c.cell.id] });
    // One run alone: the rate the campaign's one-job tiers train at.
    const t = e.shapes[0]?.timings.find((g) => g.runs === 1);
    if (t) rates.set(k, { secondsPerIteration: t.msPerOuter / 1000, runs: 0 });
  }
  return rates;
}

export function campaignStatus(
  plan: CampaignPlan,
  cells: readonly PlannedCell[] = planCells(plan),
  rates: ReadonlyMap<string, { secondsPerIteration: number; runs: number }> = measuredRates(cells),
): TierStatus[] {
  return plan.tiers.map((tier) => {
    const mine = cells.filter((c) => c.tier === tier.name);
    const counts: Record<CellState, number> = { shipped: 0, finished: 0, partial: 0, pending: 0 };
    let seconds = 0;
    const unmeasured = new Set<string>();
    for (const c of mine) {
      counts[c.state]++;
      if (c.state === 'shipped' || c.state === 'finished') continue;
      const k = shapeKey(c.cell.config);
      const rate = rates.get(k);
      if (rate) seconds += rate.secondsPerIteration * (c.cell.config.iterations - c.iterationsDone);
      else unmeasured.add(k);
    }
    return { tier: tier.name, why: tier.why, counts, remainingSeconds: unmeasured.size ? null : seconds, unmeasured: [...unmeasured] };
  });
}

export function duration(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A process training cells of the plan now: the one to interrupt (a sweep's parent, else the trainer itself). */
export interface CampaignProcess {
  readonly pid: number;
  /** When its earliest run folder lock was taken (ISO time). */
  readonly since: string;
  /** The cells it trains now, as experiment/scale/id. */
  readonly cells: readonly string[];
}

/** Who trains the plan's cells now, from their run folders' locks, one entry per process to interrupt. */
export function campaignProcesses(cells: readonly PlannedCell[]): CampaignProcess[] {
  const byRoot = new Map<number, { since: string; cells: string[] }>();
  const rootOf = new Map<number, number>(); // a group's runs share their process: read /proc once per process
  for (const c of cells) {
    if (!c.trainingBy) continue;
    const pid = c.trainingBy.pid;
    const root = rootOf.get(pid) ?? trainingRoot(pid);
    rootOf.set(pid, root);
    const e = byRoot.get(root) ?? { since: c.trainingBy.since, cells: [] };
    e.cells.push(`${c.experiment}/${c.scale}/${c.cell.id}`);
    if (c.trainingBy.since < e.since) e.since = c.trainingBy.since;
    byRoot.set(root, e);
  }
  return [...byRoot].map(([pid, e]) => ({ pid, since: e.since, cells: e.cells }));
}

/**
 * Interrupts every process training the plan's cells now (SIGINT, as Ctrl-C would): each run saves its checkpoint
 * and its process exits; `campaign run` resumes them. Returns the processes signalled.
 */
export function stopCampaign(cells: readonly PlannedCell[] = planCells(readCampaignPlan())): CampaignProcess[] {
  const procs = campaignProcesses(cells);
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGINT');
    } catch (e) {
      // Gone between the lock's check and now: nothing left to stop.
      if ((e as { code?: unknown }).code !== 'ESRCH') throw new UserError(`campaign stop: could not interrupt process ${p.pid}: ${(e as Error).message}`);
    }
  }
  return procs;
}

/** The lines that say which processes train the plan now, and how to stop them. */
export function formatProcesses(procs: readonly CampaignProcess[]): string {
  if (procs.length === 0) return 'training now: nothing (no process holds a run folder of the plan)\n';
  const list = (ids: readonly string[]) => (ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`);
  return `${procs.map((p) => `training now: process ${p.pid}, since ${p.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}: ${list(p.cells)}`).join('\n')}
    stop with \`otbook campaign stop\` (each run saves its checkpoint; \`otbook campaign run\` resumes it)\n`;
}

export function formatStatus(status: readonly TierStatus[]): string {
  const lines = status.map((t) => {
    const total = Object.values(t.counts).reduce((a, b) => a + b, 0);
    const eta = t.remainingSeconds === null ? `unmeasured shapes: ${t.unmeasured.join('; ')}` : t.remainingSeconds === 0 ? 'nothing left to train' : `${duration(t.remainingSeconds)} of one core left`;
    return `${t.tier}: ${t.counts.shipped} shipped, ${t.counts.finished} finished (not shipped), ${t.counts.partial} partial, ${t.counts.pending} pending of ${total}; ${eta}\n    ${t.why}`;
  });
  return `${lines.join('\n')}\n`;
}

export interface CampaignRunOptions {
  readonly jobs?: number;
  /** Only these tiers (names); default all, in the plan's order. */
  readonly tiers?: readonly string[];
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/**
 * Works through the plan tier by tier: each entry's cells that are neither shipped nor finished train into
 * results/<experiment>/<scale>/ (an interrupted run resumes from its checkpoint). Stops when the signal aborts.
 */
export async function runCampaign(plan: CampaignPlan, options: CampaignRunOptions = {}): Promise<CellResult[]> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const known = new Set(plan.tiers.map((t) => t.name));
  const unknown = (options.tiers ?? []).filter((t) => !known.has(t));
  if (unknown.length) throw new UserError(`--tiers: no tier ${unknown.join(', ')} in the plan; tiers: ${[...known].join(', ')}`);
  const results: CellResult[] = [];
  for (const tier of plan.tiers) {
    if (options.tiers && !options.tiers.includes(tier.name)) continue;
    for (const entry of tier.entries) {
      if (options.signal?.aborted) return results;
      const todo = entryCells(entry).filter((c) => {
        const s = cellState(entry.experiment, entry.scale, c).state;
        return s === 'partial' || s === 'pending';
      });
      const status = campaignStatus(plan).find((t) => t.tier === tier.name);
      const eta = status?.remainingSeconds !== null && status?.remainingSeconds !== undefined ? `, tier ETA ${duration(status.remainingSeconds / Math.max(1, options.jobs ?? 1))}` : '';
      log(`campaign ${tier.name}: ${entry.experiment} (${entry.scale}): ${todo.length} cells to train${eta}`);
      if (todo.length === 0) continue;
      results.push(
        ...(await runExperiment(entry.experiment, {
          scale: entry.scale,
          out: join(paths.results(), entry.experiment, entry.scale),
          cells: todo.map((c) => c.id),
          jobs: options.jobs,
          signal: options.signal,
          log,
        })),
      );
    }
  }
  return results;
}

/** The samples' drawn columns only (those the run has), at 4 decimals: plenty for a figure, a third of the file. */
function compactSamples(s: RunSamples, columns: readonly number[]): RunSamples {
  const kept = columns.filter((c) => s.columns.includes(c));
  const at = kept.map((c) => s.columns.indexOf(c));
  const round = (rows: number[][]) => rows.map((r) => at.map((i) => Number(r[i].toFixed(4))));
  return { columns: kept, x: round(s.x), smoothed: s.smoothed && round(s.smoothed), transported: round(s.transported), target: round(s.target) };
}

export interface ShippedRun {
  readonly experiment: string;
  readonly scale: Scale;
  readonly id: string;
  readonly bytes: number;
}

/**
 * Copies the plan's finished runs from results/ into data/runs: config, metrics, loss log and, for 2-D runs, the
 * figure samples at 4 decimals. A run whose record has no machine gets this machine's, marked as added when shipped
 * (the campaign trains and ships on one machine); runs shipped before are left as they are.
 */
export function shipCampaign(plan: CampaignPlan, options: { readonly dryRun?: boolean } = {}): ShippedRun[] {
  const shipped: ShippedRun[] = [];
  let machine: MachineInfo | undefined;
  for (const p of planCells(plan)) {
    if (p.state !== 'finished') continue;
    const from = runDir(paths.results(), p.experiment, p.scale, p.cell.id);
    const to = runDir(paths.shippedRuns(), p.experiment, p.scale, p.cell.id);
    const samplesFile = join(from, RUN_FILES.samples);
    if (needsSamples(p.experiment, p.cell) && !existsSync(samplesFile)) continue; // a 2-D run without samples cannot draw its figure
    let bytes = 0;
    if (!options.dryRun) {
      mkdirSync(to, { recursive: true });
      copyFileSync(join(from, RUN_FILES.config), join(to, RUN_FILES.config));
      copyFileSync(join(from, RUN_FILES.loss), join(to, RUN_FILES.loss));
      const record = readRunRecord(from);
      if (!record) throw new UserError(`${from}: its metrics.json is missing or unreadable; it cannot be shipped`);
      let withMachine: RunRecord = record;
      if (!record.machine) {
        // The BLAS entry names the library this process has loaded: load the native kernels first, as the training
        // process did (else a run trained with OpenBLAS would be recorded with none).
        if (!machine) {
          if (record.backend?.kernels?.includes(KERNEL_PATCHES.native)) loadNative();
          machine = machineInfo();
        }
        withMachine = { ...record, machine: { ...machine, recorded: 'when shipped, on the machine that trained the run' } };
      }
      writeFileSync(join(to, RUN_FILES.metrics), `${JSON.stringify(withMachine, null, 2)}\n`);
      const columns = drawnColumns(p.experiment, p.cell);
      if (columns) {
        const samples = JSON.parse(readFileSync(samplesFile, 'utf8')) as RunSamples;
        writeFileSync(join(to, RUN_FILES.samples), `${JSON.stringify(compactSamples(samples, columns))}\n`);
      }
      bytes = readdirSync(to).reduce((s, f) => s + readFileSync(join(to, f)).length, 0);
      const meta = join(paths.shippedRuns(), p.experiment, p.scale, 'experiment.json');
      const src = join(paths.results(), p.experiment, p.scale, 'experiment.json');
      if (!existsSync(meta) && existsSync(src)) copyFileSync(src, meta);
    }
    shipped.push({ experiment: p.experiment, scale: p.scale, id: p.cell.id, bytes });
  }
  return shipped;
}
