import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// Registers the wasm backend even when selectBackend chose cpu (which it does when the native kernels are built).
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../lib/backend';
import { danfoImportMs, loadDanfo, preservingBackend } from '../../lib/tables';

// Runs in its own process (one file = one process): the backend is selected here first, then danfo is imported.

test('importing danfojs-node keeps the backend that lib/backend selected', async (t) => {
  const info = await selectBackend({ announce: false });
  const before = tf.getBackend();
  assert.equal(before, info.tfjsBackend);
  const dfd = loadDanfo();
  t.diagnostic(`danfojs-node import: ${danfoImportMs().toFixed(0)} ms (backend ${before})`);
  assert.equal(tf.getBackend(), before);
  const df = new dfd.DataFrame({ a: [1, 2, 3] });
  assert.deepEqual(df.shape, [3, 1]);
  assert.equal(tf.getBackend(), before);
  assert.equal(loadDanfo(), dfd, 'loaded once');
});

test('preservingBackend puts back a backend switched during the call', async () => {
  await selectBackend({ announce: false });
  const before = tf.getBackend();
  const other = before === 'cpu' ? 'wasm' : 'cpu';
  // initialise `other` first, so that switching to it inside the call is synchronous (as tfjs-node's is)
  await tf.setBackend(other);
  await tf.setBackend(before);
  const seen = preservingBackend(() => {
    void tf.setBackend(other);
    return tf.getBackend();
  });
  assert.equal(seen, other, 'the switch happened inside');
  assert.equal(tf.getBackend(), before, 'and was undone');
});

test('danfojs-node loads the shim, not a native tfjs-node (the package.json override)', () => {
  const fromDanfo = require.resolve('@tensorflow/tfjs-node/package.json', { paths: [dirname(require.resolve('danfojs-node/package.json'))] });
  const pkg = JSON.parse(readFileSync(fromDanfo, 'utf8')) as { version: string };
  assert.match(pkg.version, /otbook-shim/);
});
