import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../helpers/cli';
import { labSkipReason, startLab, type LabServer } from '../helpers/jupyter-server';
import { CHROMIUM_FLAGS, chromiumPath } from '../../lib/plots/browser';

/**
 * The book in a real JupyterLab (and Notebook 7, served by the same server): notebook 00 is opened in Chromium,
 * run through the menus, and its Plotly figure must be drawn (an SVG with data points), after a reload too, with
 * and without the jupyterlab-plotly extension (without it the figure's HTML output draws it, with plotly.js
 * that otbook embeds; lib/plots/show.ts). The server, the browser and the kernels it started are stopped at the
 * end. Cost: six page loads, four Run Alls and two kernel starts; each step's time is reported as a diagnostic.
 */
const skip = labSkipReason();
const NOTEBOOK = '00-setup-check.ipynb';
const COPIES = ['00-with-extension.ipynb', '00-without-extension.ipynb'] as const;
/** The plugin of the `plotly` package's JupyterLab extension that renders application/vnd.plotly.v1+json. */
const PLOTLY_EXTENSION = '@jupyterlab/plotly-extension';

let lab: LabServer | null = null;
let context: BrowserContext | null = null;
const home = mkdtempSync(join(tmpdir(), 'otbook-lab-'));

before(async () => {
  if (skip) return;
  const root = join(home, 'root');
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  // Notebooks import the library by its package name, as from notebooks/ in the checkout.
  symlinkSync(ROOT, join(root, 'node_modules', 'otbook'));
  // One copy per test, so that each starts its own kernel.
  for (const copy of COPIES) copyFileSync(join(ROOT, 'notebooks', NOTEBOOK), join(root, copy));
  lab = await startLab(root, join(home, 'jupyter'), { OTBOOK_FIGURES_ROOT: join(home, 'figures'), OTBOOK_RESULTS_ROOT: join(home, 'results') });
  context = await chromium.launchPersistentContext(join(home, 'chromium-profile'), {
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS],
  });
});

after(async () => {
  await context?.close().catch(() => undefined);
  await lab?.stop();
  if (process.env.OTBOOK_KEEP_LAB_TEST !== '1') rmSync(home, { recursive: true, force: true });
});

/** The notebook on screen (JupyterLab keeps other open documents in the page, hidden). */
const PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden)';

interface FigureState {
  /** Which renderer drew each figure: the plotly extension's (from the Plotly JSON) or the HTML renderer (otbook's script). */
  readonly renderers: readonly string[];
  readonly svgs: number;
  readonly points: number;
  readonly text: string;
}

async function figureState(page: Page): Promise<FigureState> {
  return page.evaluate((panel) => {
    const outputs = Array.from(document.querySelectorAll(`${panel} .jp-OutputArea-output`));
    const svgs = outputs.reduce((s, o) => s + o.querySelectorAll('svg.main-svg').length, 0);
    const points = outputs.reduce((s, o) => s + o.querySelectorAll('.scatterlayer .point').length, 0);
    const text = outputs.map((o) => (o.textContent ?? '').trim()).join(' | ');
    const renderers = outputs
      .filter((o) => o.querySelector('svg.main-svg'))
      .map((o) => (o.classList.contains('jp-RenderedPlotly') ? 'plotly-extension' : o.classList.contains('jp-RenderedHTMLCommon') ? 'html' : o.className));
    return { renderers, svgs, points, text: text.slice(0, 600) };
  }, PANEL);
}

/**
 * Waits until a Plotly figure with data points is drawn in an output; fails with what the outputs show. JupyterLab
 * renders a loaded notebook's cells only as they come into view, so the notebook is scrolled through, half a screen
 * per poll, while waiting; and the plotly extension shows a figure loaded from the file as a PNG snapshot until
 * the pointer enters it, so the wait does what a reader's pointer does.
 */
async function expectFigure(page: Page, what: string): Promise<FigureState> {
  try {
    await page.waitForFunction(
      (panel) => {
        const drawn =
          document.querySelectorAll(`${panel} .jp-OutputArea-output svg.main-svg`).length > 0 &&
          document.querySelectorAll(`${panel} .jp-OutputArea-output .scatterlayer .point`).length > 0;
        // The plotly extension shows a reloaded figure as its PNG snapshot until the pointer enters it.
        for (const img of Array.from(document.querySelectorAll<HTMLElement>(`${panel} .jp-RenderedPlotly img.plot-img`))) {
          if (!drawn && img.style.display !== 'none') img.dispatchEvent(new MouseEvent('mouseenter'));
        }
        const scroller = document.querySelector(`${panel} .jp-WindowedPanel-outer`);
        if (!drawn && scroller) {
          const next = scroller.scrollTop + scroller.clientHeight / 2;
          scroller.scrollTop = next >= scroller.scrollHeight - scroller.clientHeight + 1 ? 0 : next;
        }
        return drawn;
      },
      PANEL,
      { timeout: 45_000, polling: 300 },
    );
  } catch {
    const s = await figureState(page);
    await page.screenshot({ path: join(home, 'no-figure.png') });
    if (process.env.OTBOOK_KEEP_LAB_TEST === '1') {
      const dump = await page.evaluate((panel) => Array.from(document.querySelectorAll(`${panel} .jp-OutputArea-output`)).map((o) => `${o.className} :: ${o.innerHTML.slice(0, 300)}`), PANEL);
      process.stderr.write(`${dump.join('\n')}\n`);
    }
    assert.fail(`${what}: no Plotly figure drawn (svgs ${s.svgs}, points ${s.points}; outputs: ${s.text})`);
  }
  return figureState(page);
}

