import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../lib/random';

/** A float32 tensor of standard normals from our seeded generator. */
export function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(new Float32Array(n), 0, scale), shape);
}

/**
 * |a − b| ≤ tol·(1 + |b|) elementwise: relative for large values, absolute near zero. float32 results of
 * the same mathematics summed in another order differ by a few ulps (≈1e-7 relative) times √(terms).
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    const err = Math.abs(a - b) / (1 + Math.abs(b));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: worst scaled error ${worst.toExponential(2)} > ${tol} at ${at} (${actual[at]} vs ${expected[at]})`);
}

/** Values of a tensor computed by `f`, disposing everything `f` made. */
export function values(f: () => tf.Tensor): Float32Array {
  const t = tf.tidy(f);
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(v);
}
