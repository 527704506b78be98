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

function reluGrad(dy: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  if (tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) && dy.dtype === 'float32') {
    return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, y }) as tf.Tensor2D;
  }
  return tf.mul(dy, tf.step(y));
}

const reluGradGradient: tf.GradConfig = {
  kernelName: RELU_GRAD_KERNEL,
  inputsToSave: ['y'],
  gradFunc: (ddx, saved) => {
    const [y] = saved as tf.Tensor2D[];
    return { dy: () => reluGrad(ddx as tf.Tensor2D, y), y: () => tf.zerosLike(y) };
  },
};

const denseGradient: tf.GradConfig = {
  kernelName: DENSE_KERNEL,
  inputsToSave: ['x', 'W'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, W, y] = saved as tf.Tensor2D[];
    const d = dy as tf.Tensor2D;
    // Computed once for all three closures: the backward pass runs inside the engine's tidy, which frees it.
    const g = (attrs as unknown as DenseAttrs).activation === 'relu' ? reluGrad(d, y) : d;
    return {
      x: () => tf.matMul(g, W, false, true),
      W: () => tf.matMul(x, g, true, false),
      b: () => tf.sum(g, 0),
    };
  },
};

let gradientRegistered = false;

/** Registers the ops' gradients (backend-independent; idempotent). Called by the backends that add the kernels. */
export function registerDenseGradient(): void {
  if (gradientRegistered) return;
  tf.registerGradient(denseGradient);
  tf.registerGradient(reluGradGradient);
  gradientRegistered = true;
}

/** Whether the active backend runs `OtbookDense` as one kernel. */
export function denseKernelActive(): boolean {
  return tf.getKernel(DENSE_KERNEL, tf.getBackend()) !== undefined;
}

/** act(x W + b), as one op where the backend has the kernel, else as matMul, add and relu. */
export function denseOp(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D | null, activation: DenseActivation): tf.Tensor2D {
  if (denseKernelActive() && x.dtype === 'float32') {
    const inputs: tf.NamedTensorMap = b ? { x, W, b } : { x, W };
    const attrs: DenseAttrs = { activation };
    return tf.engine().runKernel(DENSE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  const z = tf.matMul(x, W) as tf.Tensor2D;
  const zb = b ? (tf.add(z, b) as tf.Tensor2D) : z;
  return activation === 'relu' ? tf.relu(zb) : zb;
}
