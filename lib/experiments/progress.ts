import type { Progress } from '../solvers';

export function clock(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4);
}

function bar(frac: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, frac)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** One progress line: bar, iteration, it/s, ETA, σ_k and the latest logged losses. */
export function progressLine(label: string, p: Progress, width = 24): string {
  const frac = p.total > 0 ? p.iteration / p.total : 1;
  const values = p.last
    ? Object.entries(p.last.values)
        .filter(([k]) => !k.includes('.') || k.endsWith('.cost'))
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(' ')
    : '';
  return `${label} ${bar(frac, width)} ${p.iteration}/${p.total} ${p.itPerSecond.toFixed(1)} it/s ETA ${clock(p.etaSeconds)} ${values}`.trimEnd();
}

export type ProgressMode = 'tty' | 'notebook' | 'lines' | 'events' | 'off';

/**
 * Where progress goes: a bar redrawn in place on a terminal; in a notebook, a display updated in place (see
 * setLiveView), else a line that Jupyter rewrites (carriage return, as tqdm does without widgets); in a sweep's
 * worker process (OTBOOK_PROGRESS=events), machine-readable lines for the parent to relay; otherwise (logs, CI) a
 * line every 10%.
 */
export function progressMode(): ProgressMode {
  const env = process.env.OTBOOK_PROGRESS;
  if (env === 'off' || env === 'lines' || env === 'events') return env;
  if (process.stderr.isTTY) return 'tty';
  if (process.env.JPY_PARENT_PID || process.env.OTBOOK_NOTEBOOK || process.argv.some((a) => a.includes('tslab'))) return 'notebook';
  return 'lines';
}

/** A notebook output that can be replaced in place (Jupyter's display_id updates): text for terminals and exports, HTML for pages. */
export interface LiveView {
  update(text: string, html: string): void;
}

// On globalThis, so that two copies of this module in one kernel (dist/ and a side-loaded .ts) agree.
const LIVE_VIEW_KEY = Symbol.for('otbook.experiments.liveView');

/**
 * Lets progress draw into notebook outputs updated in place. lib/book registers a factory (through lib/plots'
 * display code) when it runs in a Jupyter kernel; the factory returns null where it cannot display.
 */
export function setLiveView(factory: (() => LiveView | null) | null): void {
  (globalThis as { [LIVE_VIEW_KEY]?: (() => LiveView | null) | null })[LIVE_VIEW_KEY] = factory;
}

export function newLiveView(): LiveView | null {
  const factory = (globalThis as { [LIVE_VIEW_KEY]?: (() => LiveView | null) | null })[LIVE_VIEW_KEY];
  return factory ? factory() : null;
}

