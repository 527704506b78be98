import { accessSync, constants } from 'node:fs';
import { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { UserError } from '../errors';
import { plotlySource } from './plotlyjs';

/**
 * One headless Chromium per process, launched on first use and reused, for Plotly's own PNG/SVG export.
 *
 * It must never keep a process alive: a script that saved a figure, or a tslab kernel asked to shut down, has to
 * exit. So once launched, the browser's child process and pipes are unref'd (they no longer hold Node's event
 * loop) and a timer holds the loop only while a render is in flight. At exit, playwright kills the browser (its
 * 'exit' handler); if the process dies of a signal, Chromium exits when its debugging pipe closes. If the handles
 * cannot be found (a Node change), the browser is closed after IDLE_CLOSE_MS without renders instead.
 * Playwright's SIGINT/SIGTERM/SIGHUP handlers are turned off: they would exit the process, which must not happen in
 * a Jupyter kernel (interrupt = SIGINT) nor in the CLI, which checkpoints on those signals.
 */

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const IDLE_CLOSE_MS = 3000;

/** The Chromium binary: $OTBOOK_CHROMIUM, else Debian's /usr/bin/chromium. Throws UserError when not runnable. */
export function chromiumPath(): string {
  const env = process.env.OTBOOK_CHROMIUM;
  const path = env && env.length > 0 ? env : DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new UserError(
      `Chromium not found at ${path}${env ? ' (OTBOOK_CHROMIUM)' : ''}: install Debian's 'chromium' package (apt-get install chromium) or set OTBOOK_CHROMIUM to a Chromium binary`,
    );
  }
  return path;
}

interface State {
  readonly browser: Promise<Browser>;
  page: Promise<Page> | null;
  detached: boolean;
}

let state: State | null = null;
let busy = 0;
let keepAlive: NodeJS.Timeout | null = null;
let idleClose: NodeJS.Timeout | null = null;

/** Unrefs the Chromium child process and its pipes; false if they could not be found. */
function detachFromEventLoop(executable: string): boolean {
  const getHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  if (typeof getHandles !== 'function') return false;
  let found = false;
  for (const h of getHandles.call(process)) {
    if (!(h instanceof ChildProcess) || h.spawnfile !== executable) continue;
    found = true;
    h.unref();
    for (const s of h.stdio) {
      const u = s as { unref?: () => void } | null;
      if (u && typeof u.unref === 'function') u.unref();
    }
  }
  return found;
}

function launch(): State {
  const executablePath = chromiumPath();
  const s: State = {
    browser: chromium
      .launch({
        executablePath,
        headless: true,
        args: [...CHROMIUM_FLAGS],
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      })
      .catch((e: unknown) => {
        const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        throw new UserError(`Chromium at ${executablePath} did not start (${first}); set OTBOOK_CHROMIUM to a working Chromium binary`);
      })
      .then((b) => {
        s.detached = detachFromEventLoop(executablePath);
        b.on('disconnected', () => {
          if (state === s) state = null;
        });
        return b;
      }),
    page: null,
    detached: false,
  };
  s.browser.catch(() => {
    if (state === s) state = null;
  });
  return s;
}

async function plotlyPage(s: State): Promise<Page> {
  s.page ??= (async () => {
    const browser = await s.browser;
    const page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ content: plotlySource().source });
    return page;
  })();
  return s.page;
}

/** Runs `fn` with a page that has window.Plotly, launching the browser if needed. */
export async function withPlotlyPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  busy += 1;
  if (idleClose) {
    clearTimeout(idleClose);
    idleClose = null;
  }
  keepAlive ??= setInterval(() => undefined, 1 << 30);
  try {
    state ??= launch();
    return await fn(await plotlyPage(state));
  } finally {
    busy -= 1;
    if (busy === 0) {
      if (keepAlive) clearInterval(keepAlive);
      keepAlive = null;
      if (state && !state.detached) idleClose = setTimeout(() => void closeBrowser(), IDLE_CLOSE_MS);
    }
  }
}

/** Closes the shared browser (the next render launches a new one). Safe to call when none is open. */
export async function closeBrowser(): Promise<void> {
  const s = state;
  state = null;
  if (idleClose) {
    clearTimeout(idleClose);
    idleClose = null;
  }
  if (!s) return;
  const hold = setInterval(() => undefined, 1 << 30); // the browser's pipes are unref'd: keep the loop for the reply
  try {
    await (await s.browser).close();
  } catch {
    // launch failed or the browser is already gone
  } finally {
    clearInterval(hold);
  }
}

/** Whether a browser is open (for tests). */
export function browserOpen(): boolean {
  return state !== null;
}
