import * as tf from '@tensorflow/tfjs-core';
import { denseOp, type DenseActivation } from '../backend/kernels/dense';
import type { Rng } from '../random';
import { perRunVariable, selectVariable, type Param } from './module';

/**
 * Dense layers y = x W + b of R runs: W [R, in, out], b [R, out] (lib/runs.ts). A rank-1-per-run bias keeps the
 * cpu backend on its fast broadcasting path.
 */
export interface Dense {
  readonly W: tf.Variable<tf.Rank.R3>;
  readonly b: tf.Variable<tf.Rank.R2> | null;
  readonly inputDim: number;
  readonly outputDim: number;
}

/**
 * PyTorch's default initialisation of nn.Linear (Kaiming-uniform with a = √5, which reduces to
 * U(−1/√fan_in, 1/√fan_in) for weights and biases), so that our runs start like the authors' code. Each run draws
 * W then b from its own Rng.
 */
export function denseLayer(rngs: readonly Rng[], inputDim: number, outputDim: number, bias = true, scale = 1): Dense {
  const bound = scale / Math.sqrt(inputDim);
  const uniform = (rng: Rng, size: number) => rng.fillUniform(new Float32Array(size), -bound, bound);
  const W = perRunVariable(rngs, [inputDim, outputDim], uniform) as tf.Variable<tf.Rank.R3>;
  const b = bias ? (perRunVariable(rngs, [outputDim], uniform) as tf.Variable<tf.Rank.R2>) : null;
  return { W, b, inputDim, outputDim };
}

/** x W + b for each run ([R, B, in] → [R, B, out]), followed by a ReLU when asked (one fused op where the backend has it). */
export function applyDense(layer: Dense, x: tf.Tensor3D, activation: DenseActivation = 'linear'): tf.Tensor3D {
  return denseOp(x, layer.W, layer.b, activation);
}

/** Run r's layer alone, with its own copy of the weights. */
export function selectDense(layer: Dense, run: number): Dense {
  return {
    W: selectVariable(layer.W, run) as tf.Variable<tf.Rank.R3>,
    b: layer.b ? (selectVariable(layer.b, run) as tf.Variable<tf.Rank.R2>) : null,
    inputDim: layer.inputDim,
    outputDim: layer.outputDim,
  };
}

export function denseParams(prefix: string, layer: Dense): Param[] {
  const out: Param[] = [{ name: `${prefix}.W`, variable: layer.W }];
  if (layer.b) out.push({ name: `${prefix}.b`, variable: layer.b });
  return out;
}
