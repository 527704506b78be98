import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pointCloud } from '../../lib/points';
import { PLOTLY_MIME, figureText, resetPlotlyEmbedding, showWithRoute, transportFigure } from '../../lib/plots';
import type { Figure } from '../../lib/plots';
import { PLOTLY_EMBED_MARK } from '../../lib/plots/html';
import { updatableDisplay, type DisplayContent } from '../../lib/plots/tslab-display';

// A stand-in for tslab's kernel module (node_modules/tslab/dist/jupyter.js): the display module finds it in the
// require cache by path and calls its `lastWriteDisplayData` export, as it does in a real kernel.
const FAKE_KERNEL = join(tmpdir(), 'otbook-fake', 'node_modules', 'tslab', 'dist', 'jupyter.js');
const sent: { content: DisplayContent; update: boolean }[] = [];

/** tslab's handler class: the kernel calls handleKernel() for each kernel_info_request (a front-end connecting). */
class FakeHandler {
  handleKernel(): { protocol_version: string } {
    return { protocol_version: '5.3' };
  }
}

function installFakeKernel(withHandler = false): void {
  const m = new Module(FAKE_KERNEL);
  m.filename = FAKE_KERNEL;
  m.loaded = true;
  m.exports = {
    lastWriteDisplayData: (content: DisplayContent, update: boolean) => sent.push({ content, update }),
    ...(withHandler ? { JupyterHandlerImpl: FakeHandler } : {}),
  };
  require.cache[FAKE_KERNEL] = m;
  (globalThis as { __tslab__?: unknown }).__tslab__ = { exports: {}, require };
}

function removeFakeKernel(): void {
  delete require.cache[FAKE_KERNEL];
  delete (globalThis as { __tslab__?: unknown }).__tslab__;
}

const fig: Figure = transportFigure(
  { source: pointCloud(Float32Array.from([0, 0, 1, 1, 2, 0]), 2), mapped: pointCloud(Float32Array.from([1, 1, 2, 2, 3, 1]), 2) },
  { title: 'a </script> title' },
);

const count = (s: string, sub: string): number => s.split(sub).length - 1;

test('outside a notebook show() sends nothing', () => {
  removeFakeKernel();
  assert.equal(showWithRoute(fig), 'none');
  assert.equal(sent.length, 0);
});

test('in a tslab kernel: one output with Plotly JSON (object), HTML and text; plotly.js only in the first', () => {
  installFakeKernel();
  resetPlotlyEmbedding();
  assert.equal(showWithRoute(fig), 'bundle');
  assert.equal(showWithRoute(fig), 'bundle');
  assert.equal(sent.length, 2);
  const [first, second] = sent.map((s) => s.content.data);
  for (const [i, data] of [first, second].entries()) {
    assert.deepEqual(Object.keys(data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    const json = data[PLOTLY_MIME];
    assert.equal(typeof json, 'object', 'the Plotly JSON must be an object, not a string');
    assert.deepEqual(JSON.parse(JSON.stringify(json)), JSON.parse(JSON.stringify(fig)));
    assert.equal(data['text/plain'], figureText(fig));
    assert.equal(sent[i].update, false);
  }
  const h1 = first['text/html'] as string;
  const h2 = second['text/html'] as string;
  assert.equal(count(h1, PLOTLY_EMBED_MARK), 1);
  assert.equal(count(h2, PLOTLY_EMBED_MARK), 0);
  assert.ok(h1.length > 1_000_000, 'the first output carries plotly.js');
  assert.ok(h2.length < 50_000, `later outputs stay small (${h2.length} bytes)`);
  // the title's "</script>" must not close the script early: one closing tag per <script>
  for (const h of [h1, h2]) assert.equal(count(h, '</script>'), count(h, '<script'));
  const ids = [h1, h2].map((h) => /<div id="([^"]+)"/.exec(h)?.[1]);
  assert.ok(ids[0] && ids[1] && ids[0] !== ids[1], 'each output draws into its own div');
});

test('embedPlotly: reset and "always" embed again, "never" does not', () => {
  installFakeKernel();
  sent.length = 0;
  showWithRoute(fig, { embedPlotly: 'never' });
  showWithRoute(fig, { embedPlotly: 'always' });
  resetPlotlyEmbedding();
  showWithRoute(fig);
  showWithRoute(fig);
  const embeds = sent.map((s) => count(s.content.data['text/html'] as string, PLOTLY_EMBED_MARK));
  assert.deepEqual(embeds, [0, 1, 1, 0]);
});

test('a front-end that connects (reload, second tab) makes the next figure carry plotly.js again, once', () => {
  installFakeKernel(true);
  sent.length = 0;
  resetPlotlyEmbedding();
  showWithRoute(fig);
  showWithRoute(fig);
  // The page is reloaded: the front-end sends kernel_info_request; the kernel's reply is unchanged.
  assert.deepEqual(new FakeHandler().handleKernel(), { protocol_version: '5.3' });
  showWithRoute(fig);
  showWithRoute(fig);
  const embeds = sent.map((s) => count(s.content.data['text/html'] as string, PLOTLY_EMBED_MARK));
  // Before the fix: [1, 0, 0, 0], and the reloaded page drew blank figures.
  assert.deepEqual(embeds, [1, 0, 1, 0]);
});

test('updatableDisplay: one output with a display_id, replaced in place by update_display_data', () => {
  installFakeKernel();
  sent.length = 0;
  const d = updatableDisplay({ 'text/plain': 'a' });
  assert.ok(d);
  d.update({ 'text/plain': 'b' });
  assert.deepEqual(sent.map((s) => [s.content.data['text/plain'], s.update]), [['a', false], ['b', true]]);
  const id = sent[0].content.transient.display_id;
  assert.ok(typeof id === 'string' && id.length > 0);
  assert.equal(sent[1].content.transient.display_id, id);
  removeFakeKernel();
  assert.equal(updatableDisplay({ 'text/plain': 'c' }), null, 'outside a kernel there is nothing to update');
});

test('without the internal writer, falls back to tslab public display.html', () => {
  removeFakeKernel();
  const html: string[] = [];
  (globalThis as { __tslab__?: unknown }).__tslab__ = {
    require: (id: string) => (id === 'tslab' ? { display: { html: (s: string) => html.push(s), text: () => undefined } } : undefined),
  };
  try {
    assert.equal(showWithRoute(fig), 'html-only');
    assert.equal(html.length, 1);
  } finally {
    removeFakeKernel();
  }
});

test('tslab internals relied on are still there (tslab 1.0.22: dist/jupyter.js lastWriteDisplayData)', () => {
  const root = join(__dirname, '..', '..', 'node_modules', 'tslab');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const jupyter = readFileSync(join(root, 'dist', 'jupyter.js'), 'utf8');
  assert.match(jupyter, /exports\.lastWriteDisplayData = writeDisplayData;/, `tslab ${version}: re-check lib/plots/tslab-display.ts`);
  assert.match(jupyter, /reply\.header\.msg_type = update \? "update_display_data" : "display_data";\s*reply\.content = data;/);
  // onFrontendConnect wraps JupyterHandlerImpl.prototype.handleKernel, which answers kernel_info_request.
  assert.match(jupyter, /exports\.JupyterHandlerImpl = JupyterHandlerImpl;/);
  assert.match(jupyter, /reply\.header\.msg_type = "kernel_info_reply";\s*reply\.content = this\.handler\.handleKernel\(\);/);
  const pub = readFileSync(join(root, 'dist', 'public.js'), 'utf8');
  assert.match(pub, /jupyter\.lastWriteDisplayData\(\{\s*data: \{/);
});
