import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { paths, repoRoot } from '../paths';
import { updatableDisplay } from '../plots/tslab-display';
import { NOTEBOOK_UPDATE_MS, SweepProgress, newLiveView, setLiveView, type LiveView, type SweepEvent } from '../experiments/progress';
import { isScale, type Scale } from '../experiments/scale';
import type { Verdict } from '../verdicts/types';
import { TRAINING_FILE, type TrainingRecord } from './records';
import { readResults, runExperiment, type CellResult } from '../experiments/sweep';
import type { CellSettings } from '../experiments/settings';
import { changedSettings, runCommand, settingsDir } from './settings';

/** What a notebook needs to know about the run it is part of. */
export interface BookContext {
  /** Notebook name (file name without .ipynb). */
  readonly notebook: string;
  /** OTBOOK_SCALE, set by `otbook book --scale`; 'quick' when a user runs the notebook by hand. */
  readonly scale: Scale;
  /** figures/<notebook>/ (where plots and tables are saved). */
  readonly figuresDir: string;
  /** Worker processes for experiment grids (one per core). */
  readonly jobs: number;
  /** results/<experiment>/<scale>/ (this scale by default): where an experiment's runs live; notebooks reuse finished runs. */
  resultsDir(experiment: string, scale?: Scale): string;
}

/** A notebook output replaced in place (display_id), or null outside a Jupyter kernel. */
function notebookLiveView(): LiveView | null {
  const d = updatableDisplay({ 'text/plain': '', 'text/html': '' });
  return d && { update: (text, html) => d.update({ 'text/plain': text, 'text/html': html }) };
}

/** The notebook's context. `notebook` names it when run by hand (otbook book sets OTBOOK_NOTEBOOK). */
export function bookContext(notebook: string): BookContext {
  // Training progress in this kernel draws into outputs updated in place rather than into rewritten lines.
  setLiveView(notebookLiveView);
  const envScale = process.env.OTBOOK_SCALE ?? 'quick';
  const scale: Scale = isScale(envScale) ? envScale : 'quick';
  const name = process.env.OTBOOK_NOTEBOOK ?? notebook;
  const figuresDir = process.env.OTBOOK_FIGURES_DIR ?? join(paths.figures(), name);
  mkdirSync(figuresDir, { recursive: true });
  process.env.OTBOOK_FIGURES_DIR = figuresDir;
  return {
    notebook: name,
    scale,
    figuresDir,
    jobs: Math.max(1, Math.min(Number(process.env.OTBOOK_JOBS ?? cpus().length), cpus().length)),
    resultsDir: (experiment, at = scale) => join(paths.results(), experiment, at),
  };
}

/** Verdicts recorded so far in this process, per figures folder (a notebook may publish several reports). */
const recorded = new Map<string, Verdict[]>();

/**
 * Records verdicts of the notebook (figures/<notebook>/verdicts.json, which the book's index page lists). They
 * accumulate over the reports a notebook publishes; a verdict on the same claim replaces the earlier one.
 */
export function recordVerdicts(ctx: BookContext, verdicts: readonly Verdict[]): void {
  const list = recorded.get(ctx.figuresDir) ?? [];
  for (const v of verdicts) {
    const i = list.findIndex((w) => w.claim === v.claim);
    if (i >= 0) list[i] = v;
    else list.push(v);
  }
  recorded.set(ctx.figuresDir, list);
  mkdirSync(ctx.figuresDir, { recursive: true });
  writeFileSync(join(ctx.figuresDir, 'verdicts.json'), `${JSON.stringify(list, null, 2)}\n`);
}


function recordTraining(ctx: BookContext, rec: TrainingRecord): void {
  const f = join(ctx.figuresDir, TRAINING_FILE);
  const list = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as TrainingRecord[]) : [];
  writeFileSync(f, `${JSON.stringify([...list.filter((r) => r.experiment !== rec.experiment), rec], null, 2)}\n`);
}

/** A path as the reader should see it: relative to the checkout when inside it (no build machine's folders). */
function shown(path: string): string {
  const rel = relative(repoRoot(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * Runs (or reuses) an experiment's grid for a notebook: results/<experiment>/<scale>/, one worker process per
 * core. In a notebook, one display updated in place shows the cells done of the total, the cells running now and
 * an ETA (outside a notebook, a line per finished cell). Finished cells are never trained again, so re-running a
 * notebook only re-renders its figures and tables.
 */
export async function runBookExperiment(ctx: BookContext, experiment: string, settings: CellSettings = {}): Promise<CellResult[]> {
  const t0 = Date.now();
  // Edited settings (book.settings) train into their own folder; unedited, this is the scale's folder.
  const out = settingsDir(ctx, experiment, settings);
  const changed = changedSettings(ctx, experiment, settings);
  if (changed) process.stdout.write(`Your settings differ from the ${ctx.scale} scale's (${changed}): the cells they change train into ${shown(out)}; the others are reused. The same from a shell: ${runCommand(ctx, experiment, settings)}\n`);
  const before = readResults(experiment, ctx.scale, out, settings);
  const missingBefore = before.filter((r) => r.status === 'missing').length;
  const title = `${experiment} (${ctx.scale}${changed ? ', your settings' : ''})`;
  const results = await withProgressDisplay({ title, cells: before.length, jobs: ctx.jobs }, (progress, signal, log) =>
    runExperiment(experiment, { scale: ctx.scale, out, settings, jobs: ctx.jobs, log, progress, signal }),
  );
  const done = results.filter((r) => r.status === 'completed').length;
  const seconds = (Date.now() - t0) / 1000;
  const produced = Math.max(0, missingBefore - results.filter((r) => r.status === 'missing').length);
  recordTraining(ctx, { experiment, cells: results.length, produced, seconds });
  process.stdout.write(`${title}: ${done}/${results.length} cells completed in ${seconds.toFixed(0)} s (${produced} trained or copied now, the others found finished); results in ${shown(out)}\n`);
  return results;
}

/**
 * Runs work that trains cells under one progress display of the notebook, updated in place: the cells done of the
 * total, the cells running now and an ETA (outside a notebook, the work's own lines). A kernel interrupt (SIGINT)
 * aborts the signal, and the running cells write their checkpoints.
 */
export async function withProgressDisplay<T>(
  info: { readonly title: string; readonly cells: number; readonly jobs: number },
  work: (progress: (e: SweepEvent) => void, signal: AbortSignal, log: (line: string) => void) => Promise<T>,
): Promise<T> {
  const tracker = new SweepProgress({ title: info.title, cells: info.cells, jobs: info.jobs, where: info.jobs > 1 ? `${info.jobs} worker processes` : "the notebook's kernel" });
  const view = newLiveView();
  let drawn = 0;
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!view || (!force && now - drawn < NOTEBOOK_UPDATE_MS)) return;
    drawn = now;
    view.update(tracker.text(), tracker.html());
  };
  draw(true);
  // Elapsed time and ETA move on between events too (a cell may take minutes); the timer does not hold the process.
  const ticker = view ? setInterval(() => draw(true), 2000) : null;
  ticker?.unref();
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  try {
    return await work(
      (e) => {
        tracker.apply(e);
        draw(e.kind !== 'iteration');
      },
      controller.signal,
      view ? () => undefined : (line) => process.stdout.write(`${line}\n`),
    );
  } finally {
    process.off('SIGINT', onInterrupt);
    if (ticker) clearInterval(ticker);
    tracker.finish();
    draw(true);
  }
}
