import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { activate, type ActivationName } from './activations';
import { applyDense, denseLayer, denseParams, selectDense, type Dense } from './dense';
import { disposeParams, runRngs, squeezeLast, type Param, type Potential, type TransportMap } from './module';

export interface MlpOptions {
  readonly inputDim: number;
  /** Widths of the hidden layers; the paper's synthetic runs use [256] (d ≤ 4) or [1024] (d ≥ 16). */
  readonly hidden: readonly number[];
  readonly outputDim: number;
  readonly activation?: ActivationName;
  readonly name?: string;
}

/** A plain multilayer perceptron of R runs (the building block of the paper's potentials and maps). */
export class Mlp {
  readonly layers: readonly Dense[];
  readonly params: readonly Param[];
  readonly activation: ActivationName;
  readonly runs: number;

  /** Initialised from one Rng per run (a single Rng: one run); or, given `layers`, made of them. */
  constructor(
    rng: Rng | readonly Rng[],
    readonly options: MlpOptions,
    layers?: readonly Dense[],
  ) {
    const widths = [options.inputDim, ...options.hidden, options.outputDim];
    for (const w of widths) {
      if (!Number.isInteger(w) || w <= 0) throw new Error(`mlp: layer widths must be positive integers, got [${widths.join(', ')}]`);
    }
    this.activation = options.activation ?? 'relu';
    const rngs = runRngs(rng);
    this.layers = layers ?? widths.slice(1).map((w, i) => denseLayer(rngs, widths[i], w));
    this.runs = this.layers[0].W.shape[0];
    const name = options.name ?? 'mlp';
    this.params = this.layers.flatMap((l, i) => denseParams(`${name}.${i}`, l));
  }

  /** [R, B, inputDim] → [R, B, outputDim]. */
  forward(x: tf.Tensor3D): tf.Tensor3D {
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

  /** Run r alone, with its own copy of the weights. */
  select(run: number): Mlp {
    return new Mlp([], this.options, this.layers.map((l) => selectDense(l, run)));
  }

  dispose(): void {
    disposeParams(this.params);
  }
}

function potentialOf(net: Mlp, dim: number): Potential {
  return {
    kind: 'mlp',
    dim,
    runs: net.runs,
    params: net.params,
    value: (y) => squeezeLast(net.forward(y)),
    select: (run) => potentialOf(net.select(run), dim),
    dispose: () => net.dispose(),
  };
}

/** Potential V(y) as an MLP R^d → R (one Rng per run, or one Rng for a run alone). */
export function mlpPotential(rng: Rng | readonly Rng[], dim: number, hidden: readonly number[], activation: ActivationName = 'relu'): Potential {
  return potentialOf(new Mlp(rng, { inputDim: dim, hidden, outputDim: 1, activation, name: 'V' }), dim);
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

function mapOf(net: Mlp, dim: number, noiseDim: number, noiseStd: number): TransportMap {
  return {
    kind: noiseDim > 0 ? 'mlp-stochastic' : 'mlp',
    dim,
    noiseDim,
    noiseStd,
    runs: net.runs,
    params: net.params,
    apply(x, z) {
      if (noiseDim === 0) return net.forward(x);
      if (!z) throw new Error('stochastic map: the noise z is required');
      return net.forward(tf.concat([x, z], 2));
    },
    select: (run) => mapOf(net.select(run), dim, noiseDim, noiseStd),
    dispose: () => net.dispose(),
  };
}

/**
 * Transport map as an MLP. Deterministic T(x), or stochastic T(x, z) with z concatenated to the input
 * (OTM-s, OTP App. E.1; NOT).
 */
export function mlpMap(rng: Rng | readonly Rng[], dim: number, options: MapOptions): TransportMap {
  const noiseDim = options.noiseDim ?? 0;
  const net = new Mlp(rng, { inputDim: dim + noiseDim, hidden: options.hidden, outputDim: dim, activation: options.activation, name: options.name ?? 'T' });
  return mapOf(net, dim, noiseDim, options.noiseStd ?? 1);
}
