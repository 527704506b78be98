import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeBrowser, describeProblems, figureTextProblems, panelGrid, svgTextProblems, textProblems, transportFigure } from '../../lib/plots';
import { paths } from '../../lib/paths';
import { pointCloud } from '../../lib/points';
import { bookFigures } from './book-figures';

/**
 * The book's figures rendered in Chromium: no two texts may overlap, none may stick out of the figure or into a
 * plot area (the layout defects of issue 19: Fig. 1's panel titles over each other, clipped titles in 00 and 08,
 * an x-axis title in the legend in 04 and 08, y-axis titles in the next panel in 07). Before the layout code
 * wrapped titles and sized gaps and margins from their contents, 00, 01, 07 and 08 failed here. Cost: about half a
 * minute for the dozen figures (one browser page, one render each).
 */
const dir = mkdtempSync(join(tmpdir(), 'otbook-layout-'));
after(async () => {
  await closeBrowser();
  rmSync(dir, { recursive: true, force: true });
});

test('textProblems: overlapping boxes, a box outside the figure and a box in a plot area are found; touching ones are not', () => {
  const box = (text: string, x0: number, y0: number, x1: number, y1: number) => ({ text, x0, y0, x1, y1 });
  const problems = textProblems(
    [box('a', 10, 10, 50, 20), box('b', 40, 15, 80, 25), box('c', 80, 25, 120, 35), box('d', 190, 5, 210, 15), box('e', 100, 60, 130, 70)],
    200,
    100,
    [{ x0: 90, y0: 50, x1: 190, y1: 95 }],
  );
  assert.deepEqual(
    problems.map((p) => [p.kind, p.a.text, p.b?.text ?? null]),
    [
      ['outside', 'd', null],
      ['in-plot', 'e', null],
      ['overlap', 'a', 'b'],
    ],
  );
  assert.equal(problems.find((p) => p.kind === 'overlap')?.pixels, 10 * 5);
});

test('the check sees a real overlap: two panel titles wider than their panels, and a title wider than its figure', async () => {
  const p = pointCloud(Float32Array.from([0, 0, 1, 1]), 2);
  // Without wrapping (one word each, as long as two panels), the titles must run into each other.
  const long = 'x'.repeat(60);
  const grid = panelGrid([[{ traces: [], title: long }, { traces: [], title: long }]], { panelWidth: 150 });
  const problems = await figureTextProblems(grid);
  assert.ok(problems.some((q) => q.kind === 'overlap'), describeProblems(problems) || 'no problem found');
  const wide = transportFigure({ source: p }, { title: 'y'.repeat(120), width: 300 });
  assert.ok((await figureTextProblems(wide)).some((q) => q.kind === 'outside'));
});

test('every figure the book draws has no overlapping, clipped or misplaced text', { timeout: 600_000 }, async (t) => {
  const t0 = Date.now();
  const figures = await bookFigures(dir);
  const failures: string[] = [];
  for (const f of figures) {
    const problems = await figureTextProblems(f.figure);
    if (problems.length) failures.push(`${f.name}:\n  ${describeProblems(problems).replace(/\n/g, '\n  ')}`);
  }
  t.diagnostic(`${figures.length} figures checked in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  assert.deepEqual(failures, []);
});

/** figures/<notebook>/*.svg, as the book saved them. */
function savedSvgs(): string[] {
  const root = paths.figures();
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((d) => statSync(d).isDirectory())
    .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.svg')).map((f) => join(d, f)));
}

const saved = savedSvgs();
test('every figure saved under figures/ has no overlapping, clipped or misplaced text', { skip: saved.length === 0 && 'no saved figures (build the book first)', timeout: 600_000 }, async () => {
  const failures: string[] = [];
  for (const f of saved) {
    const problems = await svgTextProblems(readFileSync(f, 'utf8'));
    if (problems.length) failures.push(`${f}:\n  ${describeProblems(problems).replace(/\n/g, '\n  ')}`);
  }
  assert.deepEqual(failures, []);
});
