import * as tf from '@tensorflow/tfjs-core';

/**
 * A cloud of n points in R^d, row-major: point i is data[i*d .. i*d + d).
 * The one exchange format between samplers, exact OT, metrics, plots and files.
 */
export interface PointCloud {
  readonly n: number;
  readonly d: number;
  readonly data: Float32Array;
}

export function pointCloud(data: Float32Array, d: number): PointCloud {
  if (!Number.isInteger(d) || d <= 0) throw new Error(`pointCloud: dimension must be a positive integer, got ${d}`);
  if (data.length % d !== 0) throw new Error(`pointCloud: ${data.length} values do not split into points of dimension ${d}`);
  return { n: data.length / d, d, data };
}

export function pointsToTensor(p: PointCloud): tf.Tensor2D {
  return tf.tensor2d(p.data, [p.n, p.d], 'float32');
}

/** Reads a [n, d] tensor back into a PointCloud (a read-back: never call it inside a training step). */
export async function tensorToPoints(t: tf.Tensor2D): Promise<PointCloud> {
  const [n, d] = t.shape;
  return { n, d, data: (await t.data()) as Float32Array };
}

/** Coordinate j of every point, for plotting. */
export function column(p: PointCloud, j: number): Float32Array {
  const out = new Float32Array(p.n);
  for (let i = 0; i < p.n; i++) out[i] = p.data[i * p.d + j];
  return out;
}

export function slicePoints(p: PointCloud, start: number, end: number): PointCloud {
  return { n: end - start, d: p.d, data: p.data.subarray(start * p.d, end * p.d) };
}
