import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { otbook } from '../helpers/cli';
import { sharedPlotlyName } from '../../lib/book/static-page';

// CI executes 00-setup-check and one trained notebook at the smoke scale through the real runner (Jupyter,
// tslab), into a temporary book/figures/results tree, then opens the HTML in headless Chromium.
const tmp = mkdtempSync(join(tmpdir(), 'otbook-book-'));
const env = { OTBOOK_BOOK_DIR: join(tmp, 'book'), OTBOOK_FIGURES_ROOT: join(tmp, 'figures'), OTBOOK_RESULTS_ROOT: join(tmp, 'results') };
const jupyter = existsSync('/usr/bin/jupyter-nbconvert') || existsSync('/usr/lib/python3/dist-packages/nbclient');

async function plotsDrawn(html: string): Promise<{ svgs: number; errors: string[] }> {
  const browser = await chromium.launch({
    executablePath: process.env.OTBOOK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${html}`);
    await page.waitForSelector('.plotly .main-svg', { timeout: 30_000 });
    return { svgs: await page.$$eval('.plotly .main-svg', (e) => e.length), errors };
  } finally {
    await browser.close();
  }
}

type ExecutedNotebook = { cells: Array<{ outputs?: Array<{ output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }> }> };

/** Runs one notebook at the smoke scale through `otbook book`; its page must draw at least `figures` Plotly figures without errors. */
async function executedAtSmoke(name: string, figures: number): Promise<ExecutedNotebook> {
  const r = otbook(['book', '--scale', 'smoke', '--only', name], env);
  assert.equal(r.code, 0, r.stderr);
  const { svgs, errors } = await plotsDrawn(join(tmp, 'book', `${name}.html`));
  assert.ok(svgs >= figures, `${svgs} figures drawn`);
  assert.deepEqual(errors, []);
  return JSON.parse(readFileSync(join(tmp, 'book', `${name}.ipynb`), 'utf8')) as ExecutedNotebook;
}

test('00-setup-check runs and its HTML shows the figure', { skip: !jupyter && 'Jupyter is not installed (bash environment/setup.sh)' }, async () => {
  const r = otbook(['book', '--scale', 'smoke', '--only', '00-setup-check'], env);
  assert.equal(r.code, 0, r.stderr);
  const html = join(tmp, 'book', '00-setup-check.html');
  const { svgs, errors } = await plotsDrawn(html);
  assert.ok(svgs >= 1, 'no Plotly figure drawn');
  assert.deepEqual(errors, []);
  for (const ext of ['png', 'svg', 'html']) assert.ok(existsSync(join(tmp, 'figures', '00-setup-check', `one-to-many-pair.${ext}`)), ext);
  // The executed notebook is signed, so classic Notebook trusts its outputs.
  const nb = JSON.parse(readFileSync(join(tmp, 'book', '00-setup-check.ipynb'), 'utf8')) as { metadata: { otbook: { execution: { status: string } } }; cells: Array<{ cell_type: string; execution_count?: number | null; outputs?: unknown[] }> };
  assert.equal(nb.metadata.otbook.execution.status, 'ok');
  assert.ok(existsSync(join(tmp, 'book', 'index.html')));
  // A page to share: its title, numbered cells, no folder of this machine, and plotly.js in one shared file.
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<title>00 · Setup check<\/title>/);
  assert.deepEqual(nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count), [1, 2, 3]);
  assert.doesNotMatch(page, /In&nbsp;\[&nbsp;\]/);
  assert.ok(!page.includes(tmp) && !JSON.stringify(nb.cells).includes(tmp), 'an absolute path of this machine in the outputs');
  assert.match(page, /figures\/00-setup-check\/one-to-many-pair\.png/);
  assert.ok(page.length < 1_500_000, `the page carries plotly.js (${page.length} bytes)`);
  assert.ok(existsSync(join(tmp, 'book', sharedPlotlyName())));
  assert.match(readFileSync(join(tmp, 'book', 'index.html'), 'utf8'), /<img src="\.\.\/figures\/00-setup-check\/one-to-many-pair\.png"/);
});

test('a trained notebook (02-otm-vs-otp) runs end to end at the smoke scale', { skip: !jupyter && 'Jupyter is not installed' }, async () => {
  const nb = await executedAtSmoke('02-otm-vs-otp', 2);
  // One progress display per grid, updated in place (display_id), instead of a line per cell and worker.
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
  const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('') : (v ?? ''));
  const streams = outputs.filter((o) => o.output_type === 'stream').map((o) => text(o.text)).join('');
  assert.doesNotMatch(streams, /worker \d\/\d \[/, 'per-cell worker lines in the notebook');
  const displays = outputs.filter((o) => o.output_type === 'display_data').map((o) => text(o.data?.['text/plain']));
  for (const grid of ['fig3', 'fig5']) {
    // The settings cell shows each grid's settings beside the paper's (issue 19 part 3).
    assert.ok(displays.some((d) => d.startsWith(`Settings of ${grid}'s`) && /iterations\s+40\s+20000/.test(d)), `${grid}: no settings table`);
    const shown = displays.filter((d) => d.startsWith(`${grid} (smoke):`));
    assert.equal(shown.length, 1, `${grid}: ${shown.length} progress displays`);
    assert.match(shown[0], /(\d+)\/\1 cells done, in (\d worker processes|the notebook's kernel); \d+:\d\d elapsed; \1 trained now, 0 found finished/);
  }
  const verdicts = JSON.parse(readFileSync(join(tmp, 'figures', '02-otm-vs-otp', 'verdicts.json'), 'utf8')) as Array<{ verdict: string }>;
  assert.ok(verdicts.length >= 2);
  assert.match(readFileSync(join(tmp, 'book', 'index.html'), 'utf8'), /02-otm-vs-otp/);
  // runs.json says how many cells the run trained, so that a re-render's time is not read as the book's.
  const cellsOf = () => (JSON.parse(readFileSync(join(tmp, 'book', 'runs.json'), 'utf8')) as { runs: Array<{ name: string; producedCells?: { produced: number; of: number } }> }).runs.find((x) => x.name === '02-otm-vs-otp')?.producedCells;
  const first = cellsOf();
  assert.ok(first && first.of > 0 && first.produced === first.of, JSON.stringify(first));
  const again = otbook(['book', '--scale', 'smoke', '--only', '02-otm-vs-otp'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(cellsOf(), { produced: 0, of: first.of });
  assert.match(readFileSync(join(tmp, 'book', 'index.html'), 'utf8'), new RegExp(`0 of ${first.of} cells new in this run`));
});

test('09-your-data runs at the smoke scale: the exact W2², six runs on the example pair, the transport and the test', { skip: !jupyter && 'Jupyter is not installed' }, async () => {
  const nb = await executedAtSmoke('09-your-data', 1);
  const text = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => [o.text, o.data?.['text/plain']].flat().filter(Boolean).join('')).join('\n');
  // The exact W2² of the example pair, as `otbook w2` prints it for the same files (an independent process).
  const w2 = otbook(['w2', '--source', 'data/your-data/source.csv', '--target', 'data/your-data/target.csv', '--json'], env);
  assert.equal(w2.code, 0, w2.stderr);
  const cost = (JSON.parse(w2.stdout) as { cost: number }).cost;
  assert.match(text, new RegExp(`W2² = ${String(Number(cost.toPrecision(4))).replace('.', '\\.')} \\(exact OT`));
  assert.match(text, /your data \(smoke\): .*6\/6 cells done/);
  assert.match(text, /OTP's D_target below OTM's, one-sided Welch t-test at the 95% level, ≥ 3 seeds a side: (OTP lower|OTM lower|within noise)/);
  for (const ext of ['png', 'svg', 'html']) assert.ok(existsSync(join(tmp, 'figures', '09-your-data', `your-data-transport.${ext}`)), ext);
  assert.ok(existsSync(join(tmp, 'figures', '09-your-data', 'your-data.csv')));
});

test('a failing cell makes the runner exit non-zero and print the cell and its error', { skip: !jupyter && 'Jupyter is not installed' }, () => {
  const r = otbook(['book', '--scale', 'smoke', '--only', '00-setup-check'], { ...env, OTBOOK_BACKEND: 'node-gpu' });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /✘ 00-setup-check: cell 1 failed/);
  assert.match(r.stderr, /OTBOOK_BACKEND=node-gpu was requested/);
  assert.match(r.stderr, /\| const info = await backend.selectBackend\(\);/);
});
