import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { closeBrowser } from '../../lib/plots';
import { withPlotlyPage } from '../../lib/plots/browser';
import { PLOTLY_EMBED_MARK } from '../../lib/plots/html';
import { PLOTLY_MIME } from '../../lib/plots/show';
import { ROOT, executeNotebook, notebookSkipReason, notebookToHtml } from './notebook-helper';

const skip = notebookSkipReason(['plots', 'data']);
if (skip) process.stderr.write(`tests/plots/notebook.test.ts skipped: ${skip}\n`);

const dir = mkdtempSync(join(tmpdir(), 'otbook-nb-'));
after(async () => {
  await closeBrowser();
  rmSync(dir, { recursive: true, force: true });
});

test('a tslab notebook shows figures inline: Plotly JSON + HTML + text, plotly.js once, drawn in nbconvert HTML', { skip: skip ?? false }, async (t) => {
  const nb = executeNotebook(dir, 'figures', [
    `import * as plots from ${JSON.stringify(join(ROOT, 'dist', 'plots'))};\n` +
      `import { pointCloud } from ${JSON.stringify(join(ROOT, 'dist', 'points'))};\n` +
      `const p = pointCloud(Float32Array.from([0, 0, 1, 1, 2, 0]), 2);\n` +
      `plots.show(plots.transportFigure({ source: p, mapped: p }, { title: 'one' }))`,
    `plots.show(plots.lossCurvesFigure([{ name: 'loss', values: [3, 2, 1] }], { logY: true }))`,
  ]);
  t.diagnostic(`nbconvert --execute: ${nb.ms.toFixed(0)} ms`);
  const shown = nb.outputs.map((outs) => outs.filter((o) => o.output_type === 'display_data'));
  assert.deepEqual(shown.map((s) => s.length), [1, 1], JSON.stringify(nb.outputs).slice(0, 2000));
  const [a, b] = shown.map((s) => s[0].data ?? {});
  for (const d of [a, b]) {
    assert.deepEqual(Object.keys(d).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    assert.equal(typeof d[PLOTLY_MIME], 'object');
    assert.ok(Array.isArray((d[PLOTLY_MIME] as { data?: unknown }).data));
  }
  const html = (d: Record<string, unknown>): string => (Array.isArray(d['text/html']) ? d['text/html'].join('') : String(d['text/html']));
  assert.ok(html(a).includes(PLOTLY_EMBED_MARK));
  assert.ok(!html(b).includes(PLOTLY_EMBED_MARK));
  // no stray output such as a printed return value
  assert.ok(nb.outputs.flat().every((o) => o.output_type === 'display_data'), JSON.stringify(nb.outputs.flat().filter((o) => o.output_type !== 'display_data')));

  const page = notebookToHtml(nb.path);
  const result = await withPlotlyPage(async (p0) => {
    const browser = p0.context().browser();
    assert.ok(browser);
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    try {
      await p.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: 60_000 });
      await p.waitForFunction(() => document.querySelectorAll('.otbook-plotly .main-svg').length >= 4, null, { timeout: 30_000 });
      const points = await p.evaluate(() => Array.from(document.querySelectorAll('.otbook-plotly')).map((d) => d.querySelectorAll('.point').length));
      return { points, errors };
    } finally {
      await p.close();
    }
  });
  assert.deepEqual(result.errors, []);
  assert.equal(result.points.length, 2);
  assert.equal(result.points[0], 6, 'both clouds of 3 points drawn in the first figure');
});
