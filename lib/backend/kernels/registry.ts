import * as tf from '@tensorflow/tfjs-core';

/**
 * Replacing tfjs kernels while keeping the originals, so that a patch can be removed again (tests compare
 * patched and unpatched kernels in one process) and so that a patch can delegate to the kernel it wraps.
 */
const originals = new Map<string, tf.KernelConfig | null>();

const key = (name: string, backendName: string): string => `${backendName}/${name}`;

/** The kernel registered before our first patch of it (null when there was none), or the current one. */
export function originalKernel(name: string, backendName: string): tf.KernelConfig | undefined {
  const k = key(name, backendName);
  if (originals.has(k)) return originals.get(k) ?? undefined;
  return tf.getKernel(name, backendName);
}

/** Registers `kernelFunc` for (name, backend) in place of whatever is there; remembers the first original. */
export function replaceKernel(name: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  const k = key(name, backendName);
  const current = tf.getKernel(name, backendName);
  if (!originals.has(k)) originals.set(k, current ?? null);
  if (current) tf.unregisterKernel(name, backendName);
  // setupFunc of the original has already run on the live backend; keeping it lets a re-initialised backend
  // set up the wasm functions our wrapper delegates to.
  const setupFunc = originals.get(k)?.setupFunc;
  tf.registerKernel({ kernelName: name, backendName, kernelFunc, ...(setupFunc ? { setupFunc } : {}) });
}

/** Puts the original kernel back (or removes ours when there was none). */
export function restoreKernel(name: string, backendName: string): void {
  const k = key(name, backendName);
  if (!originals.has(k)) return;
  if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
  const orig = originals.get(k);
  if (orig) tf.registerKernel(orig);
  originals.delete(k);
}

/** Whether (name, backend) currently runs one of our replacements. */
export function isReplaced(name: string, backendName: string): boolean {
  return originals.has(key(name, backendName));
}
