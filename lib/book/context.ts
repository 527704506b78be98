import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../paths';
import { isScale, type Scale } from './scale';
import type { Verdict } from './index-page';

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
  /** results/<experiment>/<scale>/: where an experiment's runs live; notebooks reuse finished runs. */
  resultsDir(experiment: string): string;
}

/** The notebook's context. `notebook` names it when run by hand (otbook book sets OTBOOK_NOTEBOOK). */
export function bookContext(notebook: string): BookContext {
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
    resultsDir: (experiment) => join(paths.results(), experiment, scale),
  };
}

/** Writes the notebook's verdicts (figures/<notebook>/verdicts.json), which the book's index page lists. */
export function recordVerdicts(ctx: BookContext, verdicts: readonly Verdict[]): void {
  mkdirSync(ctx.figuresDir, { recursive: true });
  writeFileSync(join(ctx.figuresDir, 'verdicts.json'), `${JSON.stringify(verdicts, null, 2)}\n`);
}