async function menu(page: Page, top: string, item: RegExp): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${top}$`) }).first().click();
  await page.locator('.lm-Menu-itemLabel', { hasText: item }).first().click();
}

const prompts = (page: Page): Promise<string[]> =>
  page.evaluate((panel) => Array.from(document.querySelectorAll(`${panel} .jp-CodeCell .jp-InputPrompt`)).map((p) => (p.textContent ?? '').trim()), PANEL);

/** Run → Run All Cells, then waits until every code cell shows an execution count. */
async function runAll(page: Page): Promise<void> {
  await menu(page, 'Run', /^Run All Cells$/);
  try {
    await page.waitForFunction(
      (panel) => {
        const ps = Array.from(document.querySelectorAll(`${panel} .jp-CodeCell .jp-InputPrompt`)).map((p) => (p.textContent ?? '').trim());
        return ps.length > 0 && ps.every((p) => /^\[\d+\]:$/.test(p));
      },
      PANEL,
      { timeout: 180_000, polling: 500 },
    );
  } catch {
    await page.screenshot({ path: join(home, 'run-all-timeout.png') });
    assert.fail(`Run All did not finish in 180 s: prompts ${JSON.stringify(await prompts(page))}; screenshot ${join(home, 'run-all-timeout.png')}`);
  }
}

/**
 * Starts the notebook's kernel through the REST API, as the front-end would, so that the page finds a session with
 * a kernel: on a first load JupyterLab may otherwise ask which kernel to start.
 */
async function startSession(notebook: string): Promise<string> {
  if (!lab) throw new Error('no server');
  const r = await fetch(`${lab.url}/api/sessions?token=${lab.token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ path: notebook, name: notebook, type: 'notebook', kernel: { name: 'tslab' } }),
  });
  assert.ok(r.ok, `starting a session for ${notebook}: HTTP ${r.status}`);
  return ((await r.json()) as { id: string }).id;
}

async function stopSession(id: string): Promise<void> {
  if (lab) await fetch(`${lab.url}/api/sessions/${id}?token=${lab.token}`, { method: 'DELETE' }).catch(() => undefined);
}

async function open(page: Page, path: string): Promise<void> {
  if (!lab) throw new Error('no server');
  await page.goto(`${lab.url}${path}?token=${lab.token}${path.startsWith('/lab') ? '&reset' : ''}`, { waitUntil: 'domcontentloaded' });
  await kernelIdle(page);
}

/**
 * Waits until the notebook's kernel is connected and idle: Run All before that opens a "Select Kernel" dialog. The
 * execution indicator says 'idle' before any kernel is attached, so the toolbar must also name the kernel.
 */
