import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

/**
 * Runs tiny notebooks with the tslab kernel through `jupyter nbconvert`, for end-to-end tests. The kernel spec is
 * written to a private folder (JUPYTER_PATH), so nothing is installed for the user.
 */

export const ROOT = resolve(__dirname, '..', '..');
export const JUPYTER = '/usr/bin/jupyter';
const TSLAB = join(ROOT, 'node_modules', '.bin', 'tslab');

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir).map((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs;
    }),
  );
}

/** Why notebook tests cannot run here, or null when they can. `libs` are lib/ folders the notebook imports from dist/. */
export function notebookSkipReason(libs: readonly string[]): string | null {
  if (!existsSync(JUPYTER)) return `${JUPYTER} not found (install Debian's jupyter-nbconvert and python3-ipykernel)`;
  const v = spawnSync(JUPYTER, ['nbconvert', '--version'], { encoding: 'utf8' });
  if (v.status !== 0) return `jupyter nbconvert does not run: ${(v.stderr || '').split('\n')[0]}`;
  if (!existsSync(TSLAB)) return `${TSLAB} not found (npm install)`;
  for (const lib of libs) {
    const dist = join(ROOT, 'dist', lib, 'index.js');
    if (!existsSync(dist)) return `dist/${lib} not built; run npm run build first`;
    if (statSync(dist).mtimeMs + 1 < newestMtime(join(ROOT, 'lib', lib))) return `dist/${lib} is older than lib/${lib}; run npm run build first`;
  }
  return null;
}

export interface NotebookOutput {
  readonly output_type: string;
  readonly data?: Record<string, unknown>;
  readonly text?: string | string[];
  readonly name?: string;
  readonly ename?: string;
  readonly evalue?: string;
}

export interface ExecutedNotebook {
  /** Outputs per cell. */
  readonly outputs: NotebookOutput[][];
  readonly path: string;
  readonly ms: number;
}

/** Writes the cells as a tslab notebook in `dir`, executes it, returns the outputs. Throws with nbconvert's stderr on failure. */
export function executeNotebook(dir: string, name: string, cells: readonly string[], timeoutS = 120): ExecutedNotebook {
  const kernels = join(dir, 'jupyter', 'kernels', 'tslab');
  mkdirSync(kernels, { recursive: true });
  writeFileSync(
    join(kernels, 'kernel.json'),
    JSON.stringify({ argv: [TSLAB, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }),
  );
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
  const input = join(dir, `${name}.ipynb`);
  writeFileSync(input, JSON.stringify(nb));
  const t0 = performance.now();
  const r = spawnSync(
    JUPYTER,
    ['nbconvert', '--to', 'notebook', '--execute', `--ExecutePreprocessor.timeout=${timeoutS}`, '--output', `${name}.executed.ipynb`, input],
    { encoding: 'utf8', cwd: dir, env: { ...process.env, JUPYTER_PATH: join(dir, 'jupyter') }, timeout: (timeoutS + 30) * 1000 },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`nbconvert --execute failed (${r.status ?? r.signal}): ${r.stderr.slice(-3000)}`);
  const path = join(dir, `${name}.executed.ipynb`);
  const out = JSON.parse(readFileSync(path, 'utf8')) as { cells: { outputs?: NotebookOutput[] }[] };
  return { outputs: out.cells.map((c) => c.outputs ?? []), path, ms };
}

/** `jupyter nbconvert --to html`; returns the HTML file's path. */
export function notebookToHtml(path: string): string {
  const r = spawnSync(JUPYTER, ['nbconvert', '--to', 'html', path], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`nbconvert --to html failed: ${r.stderr.slice(-2000)}`);
  return path.replace(/\.ipynb$/, '.html');
}

export function streamText(outputs: readonly NotebookOutput[]): string {
  return outputs
    .filter((o) => o.output_type === 'stream')
    .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
    .join('');
}
