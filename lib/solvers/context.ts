import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

/**
 * What a loss may use besides its batch: the outer iteration k (0-based), the total K, and random draws.
 * Every draw comes from the run's one Rng stream, so a run is a deterministic function of its seed and a
 * resumed run continues exactly (the stream's state is checkpointed).
 */
export class StepContext {
  constructor(
    readonly rng: Rng,
    public iteration: number,
    readonly totalIterations: number,
  ) {}

  /** Standard normal tensor scaled by std. */
  normal(shape: readonly number[], std = 1): tf.Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(this.rng.fillNormal(new Float32Array(size), 0, std), shape as number[]);
  }

  normal2d(rows: number, cols: number, std = 1): tf.Tensor2D {
    return this.normal([rows, cols], std) as tf.Tensor2D;
  }

  uniform1d(n: number, low = 0, high = 1): tf.Tensor1D {
    return tf.tensor1d(this.rng.fillUniform(new Float32Array(n), low, high));
  }
}
