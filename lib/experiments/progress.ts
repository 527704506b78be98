import type { Progress } from '../solvers';

function clock(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4);
}

/** One progress line: bar, iteration, it/s, ETA, σ_k and the latest logged losses. */
export function progressLine(label: string, p: Progress, width = 24): string {
  const frac = p.total > 0 ? p.iteration / p.total : 1;
  const filled = Math.round(frac * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const values = p.last
    ? Object.entries(p.last.values)
        .filter(([k]) => !k.includes('.') || k.endsWith('.cost'))
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(' ')
    : '';
  return `${label} ${bar} ${p.iteration}/${p.total} ${p.itPerSecond.toFixed(1)} it/s ETA ${clock(p.etaSeconds)} ${values}`.trimEnd();
}

export type ProgressMode = 'tty' | 'notebook' | 'lines' | 'off';

/**
 * Where progress goes: a bar redrawn in place on a terminal; in a notebook, a line that Jupyter rewrites in
 * place (carriage return, as tqdm does without widgets); otherwise (logs, CI) a line every 10%.
 */
export function progressMode(): ProgressMode {
  if (process.env.OTBOOK_PROGRESS === 'off') return 'off';
  if (process.env.OTBOOK_PROGRESS === 'lines') return 'lines';
  if (process.stderr.isTTY) return 'tty';
  if (process.env.JPY_PARENT_PID || process.env.OTBOOK_NOTEBOOK || process.argv.some((a) => a.includes('tslab'))) return 'notebook';
  return 'lines';
}

export function progressReporter(label: string, mode: ProgressMode = progressMode()): { update: (p: Progress) => void; done: () => void } {
  let lastDecile = -1;
  let lastWrite = 0;
  let wrote = false;
  const stream = mode === 'notebook' ? process.stdout : process.stderr;
  return {
    update(p) {
      if (mode === 'off') return;
      if (mode === 'lines') {
        const decile = Math.floor((10 * p.iteration) / Math.max(1, p.total));
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${progressLine(label, p)}\n`);
        }
        return;
      }
      const now = Date.now();
      // Notebooks keep every rewrite in the saved output; two updates a second keep that small.
      if (mode === 'notebook' && now - lastWrite < 2000 && p.iteration < p.total) return;
      lastWrite = now;
      const cols = mode === 'tty' ? Math.max(40, process.stderr.columns ?? 120) : 160;
      const clearRest = mode === 'tty' ? '\x1b[K' : '';
      stream.write(`\r${progressLine(label, p).slice(0, cols - 1)}${clearRest}`);
      wrote = true;
    },
    done() {
      if (wrote) stream.write('\n');
    },
  };
}
