import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { applyDense, denseLayer, denseParams, type Dense } from './dense';
import { disposeParams, type Param, type TransportMap } from './module';

export interface ResidualMapOptions {
  readonly width?: number;
  readonly blocks?: number;
  readonly noiseDim?: number;
  readonly noiseStd?: number;
  /** Prefix of the parameter names (default 'T'). */
  readonly name?: string;
}

const silu = (x: tf.Tensor2D) => tf.mul(x, tf.sigmoid(x)) as tf.Tensor2D;

/**
 * Residual MLP map used for DIOTM's 2-D maps (the authors' toy generator from their earlier public code:
 * width 128, 3 residual blocks of SiLU layers, a 2-dimensional z input). Our reading of a block:
 * h ← h + L₂(silu(L₁(silu(h)))). Input [x, z] → L_in → blocks → silu → L_out.
 */
export function residualMap(rng: Rng, dim: number, options: ResidualMapOptions = {}): TransportMap {
  const w = options.width ?? 128;
  const nBlocks = options.blocks ?? 3;
  const noiseDim = options.noiseDim ?? 0;
  const input = denseLayer(rng, dim + noiseDim, w);
  const blocks: Array<[Dense, Dense]> = Array.from({ length: nBlocks }, () => [denseLayer(rng, w, w), denseLayer(rng, w, w)]);
  const output = denseLayer(rng, w, dim);
  const name = options.name ?? 'T';
  const params: Param[] = [
    ...denseParams(`${name}.in`, input),
    ...blocks.flatMap(([a, b], i) => [...denseParams(`${name}.block${i}.0`, a), ...denseParams(`${name}.block${i}.1`, b)]),
    ...denseParams(`${name}.out`, output),
  ];
  return {
    kind: 'residual-mlp',
    dim,
    noiseDim,
    noiseStd: options.noiseStd ?? 1,
    params,
    apply(x, z) {
      if (noiseDim > 0 && !z) throw new Error('stochastic residual map: the noise z is required');
      let h = applyDense(input, noiseDim > 0 && z ? (tf.concat([x, z], 1) as tf.Tensor2D) : x);
      for (const [a, b] of blocks) h = tf.add(h, applyDense(b, silu(applyDense(a, silu(h))))) as tf.Tensor2D;
      return applyDense(output, silu(h));
    },
    dispose: () => disposeParams(params),
  };
}
