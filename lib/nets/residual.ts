import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { applyDense, denseLayer, denseParams, selectDense, type Dense } from './dense';
import { disposeParams, runRngs, type Param, type TransportMap } from './module';

export interface ResidualMapOptions {
  readonly width?: number;
  readonly blocks?: number;
  readonly noiseDim?: number;
  readonly noiseStd?: number;
  /** Prefix of the parameter names (default 'T'). */
  readonly name?: string;
}

const silu = (x: tf.Tensor3D) => tf.mul(x, tf.sigmoid(x)) as tf.Tensor3D;

interface ResidualLayers {
  readonly input: Dense;
  readonly blocks: ReadonlyArray<readonly [Dense, Dense]>;
  readonly output: Dense;
}

/**
 * Residual MLP map used for DIOTM's 2-D maps (the authors' toy generator from their earlier public code:
 * width 128, 3 residual blocks of SiLU layers, a 2-dimensional z input). Our reading of a block:
 * h ← h + L₂(silu(L₁(silu(h)))). Input [x, z] → L_in → blocks → silu → L_out.
 */
export function residualMap(rng: Rng | readonly Rng[], dim: number, options: ResidualMapOptions = {}): TransportMap {
  const rngs = runRngs(rng);
  const w = options.width ?? 128;
  const nBlocks = options.blocks ?? 3;
  const noiseDim = options.noiseDim ?? 0;
  const input = denseLayer(rngs, dim + noiseDim, w);
  const blocks: Array<[Dense, Dense]> = Array.from({ length: nBlocks }, () => [denseLayer(rngs, w, w), denseLayer(rngs, w, w)]);
  const output = denseLayer(rngs, w, dim);
  return residualOf({ input, blocks, output }, dim, noiseDim, options.noiseStd ?? 1, options.name ?? 'T');
}

function residualOf(layers: ResidualLayers, dim: number, noiseDim: number, noiseStd: number, name: string): TransportMap {
  const { input, blocks, output } = layers;
  const params: Param[] = [
    ...denseParams(`${name}.in`, input),
    ...blocks.flatMap(([a, b], i) => [...denseParams(`${name}.block${i}.0`, a), ...denseParams(`${name}.block${i}.1`, b)]),
    ...denseParams(`${name}.out`, output),
  ];
  return {
    kind: 'residual-mlp',
    dim,
    noiseDim,
    noiseStd,
    runs: input.W.shape[0],
    params,
    apply(x, z) {
      if (noiseDim > 0 && !z) throw new Error('stochastic residual map: the noise z is required');
      let h = applyDense(input, noiseDim > 0 && z ? (tf.concat([x, z], 2) as tf.Tensor3D) : x);
      for (const [a, b] of blocks) h = tf.add(h, applyDense(b, silu(applyDense(a, silu(h))))) as tf.Tensor3D;
      return applyDense(output, silu(h));
    },
    select: (run) =>
      residualOf(
        { input: selectDense(input, run), blocks: blocks.map(([a, b]) => [selectDense(a, run), selectDense(b, run)] as const), output: selectDense(output, run) },
        dim,
        noiseDim,
        noiseStd,
        name,
      ),
    dispose: () => disposeParams(params),
  };
}
