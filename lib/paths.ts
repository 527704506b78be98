import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The otbook checkout this code runs from (the folder with otbook's package.json). Works from lib/ (tsx),
 * dist/ (compiled) and from a notebook, whatever the working directory.
 */
export function repoRoot(): string {
  let dir = resolve(__dirname);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'otbook') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('otbook: cannot find the repository root (package.json named otbook)');
    dir = up;
  }
}

/** Where figures, results and the built book go; each can be moved with an environment variable. */
export const paths = {
  /** The notebooks `otbook book` executes (OTBOOK_NOTEBOOKS_DIR: another folder of them, e.g. a test's). */
  notebooks: () => process.env.OTBOOK_NOTEBOOKS_DIR ?? join(repoRoot(), 'notebooks'),
  book: () => process.env.OTBOOK_BOOK_DIR ?? join(repoRoot(), 'book'),
  figures: () => process.env.OTBOOK_FIGURES_ROOT ?? join(repoRoot(), 'figures'),
  results: () => process.env.OTBOOK_RESULTS_ROOT ?? join(repoRoot(), 'results'),
  /** data/: what the repository ships beside the code (published numbers, runs, the campaign plan). */
  repoData: () => join(repoRoot(), 'data'),
  paperData: () => join(repoRoot(), 'data', 'paper'),
  /** Runs the repository ships (paper-scale cells too long for the book), laid out as results/ is. */
  shippedRuns: () => process.env.OTBOOK_SHIPPED_RUNS ?? join(repoRoot(), 'data', 'runs'),
  jupyterPath: () => join(repoRoot(), '.jupyter-env', 'share', 'jupyter'),
};
