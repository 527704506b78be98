import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

/**
 * What a loss may use besides its batch: the outer iteration k (0-based), the total K, and random draws. The
 * runs of a group each draw from their own Rng (lib/runs.ts): a draw of shape s is [R, …s], run r's block
 * filled from run r's stream in the order a run alone draws it, so a run is a deterministic function of its
 * seed whatever group it trains in, and a resumed run continues exactly (each stream's state is checkpointed).
 */
export class StepContext {
  readonly rngs: readonly Rng[];

  constructor(
    rng: Rng | readonly Rng[],
    public iteration: number,
    readonly totalIterations: number,
  ) {
    this.rngs = Array.isArray(rng) ? (rng as readonly Rng[]) : [rng as Rng];
  }

  get runs(): number {
    return this.rngs.length;
  }

  /** Standard normals [R, …shape], scaled by std. */
  normal(shape: readonly number[], std = 1): tf.Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(this.rngs.length * size);
    this.rngs.forEach((rng, r) => rng.fillNormal(values.subarray(r * size, (r + 1) * size), 0, std));
    return tf.tensor(values, [this.rngs.length, ...shape]);
  }

  /** Standard normals [R, rows, cols], scaled by std. */
  normals(rows: number, cols: number, std = 1): tf.Tensor3D {
    return this.normal([rows, cols], std) as tf.Tensor3D;
  }

  /** Uniforms on [low, high): [R, n]. */
  uniforms(n: number, low = 0, high = 1): tf.Tensor2D {
    const values = new Float32Array(this.rngs.length * n);
    this.rngs.forEach((rng, r) => rng.fillUniform(values.subarray(r * n, (r + 1) * n), low, high));
    return tf.tensor2d(values, [this.rngs.length, n]);
  }
}
