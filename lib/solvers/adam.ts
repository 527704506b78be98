import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../nets';

export interface AdamOptions {
  /** Learning rate (paper: 1e-4). */
  readonly lr: number;
  /** (β₁, β₂) (paper: (0, 0.9)). */
  readonly betas: readonly [number, number];
  /** PyTorch's default 1e-8. */
  readonly eps?: number;
}

/** Serializable optimizer state: the step count and, per parameter name, the moment estimates. */
export interface AdamState {
  readonly step: number;
  readonly m: Record<string, Float32Array>;
  readonly v: Record<string, Float32Array>;
}

/**
 * Adam with PyTorch's update rule (torch.optim.Adam, amsgrad off, no weight decay):
 *   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
 * Our own instead of tf.train.adam: its state can be checkpointed and restored exactly, and with β₁ = 0
 * (the paper's setting) the first moment is the gradient itself, so it is not stored.
 */
export class Adam {
  private step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly oneMinusBeta1: tf.Scalar;
  private readonly oneMinusBeta2: tf.Scalar;
  private readonly b1: tf.Scalar;
  private readonly b2: tf.Scalar;

  constructor(
    readonly params: readonly Param[],
    readonly options: AdamOptions,
  ) {
    [this.beta1, this.beta2] = options.betas;
    if (!(options.lr > 0)) throw new Error(`adam: lr must be > 0, got ${options.lr}`);
    for (const b of options.betas) if (!(b >= 0 && b < 1)) throw new Error(`adam: betas must lie in [0, 1), got ${options.betas}`);
    this.eps = options.eps ?? 1e-8;
    this.oneMinusBeta1 = tf.keep(tf.scalar(1 - this.beta1));
    this.oneMinusBeta2 = tf.keep(tf.scalar(1 - this.beta2));
    this.b1 = tf.keep(tf.scalar(this.beta1));
    this.b2 = tf.keep(tf.scalar(this.beta2));
    for (const p of params) {
      if (this.beta1 > 0) this.m.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
      this.v.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
    }
  }

  get steps(): number {
    return this.step;
  }

  /** Applies one update; `grads` maps tfjs variable names to gradients (as tf.variableGrads returns). */
  apply(grads: tf.NamedTensorMap): void {
    this.step++;
    const t = this.step;
    const bc1 = 1 - this.beta1 ** t;
    const bc2 = 1 - this.beta2 ** t;
    tf.tidy(() => {
      const stepSize = tf.scalar(-this.options.lr / bc1);
      const invSqrtBc2 = tf.scalar(1 / Math.sqrt(bc2));
      const eps = tf.scalar(this.eps);
      for (const p of this.params) {
        const g = grads[p.variable.name];
        if (!g) continue;
        const v = this.v.get(p.name) as tf.Variable;
        const vNew = tf.add(tf.mul(v, this.b2), tf.mul(tf.square(g), this.oneMinusBeta2));
        v.assign(vNew);
        let m: tf.Tensor = g;
        const mVar = this.m.get(p.name);
        if (mVar) {
          m = tf.add(tf.mul(mVar, this.b1), tf.mul(g, this.oneMinusBeta1));
          mVar.assign(m);
        }
        const denom = tf.add(tf.mul(tf.sqrt(vNew), invSqrtBc2), eps);
        p.variable.assign(tf.add(p.variable, tf.mul(stepSize, tf.div(m, denom))));
      }
    });
  }

  async getState(): Promise<AdamState> {
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    for (const [k, t] of this.m) m[k] = (await t.data()) as Float32Array;
    for (const [k, t] of this.v) v[k] = (await t.data()) as Float32Array;
    return { step: this.step, m, v };
  }

  setState(state: AdamState): void {
    this.step = state.step;
    for (const [k, t] of this.v) assignFrom(t, state.v[k], `adam v of ${k}`);
    for (const [k, t] of this.m) assignFrom(t, state.m[k], `adam m of ${k}`);
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    for (const s of [this.oneMinusBeta1, this.oneMinusBeta2, this.b1, this.b2]) s.dispose();
  }
}

function assignFrom(t: tf.Variable, values: Float32Array | undefined, what: string): void {
  if (!values || values.length !== t.size) throw new Error(`checkpoint does not match the model: ${what}`);
  t.assign(tf.tensor(values, t.shape));
}
