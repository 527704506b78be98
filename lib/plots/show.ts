import { randomBytes } from 'node:crypto';
import { figureHtml } from './html';
import { canDisplay, displayBundle, onFrontendConnect, type DisplayRoute, type MimeBundle } from './tslab-display';
import type { Figure } from './types';

/** The MIME type of Plotly figures (JupyterLab's jupyterlab-plotly renderer, VS Code, nteract). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface ShowOptions {
  /**
   * 'once' (default): plotly.js goes into the first figure output after a front-end connects to the kernel (the
   * kernel's start, a page load or reload, a second tab); later outputs reuse the page's window.Plotly. 'always':
   * embed it in this output too (e.g. after clearing the output that carried it). 'never': rely on a page that
   * already has Plotly.
   */
  readonly embedPlotly?: 'once' | 'always' | 'never';
}

interface Session {
  embedded: boolean;
  counter: number;
  readonly token: string;
  noted: boolean;
  /** Whether embedded is reset when a front-end connects (false outside tslab, or if tslab changed). */
  watching: boolean;
}

// On globalThis, so that two copies of this module in one kernel (dist/ and a side-loaded .ts) agree.
const SESSION_KEY = Symbol.for('otbook.plots.session');

function session(): Session {
  const g = globalThis as { [SESSION_KEY]?: Session };
  g[SESSION_KEY] ??= { embedded: false, counter: 0, token: randomBytes(4).toString('hex'), noted: false, watching: false };
  return g[SESSION_KEY];
}

/**
 * A page that connects after plotly.js was sent (a reload, a second tab) has not got it: its outputs come from the
 * saved file, where the output that carried plotly.js may be missing, and re-running does not resend it. So every
 * front-end connection makes the next figure embed plotly.js again (one copy per connection, not per figure).
 */
function watchConnections(s: Session): void {
  if (s.watching) return;
  s.watching = onFrontendConnect(() => {
    s.embedded = false;
  });
}

/** Forget that plotly.js was embedded: the next show() embeds it again. */
export function resetPlotlyEmbedding(): void {
  session().embedded = false;
}

/** Whether an output of this kernel session already carries plotly.js. */
export function plotlyEmbedded(): boolean {
  return session().embedded;
}

/** A one-line description for text/plain (terminals, nbconvert --to markdown, failed renderers). */
export function figureText(fig: Figure): string {
  const title = fig.layout.title?.text;
  const types = new Map<string, number>();
  const names = new Set<string>();
  for (const t of fig.data) {
    types.set(t.type, (types.get(t.type) ?? 0) + 1);
    if ('name' in t && t.name) names.add(t.name);
  }
  const kinds = [...types].map(([t, k]) => `${k} ${t}`).join(', ');
  const named = names.size ? `: ${[...names].slice(0, 8).join(', ')}${names.size > 8 ? ', …' : ''}` : '';
  return `<Plotly figure${title ? ` '${title}'` : ''}, ${fig.layout.width}×${fig.layout.height} px, ${kinds}${named}>`;
}

/**
 * The MIME bundle of one figure output: the Plotly JSON as an object, HTML (div + script, plotly.js first when
 * `embedPlotly`), and text/plain. Pure: show() adds the session bookkeeping.
 */
export function figureBundle(fig: Figure, divId: string, embedPlotly: boolean): MimeBundle {
  return {
    [PLOTLY_MIME]: fig,
    'text/html': figureHtml(fig, divId, embedPlotly),
    'text/plain': figureText(fig),
  };
}

/**
 * Shows a figure inline in a tslab notebook (classic Notebook, JupyterLab with or without jupyterlab-plotly, and
 * the HTML of `jupyter nbconvert --to html`). Outside a notebook it prints a one-line note to stderr (once per
 * process) and returns 'none'; use save() to write files.
 */
export function show(fig: Figure, options: ShowOptions = {}): void {
  showWithRoute(fig, options);
}

/** show(), returning how the figure was sent (see displayBundle). */
export function showWithRoute(fig: Figure, options: ShowOptions = {}): DisplayRoute {
  const s = session();
  if (!canDisplay()) {
    if (!s.noted) {
      process.stderr.write('otbook: show() outside a notebook displays nothing; use save(fig, name) to write PNG/SVG/HTML\n');
      s.noted = true;
    }
    return 'none';
  }
  watchConnections(s);
  const mode = options.embedPlotly ?? 'once';
  const embed = mode === 'always' || (mode === 'once' && !s.embedded);
  s.counter += 1;
  const route = displayBundle(figureBundle(fig, `otbook-fig-${s.token}-${s.counter}`, embed));
  if (embed && route !== 'none') s.embedded = true;
  return route;
}
