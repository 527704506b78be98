import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors';
import { paths, repoRoot } from '../paths';
import type { Scale } from '../experiments/scale';
import { TRAINING_FILE, type NotebookRun, type TrainingRecord } from './records';
import { writeBookIndex } from './index-page';
import { sharePlotly, writeSharedPlotly } from './static-page';


export interface BookOptions {
  readonly scale: Scale;
  /** Runs only the notebooks whose file name contains one of these comma-separated names (e.g. '02' or '06,07'). */
  readonly only?: string;
  /** Seconds per cell before the kernel is stopped; 0 for none. */
  readonly cellTimeout?: number;
  readonly log?: (line: string) => void;
  /**
   * Stops the book: the running notebook's executor gets SIGINT, stops its kernel (and what the kernel started: a
   * sweep's workers) and writes the notebook as far as it ran; no further notebook starts.
   */
  readonly signal?: AbortSignal;
}

export function listNotebooks(only?: string): string[] {
  const dir = paths.notebooks();
  if (!existsSync(dir)) throw new UserError(`no notebooks folder at ${dir}`);
  const all = readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort();
  const wanted = only ? only.split(',').map((w) => w.trim()).filter(Boolean) : [];
  const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.includes(w))) : all;
  if (chosen.length === 0) {
    throw new UserError(`--only ${only} matches no notebook; notebooks: ${all.map((f) => basename(f, '.ipynb')).join(', ')}`);
  }
  return chosen.map((f) => join(dir, f));
}

function pythonForJupyter(): string {
  return process.env.OTBOOK_PYTHON ?? '/usr/bin/python3';
}

function checkKernel(): void {
  const spec = join(paths.jupyterPath(), 'kernels', 'tslab', 'kernel.json');
  if (!existsSync(spec)) {
    throw new UserError(`the tslab Jupyter kernel is not registered for this checkout (${spec} missing); run: bash environment/setup.sh`);
  }
  if (!existsSync(pythonForJupyter())) {
    throw new UserError(`${pythonForJupyter()} not found; Jupyter must be installed (bash environment/setup.sh), or set OTBOOK_PYTHON`);
  }
}

/** Executes one notebook through nbclient on the tslab kernel; writes book/<name>.ipynb (signed) and .html. */
export function runNotebook(file: string, options: BookOptions): Promise<NotebookRun> {
  const name = basename(file, '.ipynb');
  const outDir = paths.book();
  mkdirSync(outDir, { recursive: true });
  const outNb = join(outDir, `${name}.ipynb`);
  const outHtml = join(outDir, `${name}.html`);
  const script = join(repoRoot(), 'lib', 'book', 'execute_notebook.py');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: [paths.jupyterPath(), process.env.JUPYTER_PATH].filter(Boolean).join(':'),
    OTBOOK_SCALE: options.scale,
    OTBOOK_NOTEBOOK: name,
    OTBOOK_FIGURES_DIR: join(paths.figures(), name),
    // How outputs show this machine's folders: relative to the checkout, as a reader's copy would have them.
    OTBOOK_SHOWN_PATHS: JSON.stringify([
      [repoRoot(), '.'],
      [paths.figures(), 'figures'],
      [paths.results(), 'results'],
      [paths.book(), 'book'],
    ]),
  };
  const trainingFile = join(paths.figures(), name, TRAINING_FILE);
  rmSync(trainingFile, { force: true });
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      pythonForJupyter(),
      [script, file, outNb, outHtml, 'tslab', String(options.cellTimeout ?? 0), paths.notebooks()],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let errTail = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      const text = b.toString();
      errTail = (errTail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.startsWith('  [')) log(`${name}${line}`);
    });
    // The executor runs the kernel in a session of its own, so an interrupt of `otbook book` (Ctrl-C reaches our
    // process group; SIGTERM only this process) must be passed on, or the kernel and its workers go on training.
    const stop = () => child.kill('SIGINT');
    options.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', () => {
      options.signal?.removeEventListener('abort', stop);
      const last = stdout.trim().split('\n').pop() ?? '';
      let report: { status: 'ok' | 'failed'; seconds: number; cell_index?: number; cell_source?: string; error?: string };
      try {
        report = JSON.parse(last) as typeof report;
      } catch {
        reject(new Error(`executing ${name} failed before any report:\n${errTail}`));
        return;
      }
      // One plotly.js for the whole book, beside the pages, instead of a copy in each.
      if (existsSync(outHtml)) {
        writeFileSync(outHtml, sharePlotly(readFileSync(outHtml, 'utf8')).html);
        writeSharedPlotly(outDir);
      }
      resolvePromise({
        name,
        status: report.status,
        seconds: report.seconds,
        ...producedCells(trainingFile),
        html: outHtml,
        notebook: outNb,
        cellIndex: report.cell_index,
        cellSource: report.cell_source,
        error: report.error,
      });
    });
  });
}

function producedCells(file: string): Pick<NotebookRun, 'producedCells'> {
  if (!existsSync(file)) return {};
  const recs = JSON.parse(readFileSync(file, 'utf8')) as TrainingRecord[];
  return { producedCells: { produced: recs.reduce((s, r) => s + r.produced, 0), of: recs.reduce((s, r) => s + r.cells, 0) } };
}

/** Earlier runs recorded in book/runs.json at the same scale (another scale's runs are not mixed in). */
function readRuns(scale: Scale): NotebookRun[] {
  const f = join(paths.book(), 'runs.json');
  if (!existsSync(f)) return [];
  try {
    const saved = JSON.parse(readFileSync(f, 'utf8')) as { scale: Scale; runs: NotebookRun[] };
    return saved.scale === scale ? saved.runs : [];
  } catch {
    return [];
  }
}

function mergeRuns(earlier: readonly NotebookRun[], latest: readonly NotebookRun[]): NotebookRun[] {
  const byName = new Map(earlier.map((r) => [r.name, r]));
  for (const r of latest) byName.set(r.name, r);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** `otbook book`: executes the notebooks in order, writes their HTML and the index page. */
export async function runBook(options: BookOptions): Promise<NotebookRun[]> {
  checkKernel();
  const files = listNotebooks(options.only);
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  log(`otbook book: ${files.length} notebook(s) at scale '${options.scale}' → ${paths.book()}`);
  const runs: NotebookRun[] = [];
  for (const f of files) {
    if (options.signal?.aborted) break;
    const run = await runNotebook(f, options);
    runs.push(run);
    if (run.status === 'ok') log(`✔ ${run.name} (${run.seconds.toFixed(0)} s) → ${run.html}`);
    else {
      log(`✘ ${run.name}: cell ${run.cellIndex ?? '?'} failed after ${run.seconds.toFixed(0)} s: ${run.error ?? ''}`);
      if (run.cellSource) log(`  --- failing cell ---\n${run.cellSource.replace(/^/gm, '  | ')}\n  --------------------`);
      log(`  executed notebook with the error: ${run.html}`);
    }
  }
  // The index lists the latest run of every notebook, so `--only` updates one row and keeps the others.
  const all = mergeRuns(readRuns(options.scale), runs);
  const index = writeBookIndex(all, options.scale);
  writeFileSync(join(paths.book(), 'runs.json'), `${JSON.stringify({ scale: options.scale, runs: all }, null, 2)}\n`);
  log(`index: ${index}`);
  return runs;
}
