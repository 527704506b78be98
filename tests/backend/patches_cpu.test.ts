import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, selectBackend } from '../../lib/backend';
import { adamImplementation, installDefaultKernelPatches, KERNEL_PATCHES, loadNative } from '../../lib/backend/kernels';

test('selectBackend installs the registered patches that apply and reports them', async () => {
  installDefaultKernelPatches();
  installDefaultKernelPatches(); // idempotent
  const info = await selectBackend({ force: 'cpu', announce: false });
  assert.equal(backendInfo(), info);
  if (loadNative().addon) {
    assert.deepEqual(info.kernels, [KERNEL_PATCHES.native, KERNEL_PATCHES.gradients]);
    assert.equal(adamImplementation(), 'native');
    assert.notEqual(tf.getKernel('BatchMatMul', 'cpu'), undefined);
  } else {
    assert.deepEqual(info.kernels, [KERNEL_PATCHES.cpuAdam, KERNEL_PATCHES.gradients]);
    assert.equal(adamImplementation(), 'js-cpu');
  }
});

test('native/build.js skips cleanly, in one line and with exit status 0, when it cannot build', () => {
  const script = path.join(__dirname, '..', '..', 'native', 'build.js');
  for (const env of [{ CC: '/nonexistent/cc' }, { OTBOOK_NATIVE: '0' }]) {
    const r = spawnSync(process.execPath, [script], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, JSON.stringify(env));
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0], /^otbook native: skipped \(/);
    assert.equal(r.stderr, '');
  }
});
