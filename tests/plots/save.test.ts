import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { pointCloud } from '../../lib/points';
import { UserError } from '../../lib/errors';
import { COLORS, chromiumPath, closeBrowser, pngSize, save, transportFigure } from '../../lib/plots';
import type { Figure } from '../../lib/plots';
import { withPlotlyPage } from '../../lib/plots/browser';
import { figureHtml } from '../../lib/plots/html';

const dir = mkdtempSync(join(tmpdir(), 'otbook-save-'));
after(async () => {
  await closeBrowser();
  rmSync(dir, { recursive: true, force: true });
});

// 5 source points and their images: every marker is countable in the SVG
const src = pointCloud(Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5]), 2);
const img = pointCloud(Float32Array.from([3, 3, 4, 3, 3, 4, 4, 4, 3.5, 3.5]), 2);
const fig: Figure = transportFigure({ source: src, mapped: img }, { title: 'save test', width: 400, height: 300 });

test('save writes a PNG (signature, size = layout × scale), an SVG with the traces and a self-contained HTML', async (t) => {
  const t0 = performance.now();
  const out = await save(fig, 'scatter', { dir, scale: 2 });
  t.diagnostic(`first save (browser launch + 3 files): ${(performance.now() - t0).toFixed(0)} ms`);
  assert.deepEqual(Object.keys(out).sort(), ['html', 'png', 'svg']);
  const png = readFileSync(out.png as string);
  assert.deepEqual(pngSize(png), { width: 800, height: 600 });
  const svg = readFileSync(out.svg as string, 'utf8');
  assert.match(svg, /^<svg[^>]*width="400"[^>]*height="300"/);
  // 5 source + 5 T(x) markers, T(x) in the paper's red, and the legend names
  assert.equal((svg.match(/class="point"/g) ?? []).length, 10);
  const red = COLORS.mapped.slice(1).match(/../g)?.map((h) => parseInt(h, 16)).join(', ');
  assert.ok(svg.includes(`fill: rgb(${red})`), `T(x) markers drawn in rgb(${red})`);
  for (const name of ['source', 'T(x)', 'x → T(x)']) assert.ok(svg.includes(`>${name}<`), `legend entry ${name}`);
  const html = readFileSync(out.html as string, 'utf8');
  assert.ok(html.length > 1_000_000 && !/<script[^>]+src=/.test(html), 'plotly.js inlined, no external script');
  assert.ok(html.includes('Plotly.newPlot'));
  const t1 = performance.now();
  for (let k = 0; k < 10; k++) await save(fig, `warm${k}`, { dir, formats: ['png'] });
  t.diagnostic(`10 more PNGs with the warm browser: ${(performance.now() - t1).toFixed(0)} ms`);
});

test('figure outputs draw in any order: a figure rendered before the plotly.js output waits for it', async () => {
  const later = figureHtml(fig, 'fig-later', false);
  const first = figureHtml(fig, 'fig-first', true);
  const drawn = await withPlotlyPage(async (page) => {
    const browser = page.context().browser();
    assert.ok(browser);
    const p = await browser.newPage();
    try {
      await p.setContent(`<!DOCTYPE html><html><body>${later}${first}</body></html>`);
      await p.waitForFunction(() => document.querySelectorAll('.otbook-plotly .main-svg').length >= 4, null, { timeout: 30_000 });
      // awaited here, not returned as a promise: the finally block closes the page
      return await p.evaluate(() => Array.from(document.querySelectorAll('.otbook-plotly')).map((d) => d.querySelectorAll('.point').length));
    } finally {
      await p.close();
    }
  });
  assert.deepEqual(drawn, [10, 10]);
});

test('a missing or broken browser is a one-line UserError naming the package', async () => {
  await closeBrowser();
  const saved = process.env.OTBOOK_CHROMIUM;
  process.env.OTBOOK_CHROMIUM = '/nonexistent/otbook/chromium';
  try {
    assert.throws(chromiumPath, (e: unknown) => e instanceof UserError && !e.message.includes('\n') && /chromium' package/.test(e.message));
    await assert.rejects(save(fig, 'nobrowser', { dir, formats: ['png'] }), (e: unknown) => e instanceof UserError && /OTBOOK_CHROMIUM/.test(e.message));
    process.env.OTBOOK_CHROMIUM = '/bin/false'; // runnable, but not a browser
    await assert.rejects(save(fig, 'notabrowser', { dir, formats: ['png'] }), (e: unknown) => e instanceof UserError && !e.message.includes('\n') && /did not start/.test(e.message));
  } finally {
    if (saved === undefined) delete process.env.OTBOOK_CHROMIUM;
    else process.env.OTBOOK_CHROMIUM = saved;
  }
});

test('bad names and formats are UserErrors', async () => {
  await assert.rejects(save(fig, '../escape', { dir }), UserError);
  await assert.rejects(save(fig, 'x', { dir, formats: ['pdf' as 'png'] }), UserError);
});

test('a script that saved a figure exits by itself (the open browser does not hold the process)', (t) => {
  const lib = resolve(__dirname, '..', '..', 'lib', 'plots');
  const script = join(dir, 'exit-check.ts');
  writeFileSync(
    script,
    `import { save, transportFigure } from ${JSON.stringify(lib)};\n` +
      `import { pointCloud } from ${JSON.stringify(resolve(__dirname, '..', '..', 'lib', 'points'))};\n` +
      `const p = pointCloud(Float32Array.from([0, 0, 1, 1]), 2);\n` +
      `save(transportFigure({ source: p }), 'exit-check', { dir: ${JSON.stringify(dir)}, formats: ['png'] }).then(() => console.log('saved'));\n`,
  );
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 90_000 });
  t.diagnostic(`child process: ${(performance.now() - t0).toFixed(0)} ms, cold start to exit`);
  assert.equal(r.signal, null, `the child was killed by the timeout (it hung): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /saved/);
  assert.deepEqual(pngSize(readFileSync(join(dir, 'exit-check.png'))), { width: 1040, height: 920 });
});
