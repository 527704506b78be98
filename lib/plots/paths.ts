import { basename, resolve } from 'node:path';
import { UserError } from '../errors';
import { paths } from '../paths';

/**
 * Where figures and tables go. First match wins:
 *   1. setFiguresDir(dir), relative to the current directory;
 *   2. $OTBOOK_FIGURES_DIR (the book runner sets it per notebook);
 *   3. <project>/figures/<notebook>/ with <notebook> from $OTBOOK_NOTEBOOK (a name such as '03-gaussians'), else from
 *      $JPY_SESSION_NAME (set by jupyter_server ≥ 2 to the notebook's path; not by Notebook 6 or nbconvert 6);
 *   4. <project>/figures/untitled/.
 * <project> is the package root (lib/paths.ts), so a kernel started in notebooks/ still writes to the top-level
 * figures/ folder (or to $OTBOOK_FIGURES_ROOT).
 */

let explicitDir: string | null = null;

export function setFiguresDir(dir: string | null): void {
  explicitDir = dir === null ? null : resolve(dir);
}

function notebookName(): string {
  const named = process.env.OTBOOK_NOTEBOOK;
  if (named) return named;
  const session = process.env.JPY_SESSION_NAME;
  if (session) return basename(session).replace(/\.ipynb$/, '');
  return 'untitled';
}

export function figuresDir(): string {
  if (explicitDir) return explicitDir;
  const env = process.env.OTBOOK_FIGURES_DIR;
  if (env) return resolve(env);
  return resolve(paths.figures(), notebookName());
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Checks a figure/table base name (no folders, no extension needed). */
export function checkOutputName(name: string, what: string): void {
  if (!NAME.test(name) || name.includes('..')) {
    throw new UserError(`${what} name '${name}' is not allowed; use letters, digits, '.', '_' and '-' (no folders), e.g. 'fig3-gaussians'`);
  }
}
