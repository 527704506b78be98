import * as tf from '@tensorflow/tfjs-core';

export type ActivationName = 'relu' | 'silu' | 'leaky-relu' | 'softplus' | 'celu' | 'tanh' | 'linear';
export const ACTIVATIONS: readonly ActivationName[] = ['relu', 'silu', 'leaky-relu', 'softplus', 'celu', 'tanh', 'linear'];

/** Activations that are convex and non-decreasing: the ones an ICNN may use on its z-path. */
export const CONVEX_NONDECREASING: readonly ActivationName[] = ['relu', 'leaky-relu', 'softplus', 'celu', 'linear'];

/** An element-wise activation (any shape). */
export function activate<T extends tf.Tensor>(name: ActivationName, x: T): T {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
    case 'leaky-relu':
      return tf.leakyRelu(x, 0.2);
    case 'softplus':
      return tf.softplus(x);
    case 'celu':
      // CELU with α = 1: x for x > 0, exp(x) − 1 otherwise (convex, non-decreasing, C¹).
      return tf.where(tf.greater(x, 0), x, tf.sub(tf.exp(tf.minimum(x, 0)), 1)) as T;
    case 'tanh':
      return tf.tanh(x);
    case 'linear':
      return x;
  }
}
