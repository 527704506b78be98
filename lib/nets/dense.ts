import * as tf from '@tensorflow/tfjs-core';
import { denseOp, type DenseActivation } from '../backend/kernels/dense';
import type { Rng } from '../random';
import type { Param } from './module';

/**
 * A dense layer y = x W + b with W of shape [in, out] and a rank-1 bias [out] (broadcasting against a
 * rank-2 [1, out] bias takes a slow path on the cpu backend).
 */
export interface Dense {
  readonly W: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1> | null;
  readonly inputDim: number;
  readonly outputDim: number;
}

/**
 * PyTorch's default initialisation of nn.Linear (Kaiming-uniform with a = √5, which reduces to
 * U(−1/√fan_in, 1/√fan_in) for weights and biases), so that our runs start like the authors' code.
 */
export function denseLayer(rng: Rng, inputDim: number, outputDim: number, bias = true, scale = 1): Dense {
  const bound = scale / Math.sqrt(inputDim);
  const w = rng.fillUniform(new Float32Array(inputDim * outputDim), -bound, bound);
  const W = tf.variable(tf.tensor2d(w, [inputDim, outputDim]));
  const b = bias ? tf.variable(tf.tensor1d(rng.fillUniform(new Float32Array(outputDim), -bound, bound))) : null;
  return { W, b, inputDim, outputDim };
}

/** x W + b, followed by a ReLU when asked (one fused op where the backend has it: lib/backend/kernels/dense.ts). */
export function applyDense(layer: Dense, x: tf.Tensor2D, activation: DenseActivation = 'linear'): tf.Tensor2D {
  return denseOp(x, layer.W, layer.b, activation);
}

export function denseParams(prefix: string, layer: Dense): Param[] {
  const out: Param[] = [{ name: `${prefix}.W`, variable: layer.W }];
  if (layer.b) out.push({ name: `${prefix}.b`, variable: layer.b });
  return out;
}