/** Updates of a live notebook display (and of a carriage-return line) at most this often: twice a second. */
export const NOTEBOOK_UPDATE_MS = 500;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function progressReporter(label: string, mode: ProgressMode = progressMode()): { update: (p: Progress) => void; done: () => void } {
  let lastDecile = -1;
  let lastWrite = 0;
  let wrote = false;
  let latest: Progress | null = null;
  const view = mode === 'notebook' ? newLiveView() : null;
  const stream = mode === 'notebook' ? process.stdout : process.stderr;
  const draw = (p: Progress): void => {
    if (view) {
      view.update(progressLine(label, p), `<pre style="margin:0">${esc(progressLine(label, p))}</pre>`);
      return;
    }
    const cols = mode === 'tty' ? Math.max(40, process.stderr.columns ?? 120) : 160;
    const clearRest = mode === 'tty' ? '\x1b[K' : '';
    stream.write(`\r${progressLine(label, p).slice(0, cols - 1)}${clearRest}`);
    wrote = true;
  };
  return {
    update(p) {
      latest = p;
      // 'events': a sweep's worker reports its cells itself (writeSweepEvent), with their ids.
      if (mode === 'off' || mode === 'events') return;
      if (mode === 'lines') {
        const decile = Math.floor((10 * p.iteration) / Math.max(1, p.total));
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${progressLine(label, p)}\n`);
        }
        return;
      }
      const now = Date.now();
      // A display updated in place keeps only its last state; a carriage-return line keeps every rewrite in the
      // saved notebook, so neither is redrawn more than twice a second.
      if (mode === 'notebook' && now - lastWrite < NOTEBOOK_UPDATE_MS && p.iteration < p.total) return;
      lastWrite = now;
      draw(p);
    },
    done() {
      if (view && latest) draw(latest);
      if (wrote) stream.write('\n');
    },
  };
}

// ------------------------------------------------------------------------------------------------------------
// A sweep's progress: cells done of total, the cells running now, ETA.

/** What a sweep reports about its cells as they start, advance and end (SweepOptions.progress). */
export type SweepEvent =
  | { readonly kind: 'cell-start'; readonly cell: string; readonly worker?: number }
  | {
      readonly kind: 'iteration';
      readonly cell: string;
      readonly worker?: number;
      readonly iteration: number;
      readonly total: number;
      readonly itPerSecond: number;
      readonly etaSeconds: number;
    }
  | {
      readonly kind: 'cell-end';
      readonly cell: string;
      readonly worker?: number;
      /** The run's status ('completed', 'diverged', 'interrupted'). */
      readonly status: string;
      /** False when the cell was found finished (kept, or copied from an identical run) rather than trained. */
      readonly trained: boolean;
      readonly seconds: number;
    };

/** Marks a worker process's event lines on its stderr, which the parent sweep relays (everything else is log). */
export const SWEEP_EVENT_PREFIX = 'otbook-event ';

export function encodeSweepEvent(e: SweepEvent): string {
  return `${SWEEP_EVENT_PREFIX}${JSON.stringify(e)}`;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The event of a relayed line, or null for any other line (or a malformed event). */
export function decodeSweepEvent(line: string): SweepEvent | null {
  if (!line.startsWith(SWEEP_EVENT_PREFIX)) return null;
  let v: unknown;
  try {
    v = JSON.parse(line.slice(SWEEP_EVENT_PREFIX.length));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.cell !== 'string') return null;
  if (o.kind === 'cell-start') return { kind: 'cell-start', cell: o.cell };
  if (o.kind === 'iteration' && isNum(o.iteration) && isNum(o.total) && isNum(o.itPerSecond)) {
    return { kind: 'iteration', cell: o.cell, iteration: o.iteration, total: o.total, itPerSecond: o.itPerSecond, etaSeconds: isNum(o.etaSeconds) ? o.etaSeconds : Infinity };
  }
  if (o.kind === 'cell-end' && typeof o.status === 'string' && typeof o.trained === 'boolean' && isNum(o.seconds)) {
    return { kind: 'cell-end', cell: o.cell, status: o.status, trained: o.trained, seconds: o.seconds };
  }
  return null;
}

let lastIterationEvent = 0;

/**
 * Writes an event for the parent process (a worker's side of the relay). Iteration events go out at most twice a
 * second; starts and ends always.
 */
export function writeSweepEvent(e: SweepEvent): void {
  if (e.kind === 'iteration') {
    const now = Date.now();
    if (now - lastIterationEvent < NOTEBOOK_UPDATE_MS && e.iteration < e.total) return;
    lastIterationEvent = now;
  }
  process.stderr.write(`${encodeSweepEvent(e)}\n`);
}

export interface SweepProgressInfo {
  /** The experiment and scale, e.g. 'table1 (quick)'. */
  readonly title: string;
  /** Cells of the grid (cells found finished are reported by the sweep as they are kept). */
  readonly cells: number;
  /** Worker processes (1: the cells run in this process, e.g. the notebook's kernel). */
  readonly jobs: number;
  /** Where the cells run, as the display says it (default: 'N worker processes' or 'this process'). */
  readonly where?: string;
}

interface Running {
  readonly cell: string;
  readonly worker?: number;
  readonly since: number;
  iteration: number;
  total: number;
  itPerSecond: number;
  etaSeconds: number;
}

export interface SweepSnapshot {
  readonly title: string;
  readonly cells: number;
  /** Cells finished so far (found finished, or ended in this run). */
  readonly done: number;
  readonly trained: number;
  readonly running: ReadonlyArray<Readonly<Running>>;
  readonly diverged: readonly string[];
  readonly elapsedSeconds: number;
  /** Rough: the running cells' own ETAs plus the waiting cells at the mean time of the cells trained so far. */
  readonly etaSeconds: number;
  readonly where: string;
  readonly finished: boolean;
}

/**
 * The state of one sweep, built from its events: the notebook's single progress display for a grid (one line and
 * a bar that replace the per-cell lines of the workers).
 */
export class SweepProgress {
  private readonly t0: number;
  private done = 0;
  private trainedCount = 0;
  private trainedSeconds = 0;
  private readonly running = new Map<string, Running>();
  private readonly diverged: string[] = [];
  private finished = false;

  constructor(
    private readonly info: SweepProgressInfo,
    private readonly now: () => number = Date.now,
  ) {
    this.t0 = now();
  }

  apply(e: SweepEvent): void {
    const key = e.cell;
    if (e.kind === 'cell-start') {
      this.running.set(key, { cell: e.cell, worker: e.worker, since: this.now(), iteration: 0, total: 0, itPerSecond: 0, etaSeconds: Infinity });
    } else if (e.kind === 'iteration') {
      const r = this.running.get(key) ?? { cell: e.cell, worker: e.worker, since: this.now(), iteration: 0, total: 0, itPerSecond: 0, etaSeconds: Infinity };
      r.iteration = e.iteration;
      r.total = e.total;
      r.itPerSecond = e.itPerSecond;
      r.etaSeconds = e.etaSeconds;
      this.running.set(key, r);
    } else {
      this.running.delete(key);
      this.done += 1;
      if (e.trained) {
        this.trainedCount += 1;
        this.trainedSeconds += e.seconds;
      }
      if (e.status === 'diverged') this.diverged.push(e.cell);
    }
  }

  /** The sweep returned: no cell is running any more. */
  finish(): void {
    this.finished = true;
    this.running.clear();
  }

  snapshot(): SweepSnapshot {
    const { cells, jobs } = this.info;
    const running = [...this.running.values()];
    const waiting = Math.max(0, cells - this.done - running.length);
    const perCell = this.trainedCount > 0 ? this.trainedSeconds / this.trainedCount : NaN;
    const runningEta = running.length ? Math.max(...running.map((r) => r.etaSeconds)) : 0;
    const etaSeconds = this.finished ? 0 : waiting === 0 ? runningEta : Number.isFinite(perCell) ? runningEta + (waiting * perCell) / Math.max(1, jobs) : NaN;
    return {
      title: this.info.title,
      cells,
      done: this.done,
      trained: this.trainedCount,
      running,
      diverged: [...this.diverged],
      elapsedSeconds: (this.now() - this.t0) / 1000,
      etaSeconds,
      where: this.info.where ?? (jobs > 1 ? `${jobs} worker processes` : 'this process'),
      finished: this.finished,
    };
  }

  text(): string {
    return sweepText(this.snapshot());
  }

  html(): string {
    return sweepHtml(this.snapshot());
  }
}

function runningText(r: Readonly<Running>): string {
  const at = r.total > 0 ? ` ${r.iteration}/${r.total} it, ${r.itPerSecond.toFixed(1)} it/s` : ' starting';
  return `${r.cell}${r.worker !== undefined ? ` (worker ${r.worker})` : ''}:${at}`;
}

/** The snapshot as plain text (terminals, nbconvert's text export). */
export function sweepText(s: SweepSnapshot): string {
  const head = `${s.title}: ${bar(s.cells ? s.done / s.cells : 1, 20)} ${s.done}/${s.cells} cells done, in ${s.where}; ${clock(s.elapsedSeconds)} elapsed`;
  const tail = s.finished
    ? `; ${s.trained} trained now, ${s.done - s.trained} found finished`
    : `, ETA ${Number.isFinite(s.etaSeconds) ? `~${clock(s.etaSeconds)}` : 'after the first cell'}`;
  const lines = [head + tail];
  for (const r of s.running) lines.push(`  running ${runningText(r)}`);
  if (s.diverged.length) lines.push(`  diverged (NaN/Inf): ${s.diverged.join(', ')}`);
  return lines.join('\n');
}

/** The snapshot as HTML: a bar, the counts and ETA, and one line per running cell. */
export function sweepHtml(s: SweepSnapshot): string {
  const pct = s.cells ? (100 * s.done) / s.cells : 100;
  const eta = s.finished ? `${s.trained} trained now, ${s.done - s.trained} found finished` : `ETA ${Number.isFinite(s.etaSeconds) ? `~${clock(s.etaSeconds)}` : 'after the first cell'}`;
  const rows = s.running.map((r) => `<div>running ${esc(runningText(r))}</div>`).join('');
  const div = s.diverged.length ? `<div style="color:#b00">diverged (NaN/Inf): ${esc(s.diverged.join(', '))}</div>` : '';
  return (
    `<div class="otbook-progress" style="font-family:sans-serif;font-size:13px">` +
    `<div><b>${esc(s.title)}</b>: ${s.done}/${s.cells} cells done, in ${esc(s.where)}; ${clock(s.elapsedSeconds)} elapsed, ${esc(eta)}</div>` +
    `<div style="width:360px;height:10px;background:#e6e6e6;margin:3px 0"><div style="width:${pct.toFixed(1)}%;height:10px;background:#1f77b4"></div></div>` +
    `<div style="font-family:monospace;font-size:12px;color:#444">${rows}${div}</div></div>`
  );
}
