import * as tf from '@tensorflow/tfjs-core';

/**
 * E α‖x − y‖² over a batch of pairs (rows of x and y). The solvers' cost; lib/costs documents the α and ½
 * conventions of the papers.
 */
export function quadraticCostMean(x: tf.Tensor2D, y: tf.Tensor2D, alpha: number): tf.Scalar {
  return tf.mul(alpha, tf.mean(tf.sum(tf.square(tf.sub(x, y)), 1))) as tf.Scalar;
}
