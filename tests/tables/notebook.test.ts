import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, executeNotebook, notebookSkipReason, streamText } from '../plots/notebook-helper';

const skip = notebookSkipReason(['tables', 'plots', 'backend']);
if (skip) process.stderr.write(`tests/tables/notebook.test.ts skipped: ${skip}\n`);

const dir = mkdtempSync(join(tmpdir(), 'otbook-nb-tables-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('in a tslab notebook danfojs-node imports, keeps the selected backend, and tables show as HTML + text', { skip: skip ?? false }, (t) => {
  const nb = executeNotebook(dir, 'tables', [
    `import * as tf from ${JSON.stringify(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-core'))};\n` +
      `import { selectBackend } from ${JSON.stringify(join(ROOT, 'dist', 'backend'))};\n` +
      `import * as tables from ${JSON.stringify(join(ROOT, 'dist', 'tables'))};\n` +
      `await selectBackend({ announce: false });\n` +
      `const before = tf.getBackend();\n` +
      `tables.loadDanfo();\n` +
      `console.log(\`backend \${before} -> \${tf.getBackend()}; danfo import \${tables.danfoImportMs().toFixed(0)} ms\`);`,
    `tables.showTable(tables.comparisonTable([{ cell: 'Fig. 3', metric: 'W2', paper: 1, ours: [1.01, 0.99] }]), { columns: tables.COMPARISON_DISPLAY })`,
  ]);
  t.diagnostic(`nbconvert --execute: ${nb.ms.toFixed(0)} ms`);
  const log = streamText(nb.outputs[0]);
  t.diagnostic(log.trim());
  const m = /backend (\S+) -> (\S+);/.exec(log);
  assert.ok(m, `no backend line in ${JSON.stringify(nb.outputs[0])}`);
  assert.equal(m[2], m[1]);
  const shown = nb.outputs[1].filter((o) => o.output_type === 'display_data');
  assert.equal(shown.length, 1, JSON.stringify(nb.outputs[1]).slice(0, 1000));
  const data = shown[0].data ?? {};
  assert.deepEqual(Object.keys(data).sort(), ['text/html', 'text/plain']);
  const html = Array.isArray(data['text/html']) ? data['text/html'].join('') : String(data['text/html']);
  assert.match(html, /<table class="otbook-table"/);
  assert.match(html, />1 ± 0\.014 \(n = 2\)</);
  assert.match(html, /<th [^>]*>note<\/th>/);
});
