/**
 * The ONE place that relies on tslab internals (verified with tslab 1.0.22).
 *
 * Why: tslab's public `display.*` functions send exactly one MIME type per output, but a Plotly figure needs one
 * output carrying several (the Plotly JSON as an object for JupyterLab's plotly renderer, HTML for classic
 * Notebook, JupyterLab without the extension and nbconvert's HTML, text/plain for everything else).
 *
 * How: tslab's kernel (node_modules/tslab/dist/jupyter.js) keeps the writer of the cell being executed in the
 * module-level export `lastWriteDisplayData`, a function `(content, update) => void` that sends `content`
 * ({ data, metadata, transient }) as a `display_data` message on iopub (JupyterHandlerImpl.handleExecuteImpl sets
 * it before each execution; tslab's own `display.raw` in dist/public.js calls it the same way). We find that module
 * in Node's require cache (the kernel loaded it; a notebook's `require('tslab')` is redirected to the kernel's copy,
 * but our compiled library resolves modules normally, so we do not `require` it ourselves) and read the export at
 * call time, so outputs go to the cell that is running.
 *
 * If tslab changes this, `tslabWriter()` returns null and callers fall back to tslab's public API
 * (`publicDisplay()`), which shows the HTML only.
 *
 * The same module exports the class `JupyterHandlerImpl`, whose `handleKernel()` answers every kernel_info_request.
 * Jupyter front-ends send one each time they connect to a kernel (a page load, a reload, a second tab; nbclient at
 * its start), which is how `onFrontendConnect()` learns that a page without the outputs sent so far has appeared.
 */

/** A Jupyter MIME bundle: MIME type → string, or a JSON value for JSON MIME types. */
export type MimeBundle = Readonly<Record<string, string | object>>;

export interface DisplayContent {
  readonly data: MimeBundle;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly transient: Readonly<Record<string, unknown>>;
}

export type DisplayWriter = (content: DisplayContent, update: boolean) => void;

/** Paths of tslab's kernel module, as it appears in the require cache. */
const KERNEL_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

function cache(): Record<string, NodeJS.Module | undefined> {
  return require.cache;
}

/** The exports of tslab's kernel module, or null outside a tslab kernel. */
function kernelModule(): Record<string, unknown> | null {
  for (const [file, mod] of Object.entries(cache())) {
    if (!mod || !KERNEL_MODULE.test(file)) continue;
    const exp: unknown = mod.exports;
    if (typeof exp === 'object' && exp !== null) return exp as Record<string, unknown>;
  }
  return null;
}

/** True inside a tslab kernel: tslab's executor sets `globalThis.__tslab__` before running cells. */
export function inTslab(): boolean {
  return typeof (globalThis as { __tslab__?: unknown }).__tslab__ === 'object';
}

/** The display writer of the cell being executed, or null outside a tslab kernel (or if tslab changed). */
export function tslabWriter(): DisplayWriter | null {
  const w = kernelModule()?.lastWriteDisplayData;
  return typeof w === 'function' ? (w as DisplayWriter) : null;
}

interface ConnectHook {
  readonly listeners: Set<() => void>;
}

// On globalThis, so that two copies of this module in one kernel (dist/ and a side-loaded .ts) share one hook.
const CONNECT_KEY = Symbol.for('otbook.plots.frontendConnect');

/**
 * Calls `listener` each time a Jupyter front-end connects to this kernel (it sends kernel_info_request on every
 * connection). Returns false, and never calls it, outside a tslab kernel or if tslab's handler has changed.
 */
export function onFrontendConnect(listener: () => void): boolean {
  const g = globalThis as { [CONNECT_KEY]?: ConnectHook };
  if (!g[CONNECT_KEY]) {
    const handler: unknown = kernelModule()?.JupyterHandlerImpl;
    const proto: unknown = typeof handler === 'function' ? (handler as { prototype: unknown }).prototype : null;
    if (typeof proto !== 'object' || proto === null) return false;
    const original: unknown = (proto as { handleKernel?: unknown }).handleKernel;
    if (typeof original !== 'function') return false;
    const hook: ConnectHook = { listeners: new Set() };
    (proto as { handleKernel: (...args: unknown[]) => unknown }).handleKernel = function handleKernel(this: unknown, ...args: unknown[]): unknown {
      for (const l of hook.listeners) {
        try {
          l();
        } catch {
          // a listener's failure must not break the kernel's reply
        }
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    g[CONNECT_KEY] = hook;
  }
  g[CONNECT_KEY].listeners.add(listener);
  return true;
}

interface PublicDisplay {
  html(s: string): void;
  text(s: string): void;
}

/** tslab's public `display` object as the notebook sees it (the kernel's own copy), or null. */
export function publicDisplay(): PublicDisplay | null {
  const t = (globalThis as { __tslab__?: { require?: unknown } }).__tslab__;
  if (!t || typeof t.require !== 'function') return null;
  try {
    const mod: unknown = (t.require as (id: string) => unknown)('tslab');
    const d: unknown = typeof mod === 'object' && mod !== null ? (mod as { display?: unknown }).display : undefined;
    if (typeof d === 'object' && d !== null && typeof (d as PublicDisplay).html === 'function') return d as PublicDisplay;
  } catch {
    // not a tslab kernel after all
  }
  return null;
}

/** Whether displayBundle() can show anything here (a tslab kernel is running this code). */
export function canDisplay(): boolean {
  return tslabWriter() !== null || publicDisplay() !== null;
}

export type DisplayRoute = 'bundle' | 'html-only' | 'none';

/**
 * Sends one output with every MIME type of `bundle`. Returns how: 'bundle' (all types, through the kernel's
 * writer), 'html-only' (tslab's public API: text/html, else text/plain) or 'none' (not in a notebook).
 */
export function displayBundle(bundle: MimeBundle, metadata: Readonly<Record<string, unknown>> = {}): DisplayRoute {
  const write = tslabWriter();
  if (write) {
    write({ data: bundle, metadata, transient: {} }, false);
    return 'bundle';
  }
  const pub = publicDisplay();
  if (pub) {
    const html = bundle['text/html'];
    const text = bundle['text/plain'];
    if (typeof html === 'string') pub.html(html);
    else if (typeof text === 'string') pub.text(text);
    return 'html-only';
  }
  return 'none';
}

/**
 * An output that later calls replace in place (Jupyter's display_id: update_display_data replaces every output with
 * that id, in every connected page and in the notebook nbclient saves). Null where the kernel's writer is missing
 * (outside tslab): tslab's public API cannot update an output.
 */
export interface UpdatableDisplay {
  update(bundle: MimeBundle): void;
}

let displayCounter = 0;

export function updatableDisplay(bundle: MimeBundle): UpdatableDisplay | null {
  const first = tslabWriter();
  if (!first) return null;
  displayCounter += 1;
  const id = `otbook-${process.pid}-${Date.now().toString(36)}-${displayCounter}`;
  first({ data: bundle, metadata: {}, transient: { display_id: id } }, false);
  return {
    update(next) {
      // The writer of the cell running now (any cell's writer reaches the output by its id).
      (tslabWriter() ?? first)({ data: next, metadata: {}, transient: { display_id: id } }, true);
    },
  };
}
