import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { figureHtml, PLOTLY_EMBED_MARK } from '../../lib/plots/html';
import { closeBrowser, encodePngRgb, transportFigure } from '../../lib/plots';
import { withPlotlyPage } from '../../lib/plots/browser';
import { pointCloud } from '../../lib/points';
import { sharePlotly, sharedPlotlyName, writeSharedPlotly } from '../../lib/book/static-page';
import { verdictSummary, writeBookIndex } from '../../lib/book/index-page';
import { ROOT } from '../helpers/cli';

const tmp = mkdtempSync(join(tmpdir(), 'otbook-static-'));
after(async () => {
  await closeBrowser();
  rmSync(tmp, { recursive: true, force: true });
});

const fig = transportFigure({ source: pointCloud(Float32Array.from([0, 0, 1, 1, 2, 0]), 2) }, { title: 'one' });

test('sharePlotly: the embedded copies go, one <script src> to the shared file comes, and the figures still draw', async () => {
  const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>${figureHtml(fig, 'a', true)}${figureHtml(fig, 'b', false)}${figureHtml(fig, 'c', true)}</body></html>`;
  assert.ok(page.length > 9_000_000, 'two copies of plotly.js in the page');
  const { html, removed } = sharePlotly(page);
  assert.equal(removed, 2);
  assert.ok(html.length < 100_000, `${html.length} bytes left`);
  assert.equal(html.split(`src="${sharedPlotlyName()}"`).length - 1, 1);
  assert.equal(html.split(PLOTLY_EMBED_MARK).length - 1, 2, 'the marked scripts stay (they drain the queue of waiting figures)');
  assert.deepEqual(sharePlotly('<html><head></head><body>no figure</body></html>'), { html: '<html><head></head><body>no figure</body></html>', removed: 0 });
  const dir = join(tmp, 'book');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'page.html'), html);
  writeSharedPlotly(dir);
  const drawn = await withPlotlyPage(async (p0) => {
    const browser = p0.context().browser();
    assert.ok(browser);
    const p = await browser.newPage();
    try {
      await p.goto(pathToFileURL(join(dir, 'page.html')).href, { waitUntil: 'load' });
      await p.waitForFunction(() => document.querySelectorAll('.otbook-plotly .main-svg').length >= 6, null, { timeout: 30_000 });
      // awaited here, not returned as a promise: the finally block closes the page (it raced the evaluation)
      return await p.evaluate(() => Array.from(document.querySelectorAll('.otbook-plotly')).map((d) => d.querySelectorAll('.point').length));
    } finally {
      await p.close();
    }
  });
  assert.deepEqual(drawn, [3, 3, 3]);
});

/** Runs a function of lib/book/execute_notebook.py with Debian's Python (the one the book runner uses). */
function python(fn: string, arg: unknown): unknown {
  const code = `import json, sys, importlib.util\nspec = importlib.util.spec_from_file_location('x', ${JSON.stringify(join(ROOT, 'lib', 'book', 'execute_notebook.py'))})\nm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\nprint(json.dumps(m.${fn}(json.loads(sys.stdin.read()))))`;
  const r = spawnSync(process.env.OTBOOK_PYTHON ?? '/usr/bin/python3', ['-c', code], { input: JSON.stringify(arg), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
const py = existsSync(process.env.OTBOOK_PYTHON ?? '/usr/bin/python3');

test('markdown as written: a * marking an optimum (V*, T*(x), π*) is escaped, emphasis, code and math are not', { skip: !py && 'no Python' }, () => {
  assert.equal(python('escape_mark_stars', 'L(V*, T) = E[V*(T(x))] + E V*(y) for T* and π*'), 'L(V\\*, T) = E[V\\*(T(x))] + E V\\*(y) for T\\* and π\\*');
  const kept = '*spurious* solutions, **bold**, *a* case, `V*` in code, $V^*$ and $$T*$$';
  assert.equal(python('escape_mark_stars', kept), kept);
});

test('the page title is the first heading without its markup', { skip: !py && 'no Python' }, () => {
  const code = `import json, importlib.util\nfrom types import SimpleNamespace as N\nspec = importlib.util.spec_from_file_location('x', ${JSON.stringify(join(ROOT, 'lib', 'book', 'execute_notebook.py'))})\nm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\nnb = N(cells=[N(cell_type='code', source='# not a heading'), N(cell_type='markdown', source='Intro\\n## 03 · Table 1: D\\\\_cost and *D*\\\\_target')])\nprint(json.dumps([m.page_title(nb, '/x/03-table1.ipynb'), m.page_title(N(cells=[]), '/x/03-table1.ipynb')]))`;
  const r = spawnSync(process.env.OTBOOK_PYTHON ?? '/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['03 · Table 1: D_cost and D_target', '03-table1']);
});

test('outputs show this machine’s folders relative to the checkout', { skip: !py && 'no Python' }, () => {
  const code = `import json, importlib.util, nbformat\nspec = importlib.util.spec_from_file_location('x', ${JSON.stringify(join(ROOT, 'lib', 'book', 'execute_notebook.py'))})\nm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\nnb = nbformat.v4.new_notebook()\nc = nbformat.v4.new_code_cell('x')\nc.outputs = [nbformat.v4.new_output('stream', name='stdout', text='results in /w/co/results/t/quick\\n'), nbformat.v4.new_output('display_data', data={'text/plain': "{ png: '/tmp/f/00/a.png', src: '/w/co/lib/x.ts' }"})]\nnb.cells.append(c)\nm.show_paths_relative(nb, [['/w/co', '.'], ['/w/co/results', 'results'], ['/tmp/f', 'figures']])\nprint(json.dumps([c.outputs[0].text, c.outputs[1].data['text/plain']]))`;
  const r = spawnSync(process.env.OTBOOK_PYTHON ?? '/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['results in results/t/quick\n', "{ png: 'figures/00/a.png', src: 'lib/x.ts' }"]);
});

test('the index opens with the summary table (claim, paper, ours, verdict, evidence) and links thumbnails to the figures', () => {
  const env = { OTBOOK_BOOK_DIR: join(tmp, 'b2', 'book'), OTBOOK_FIGURES_ROOT: join(tmp, 'b2', 'figures') };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const figs = join(env.OTBOOK_FIGURES_ROOT, '03-table1-sweep');
    mkdirSync(figs, { recursive: true });
    mkdirSync(env.OTBOOK_BOOK_DIR, { recursive: true });
    writeFileSync(join(env.OTBOOK_BOOK_DIR, '03-table1-sweep.html'), '<html><head><title>03 · Table 1: D_cost &amp; D_target</title></head></html>');
    writeFileSync(join(figs, 'table1 dims.png'), encodePngRgb(new Uint8Array(2 * 2 * 3).fill(200), 2, 2));
    writeFileSync(join(figs, 'table1 dims.html'), '<html></html>');
    writeFileSync(join(figs, 'table1.csv'), 'a\n1\n');
    // Today's record (claim, verdict, detail) beside one with the fields of issue 14's record.
    writeFileSync(
      join(figs, 'verdicts.json'),
      JSON.stringify([
        { claim: 'Old-style claim', verdict: 'partly reproduced', detail: 'd=16: OTP 0.98 vs OTM 2.7' },
        { claim: 'OTP beats OTM at d = 16', verdict: 'not reproduced', detail: 'x', paper: '0.65 vs 73.23', ours: 0.98, evidence: 'paper', reason: 'both at the floor', runs: 6, test: 'seed ranges' },
        { verdict: 'no claim: dropped' },
      ]),
    );
    const run = { name: '03-table1-sweep', status: 'ok' as const, seconds: 12, html: join(env.OTBOOK_BOOK_DIR, '03-table1-sweep.html'), notebook: join(env.OTBOOK_BOOK_DIR, '03-table1-sweep.ipynb') };
    const html = readFileSync(writeBookIndex([run], 'quick'), 'utf8');
    const summary = html.indexOf('<table class="summary">');
    assert.ok(summary > 0 && summary < html.indexOf('<h2>Notebooks</h2>'), 'the summary table comes first');
    assert.match(html, /<th>claim<\/th><th>paper<\/th><th>ours<\/th><th>verdict<\/th><th>evidence level<\/th>/);
    assert.match(html, /OTP beats OTM at d = 16<div class="d">both at the floor · seed ranges<\/div>.*<td>0\.65 vs 73\.23<\/td><td>0\.98<\/td><td class="v no">not reproduced<\/td><td>paper<div class="d">6 runs<\/div>/s);
    assert.match(html, /Old-style claim.*<td><span class="d">—<\/span><\/td><td><span class="d">—<\/span><\/td><td class="v part">partly reproduced<\/td>/s);
    assert.doesNotMatch(html, /no claim: dropped/);
    // Thumbnails link, relative to book/, to the figure's interactive page; names are URL-encoded.
    assert.match(html, /<a href="\.\.\/figures\/03-table1-sweep\/table1%20dims\.html"><img src="\.\.\/figures\/03-table1-sweep\/table1%20dims\.png"/);
    assert.match(html, /href="\.\.\/figures\/03-table1-sweep\/table1\.csv"/);
    assert.match(html, /<h3><a href="03-table1-sweep\.html">03 · Table 1: D_cost &amp; D_target<\/a><\/h3>/);
    assert.ok(!html.includes(tmp), 'no absolute path of this machine');
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('verdictSummary narrows a record: strings and numbers kept, a list of runs counted, anything else left out', () => {
  assert.deepEqual(verdictSummary({ claim: 'c', verdict: 'reproduced', ours: 1.5, paper: null, runs: {}, evidence: 3 }), {
    claim: 'c',
    verdict: 'reproduced',
    detail: undefined,
    paper: null,
    ours: '1.5',
    reason: undefined,
    evidence: '3',
    runs: undefined,
    test: undefined,
  });
  // A verdict record (lib/verdicts/types.ts) names its level and lists the runs it judged.
  const rec = verdictSummary({ claim: 'c', verdict: 'inconclusive', level: 'paper', runs: ['data/runs/table1/paper/a-s0', 'data/runs/table1/paper/a-s1'] });
  assert.equal(rec?.evidence, 'paper');
  assert.equal(rec?.runs, 2);
  assert.equal(verdictSummary('x'), null);
  assert.equal(verdictSummary({ verdict: 'reproduced' }), null);
});
