import * as tf from '@tensorflow/tfjs-core';

/**
 * Loading danfojs-node (DataFrames for result tables) without side effects on the tensor backend.
 *
 * danfojs-node requires '@tensorflow/tfjs-node'. package.json overrides that dependency with a shim that
 * re-exports the pure-JS '@tensorflow/tfjs' (environment/tfjs-node-shim, installed from its packed tarball), so
 * installing danfo downloads no libtensorflow. Should a real tfjs-node ever be what danfo loads, importing it
 * calls tf.setBackend('tensorflow'); we restore the backend that lib/backend selected.
 * Importing danfo costs ~1–1.5 s (it loads the whole @tensorflow/tfjs umbrella), so it is loaded on first use.
 */

export type Danfo = typeof import('danfojs-node');

let danfo: Danfo | null = null;
let importMs = Number.NaN;

/** Runs `fn` and puts the active tfjs backend back if `fn` switched it (an initialised backend switches synchronously). */
export function preservingBackend<T>(fn: () => T): T {
  const before: string | undefined = tf.getBackend();
  try {
    return fn();
  } finally {
    if (before && tf.getBackend() !== before) {
      tf.setBackend(before).catch(() => undefined);
    }
  }
}

/** danfojs-node, loaded once. */
export function loadDanfo(): Danfo {
  if (danfo) return danfo;
  const t0 = performance.now();
  danfo = preservingBackend(() => require('danfojs-node') as Danfo);
  importMs = performance.now() - t0;
  return danfo;
}

/** Milliseconds the first loadDanfo() took (NaN before). */
export function danfoImportMs(): number {
  return importMs;
}
