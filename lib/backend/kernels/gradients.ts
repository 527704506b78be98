import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of gradients that tfjs 4.22 gets wrong. Its gradients of Tanh, Sigmoid, Exp and Elu read the
 * op's saved *output*; the engine records the clone that saves it on the tape before the op itself, so a
 * second differentiation does not see the path through that output and drops its terms: d²/dx² Σ tanh(x)
 * throws "Cannot compute gradient", and compositions (e.g. tanh written with exp) return wrong numbers
 * without any error. (Softplus, Sqrt, Log1p, Erf, Sin, Square read their input and are right.)
 * And comparisons (Greater, LessEqual, …) have no gradient at all, so second derivatives through LeakyRelu
 * or Relu6, whose gradients use them, throw.
 *
 * These replacements compute the same first derivatives from the saved input, and give comparisons the
 * zero gradient they have almost everywhere. First-order results are unchanged (same formulas); the price
 * is one recomputed tanh/sigmoid/exp per backward pass through such an op. ReLU networks never need this
 * (relu's gradient, dy·step(x), is right to every order), but R1 penalties and HJB regularisers on
 * smooth networks do.
 */
const FIXED: tf.GradConfig[] = [
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      return { x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(tf.tanh(x))), dy as tf.Tensor) };
    },
  },
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      return {
        x: () => {
          const s = tf.sigmoid(x);
          return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(tf.scalar(1), s)));
        },
      };
    },
  },
  {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) };
    },
  },
  {
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      const g = dy as tf.Tensor;
      return { x: () => tf.where(tf.greater(x, tf.scalar(0)), g, tf.mul(g, tf.exp(x))) };
    },
  },
  ...['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'].map(
    (kernelName): tf.GradConfig => ({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved as tf.Tensor[];
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    }),
  ),
];

const originals = new Map<string, tf.GradConfig | undefined>();

/** Registers the fixed gradients (all backends; gradients are backend-independent). Always true. */
export function installSecondOrderGradientFixes(): boolean {
  for (const g of FIXED) {
    if (!originals.has(g.kernelName)) originals.set(g.kernelName, tf.getGradient(g.kernelName));
    tf.registerGradient(g);
  }
  return true;
}

/** Puts tfjs's own gradients back (for tests). */
export function uninstallSecondOrderGradientFixes(): void {
  for (const [name, g] of originals) {
    tf.unregisterGradient(name);
    if (g) tf.registerGradient(g);
  }
  originals.clear();
}