async function kernelIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    (panel) =>
      (document.querySelector(`${panel} .jp-Toolbar-kernelName`)?.textContent ?? '').trim() === 'TypeScript' &&
      document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator`)?.getAttribute('data-status') === 'idle' &&
      document.querySelector(`${panel} .jp-Notebook .jp-CodeCell`) !== null,
    PANEL,
    { timeout: 90_000, polling: 250 },
  );
}

/**
 * Saves through the UI and waits until the file holds the figure output. The file is read from disk, not through
 * the server: a contents request that lands during the server's atomic write moves the half-written file aside.
 */
async function save(page: Page, notebook: string): Promise<void> {
  if (!lab) throw new Error('no server');
  await menu(page, 'File', /^Save( Notebook)?$/);
  const t0 = Date.now();
  for (;;) {
    try {
      const nb = JSON.parse(readFileSync(join(lab.root, notebook), 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
      if (nb.cells.some((c) => (c.outputs ?? []).some((o) => o.data?.['text/html'] !== undefined))) return;
    } catch {
      // being written
    }
    if (Date.now() - t0 > 30_000) assert.fail('the notebook was not saved with its figure output');
    await new Promise((r) => setTimeout(r, 250));
  }
}

type Renderer = 'plotly-extension' | 'html';

/** A page on one notebook, with its steps timed (reported as test diagnostics: what the test costs). */
class NotebookPage {
  private readonly errors: string[] = [];
  private readonly times: string[] = [];
  private constructor(
    readonly page: Page,
    private readonly notebook: string,
    private readonly label: string,
  ) {
    page.on('pageerror', (e) => this.errors.push(e.message));
  }

  static async open(front: '/lab/tree' | '/notebooks', notebook: string, label: string): Promise<NotebookPage> {
    if (!context) throw new Error('no browser');
    const p = new NotebookPage(await context.newPage(), notebook, label);
    await p.timed('open', () => open(p.page, `${front}/${notebook}`));
    return p;
  }

  private async timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    const out = await fn();
    this.times.push(`${step} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return out;
  }

  runAll = (): Promise<void> => this.timed('run all', () => runAll(this.page));
  save = (): Promise<void> => this.timed('save', () => save(this.page, this.notebook));
  reload = (): Promise<void> =>
    this.timed('reload', async () => {
      await this.page.reload({ waitUntil: 'domcontentloaded' });
      await kernelIdle(this.page);
    });

  async expectFigure(when: string, renderer: Renderer): Promise<void> {
    const s = await this.timed('figure', () => expectFigure(this.page, `${this.label}, ${when}`));
    assert.deepEqual(s.renderers, [renderer], `${this.label}, ${when}: drawn by ${s.renderers.join(', ')}, expected ${renderer}`);
  }

  async close(t: { diagnostic: (m: string) => void }): Promise<void> {
    t.diagnostic(`${this.label}: ${this.times.join(', ')}`);
    await this.page.close();
    // Errors of the front-ends themselves (Notebook 7 reports some at every load) are not this test's business.
    assert.deepEqual(this.errors.filter((e) => /plotly|otbook/i.test(e)), [], `${this.label}: page errors`);
  }
}

test('JupyterLab with the plotly extension: notebook 00 runs through the UI, its figure renders, and after saving and reloading', { skip: skip ?? false }, async (t) => {
  lab?.setDisabledExtensions([]);
  const session = await startSession(COPIES[0]);
  const p = await NotebookPage.open('/lab/tree', COPIES[0], 'JupyterLab + jupyterlab-plotly');
  try {
    await p.runAll();
    await p.expectFigure('after Run All', 'plotly-extension');
    await p.save();
    await p.reload();
    await p.expectFigure('after saving and reloading (outputs from the file)', 'plotly-extension');
    // jupyter_server names the notebook to the kernel (JPY_SESSION_NAME): its figures go to figures/<notebook>/.
    assert.ok(existsSync(join(home, 'figures', COPIES[0].replace(/\.ipynb$/, ''), 'one-to-many-pair.png')), 'figures/<notebook>/one-to-many-pair.png');
  } finally {
    await p.close(t);
    await stopSession(session);
  }
});

// Without the extension, the figure's HTML output draws it with the plotly.js that otbook embeds. These two tests
// failed before lib/plots/show.ts re-embedded plotly.js after each front-end connection: a reloaded page, or a
// second tab, on a running kernel got figures without plotly.js ("plotly.js is not loaded on this page").
let htmlSession: string | null = null;

test('JupyterLab without the plotly extension: the figure renders after Run All, after a reload and Run All on the running kernel, and after saving and reloading', { skip: skip ?? false }, async (t) => {
  lab?.setDisabledExtensions([PLOTLY_EXTENSION]);
  htmlSession = await startSession(COPIES[1]);
  const p = await NotebookPage.open('/lab/tree', COPIES[1], 'JupyterLab without jupyterlab-plotly');
  try {
    await p.runAll();
    await p.expectFigure('after Run All', 'html');
    await p.reload(); // unsaved: the page loses the outputs, the kernel keeps running
    await p.runAll();
    await p.expectFigure('after a reload and Run All on the running kernel', 'html');
    await p.save();
    await p.reload();
    await p.expectFigure('after saving and reloading (outputs from the file)', 'html');
  } finally {
    await p.close(t);
  }
});

test('Notebook 7 without the plotly extension, a second tab on the same running kernel: the figure renders after Run All', { skip: skip ?? false }, async (t) => {
  lab?.setDisabledExtensions([PLOTLY_EXTENSION]);
  const p = await NotebookPage.open('/notebooks', COPIES[1], 'Notebook 7 without jupyterlab-plotly');
  try {
    await p.runAll();
    await p.expectFigure('after Run All in a second tab on the running kernel', 'html');
  } finally {
    await p.close(t);
    if (htmlSession) await stopSession(htmlSession);
  }
});
