import * as tf from '@tensorflow/tfjs-core';

/**
 * A dense layer y = act(x W + b) as one tfjs op named `OtbookDense`, for backends that register a kernel for
 * it (the native addon does, native.ts). Elsewhere `denseOp` composes matMul, add and relu, as before.
 *
 * Why an op of our own: at the paper's small sizes (d = 2, h = 256, batch 128) a training step is dominated by
 * per-op work in tfjs (dispatch, tape records, clones of saved tensors), not by arithmetic. The composed layer
 * records three ops forward and their gradients add a reshape, a step, a sum and transposed matMuls; this op
 * records one, and its gradient below is the few ops a dense layer's backward pass needs.
 *
 * The gradient, with g = dy ⊙ 1[y > 0] for relu (1[y > 0] = 1[xW + b > 0], so the saved output is enough) and
 * g = dy otherwise: ∂x = g Wᵀ, ∂W = xᵀ g, ∂b = Σ_rows g. It is made of differentiable ops, so gradients of
 * gradients (R1 penalty, HJB) work through it; the engine does not see the path through the saved output y
 * on a second differentiation, which costs nothing here because ∂step(y)/∂y = 0.
 *
 * With a leading run axis (a group of R independent runs: x [R, B, k], W [R, k, n], b [R, n]) the op is R dense
 * layers in one call, run r's block computed exactly as the op computes it for that run alone; its gradient is
 * the same few ops batched over runs (batched matMuls, and the bias gradient Σ_rows g as `sumRows`).
 */
export const DENSE_KERNEL = 'OtbookDense';

export type DenseActivation = 'linear' | 'relu';

export interface DenseAttrs {
  readonly activation: DenseActivation;
}

/**
 * dy · 1[y > 0] (as dy · step(y)) as one op `OtbookReluGrad` where the backend has it, else Step and Multiply.
 * Its own gradient keeps gradients of gradients exact: linear in dy (the same op on the incoming gradient), and
 * zero in y almost everywhere.
 */
export const RELU_GRAD_KERNEL = 'OtbookReluGrad';

function reluGrad<T extends tf.Tensor>(dy: T, y: T): T {
  if (tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) && dy.dtype === 'float32') {
    return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, y }) as T;
  }
  return tf.mul(dy, tf.step(y));
}

const reluGradGradient: tf.GradConfig = {
  kernelName: RELU_GRAD_KERNEL,
  inputsToSave: ['y'],
  gradFunc: (ddx, saved) => {
    const [y] = saved;
    return { dy: () => reluGrad(ddx as tf.Tensor, y), y: () => tf.zerosLike(y) };
  },
};

/**
 * Σ_i x[r, i, j] for each run r: x [R, B, n] → [R, n] (a batched dense layer's bias gradient), as one op
 * `OtbookSumRows` where the backend has it. Its native kernel adds the rows of each run in float, in row order,
 * as the leading-axis sum of one run does (tf.sum(g, 0), the bias gradient of a layer without a run axis), so a
 * run's gradient is the same alone and in a group; elsewhere it is tf.sum(x, 1).
 */
export const SUM_ROWS_KERNEL = 'OtbookSumRows';

export function sumRows(x: tf.Tensor3D): tf.Tensor2D {
  if (tf.getKernel(SUM_ROWS_KERNEL, tf.getBackend()) && x.dtype === 'float32') {
    return tf.engine().runKernel(SUM_ROWS_KERNEL, { x }) as tf.Tensor2D;
  }
  return tf.sum(x, 1);
}

const sumRowsGradient: tf.GradConfig = {
  kernelName: SUM_ROWS_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as tf.Tensor3D[];
    return { x: () => tf.mul(tf.expandDims(dy as tf.Tensor2D, 1), tf.onesLike(x)) };
  },
};

const denseGradient: tf.GradConfig = {
  kernelName: DENSE_KERNEL,
  inputsToSave: ['x', 'W'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, W, y] = saved;
    // Computed once for all three closures: the backward pass runs inside the engine's tidy, which frees it.
    const d = dy as tf.Tensor;
    const g = (attrs as unknown as DenseAttrs).activation === 'relu' ? reluGrad(d, y) : d;
    return {
      x: () => tf.matMul(g, W, false, true),
      W: () => tf.matMul(x, g, true, false),
      b: () => (g.rank === 3 ? sumRows(g as tf.Tensor3D) : tf.sum(g, 0)),
    };
  },
};

let gradientRegistered = false;

/** Registers the ops' gradients (backend-independent; idempotent). Called by the backends that add the kernels. */
export function registerDenseGradient(): void {
  if (gradientRegistered) return;
  tf.registerGradient(denseGradient);
  tf.registerGradient(reluGradGradient);
  tf.registerGradient(sumRowsGradient);
  gradientRegistered = true;
}

/** Whether the active backend runs `OtbookDense` as one kernel. */
export function denseKernelActive(): boolean {
  return tf.getKernel(DENSE_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * act(x W + b), as one op where the backend has the kernel, else as matMul, add and relu. Without a run axis:
 * x [B, k], W [k, n], b [n]; with one: x [R, B, k], W [R, k, n], b [R, n] (R independent layers).
 */
export function denseOp<T extends tf.Tensor2D | tf.Tensor3D>(x: T, W: T, b: tf.Tensor | null, activation: DenseActivation): T {
  if (x.rank !== W.rank || (b && b.rank !== x.rank - 1)) {
    throw new Error(`denseOp: x [${x.shape}], W [${W.shape}] and b [${b?.shape ?? ''}] must be [B, k], [k, n], [n] or [R, B, k], [R, k, n], [R, n]`);
  }
  if (denseKernelActive() && x.dtype === 'float32') {
    const inputs: tf.NamedTensorMap = b ? { x, W, b } : { x, W };
    const attrs: DenseAttrs = { activation };
    return tf.engine().runKernel(DENSE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as T;
  }
  const z = tf.matMul(x, W);
  const zb = b ? tf.add(z, x.rank === 3 ? tf.expandDims(b, 1) : b) : z;
  return (activation === 'relu' ? tf.relu(zb) : zb) as T;
}
