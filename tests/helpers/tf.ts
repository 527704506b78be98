import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from '../../lib/backend';

/** Tests run on the backend forced by OTBOOK_TEST_BACKEND (default cpu: exact and deterministic). */
export async function useTestBackend(choice?: BackendChoice): Promise<void> {
  await selectBackend({ force: choice ?? (process.env.OTBOOK_TEST_BACKEND as BackendChoice | undefined) ?? 'cpu', announce: false });
}

export function setVariable(v: tf.Variable, values: number[] | number[][] | number[][][]): void {
  v.assign(tf.tensor(values, v.shape));
}

export function close(actual: number, expected: number, tol: number, what = ''): void {
  if (!(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what} expected ${expected}, got ${actual} (tolerance ${tol})`);
  }
}
