import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../lib/backend';
import { adamImplementation, installDefaultKernelPatches, KERNEL_PATCHES, wasmMatMulPatchInstalled } from '../../lib/backend/kernels';

test('on wasm, selectBackend installs the matMul, Identity and Adam patches and reports them', async () => {
  installDefaultKernelPatches();
  const info = await selectBackend({ force: 'wasm', announce: false });
  assert.deepEqual(info.kernels, [KERNEL_PATCHES.wasmMatMul, KERNEL_PATCHES.wasmIdentity, KERNEL_PATCHES.wasmAdam, KERNEL_PATCHES.gradients]);
  assert.equal(wasmMatMulPatchInstalled(), true);
  assert.equal(adamImplementation(), 'js-wasm');
  const r = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2]), true, false);
  assert.deepEqual(Array.from(r.dataSync()), [1, 3, 2, 4]);
});
