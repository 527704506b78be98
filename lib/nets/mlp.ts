import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { activate, type ActivationName } from './activations';
import { applyDense, denseLayer, denseParams, type Dense } from './dense';
import { disposeParams, type Param, type Potential, type TransportMap } from './module';

export interface MlpOptions {
  readonly inputDim: number;
  /** Widths of the hidden layers; the paper's synthetic runs use [256] (d ≤ 4) or [1024] (d ≥ 16). */
  readonly hidden: readonly number[];
  readonly outputDim: number;
  readonly activation?: ActivationName;
  readonly name?: string;
}

/** A plain multilayer perceptron (the building block of the paper's potentials and maps). */
export class Mlp {
  readonly layers: readonly Dense[];
  readonly params: readonly Param[];
  readonly activation: ActivationName;

  constructor(
    rng: Rng,
    readonly options: MlpOptions,
  ) {
    const widths = [options.inputDim, ...options.hidden, options.outputDim];
    for (const w of widths) {
      if (!Number.isInteger(w) || w <= 0) throw new Error(`mlp: layer widths must be positive integers, got [${widths.join(', ')}]`);
    }
    this.activation = options.activation ?? 'relu';
    this.layers = widths.slice(1).map((w, i) => denseLayer(rng, widths[i], w));
    const name = options.name ?? 'mlp';
    this.params = this.layers.flatMap((l, i) => denseParams(`${name}.${i}`, l));
  }

  forward(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.layers.forEach((layer, i) => {
      const hidden = i < this.layers.length - 1;
      if (hidden && this.activation === 'relu') {
        h = applyDense(layer, h, 'relu');
      } else {
        h = applyDense(layer, h);
        if (hidden) h = activate(this.activation, h);
      }
    });
    return h;
  }

  dispose(): void {
    disposeParams(this.params);
  }
}

/** Potential V(y) as an MLP R^d → R. */
export function mlpPotential(rng: Rng, dim: number, hidden: readonly number[], activation: ActivationName = 'relu'): Potential {
  const net = new Mlp(rng, { inputDim: dim, hidden, outputDim: 1, activation, name: 'V' });
  return {
    kind: 'mlp',
    dim,
    params: net.params,
    value: (y) => tf.reshape(net.forward(y), [y.shape[0]]) as tf.Tensor1D,
    dispose: () => net.dispose(),
  };
}

export interface MapOptions {
  readonly hidden: readonly number[];
  readonly activation?: ActivationName;
  /** Dimension of the noise input z (0: a deterministic map). */
  readonly noiseDim?: number;
  readonly noiseStd?: number;
  /** Prefix of the parameter names (default 'T'; DIOTM's backward map is 'S'). */
  readonly name?: string;
}

/**
 * Transport map as an MLP. Deterministic T(x), or stochastic T(x, z) with z concatenated to the input
 * (OTM-s, OTP App. E.1; NOT).
 */
export function mlpMap(rng: Rng, dim: number, options: MapOptions): TransportMap {
  const noiseDim = options.noiseDim ?? 0;
  const net = new Mlp(rng, { inputDim: dim + noiseDim, hidden: options.hidden, outputDim: dim, activation: options.activation, name: options.name ?? 'T' });
  return {
    kind: noiseDim > 0 ? 'mlp-stochastic' : 'mlp',
    dim,
    noiseDim,
    noiseStd: options.noiseStd ?? 1,
    params: net.params,
    apply(x, z) {
      if (noiseDim === 0) return net.forward(x);
      if (!z) throw new Error('stochastic map: the noise z is required');
      return net.forward(tf.concat([x, z], 1));
    },
    dispose: () => net.dispose(),
  };
}
