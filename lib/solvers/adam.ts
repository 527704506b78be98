import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from '../backend/kernels';
import type { Param } from '../nets';
import { commonValue, type PerRun } from '../runs';

export interface AdamOptions {
  /** Learning rate (paper: 1e-4); one per run where the runs of a group differ (lib/runs.ts). */
  readonly lr: PerRun;
  /** (β₁, β₂) (paper: (0, 0.9)). */
  readonly betas: readonly [number, number];
  /** PyTorch's default 1e-8 (tfjs's own Adam uses 1e-7). */
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
 * Our own instead of tf.train.adam: its state is checkpointed and restored exactly, and each update is one
 * fused kernel per parameter (lib/backend/kernels/adam.ts: native, JS in place, or composed ops).
 */
export class Adam {
  private step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly eps: number;

  constructor(
    readonly params: readonly Param[],
    readonly options: AdamOptions,
  ) {
    for (const lr of typeof options.lr === 'number' ? [options.lr] : options.lr) if (!(lr > 0)) throw new Error(`adam: lr must be > 0, got ${lr}`);
    for (const b of options.betas) if (!(b >= 0 && b < 1)) throw new Error(`adam: betas must lie in [0, 1), got ${options.betas}`);
    this.eps = options.eps ?? 1e-8;
    for (const p of params) {
      this.m.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
      this.v.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
    }
  }

  get steps(): number {
    return this.step;
  }

  /**
   * Applies one update (outside any gradient tape); `grads` maps tfjs variable names to gradients. Parameters of
   * a group ([R, …]) are updated for every run at once; runs whose `active` entry is false stay as they are.
   */
  apply(grads: tf.NamedTensorMap, active?: readonly boolean[]): void {
    this.step++;
    const lr = commonValue(this.options.lr) ?? this.options.lr;
    const attrs = { lr, beta1: this.options.betas[0], beta2: this.options.betas[1], epsilon: this.eps, step: this.step, ...(active ? { active } : {}) };
    for (const p of this.params) {
      const g = grads[p.variable.name];
      if (g) adamUpdate(p.variable, g, this.m.get(p.name) as tf.Variable, this.v.get(p.name) as tf.Variable, attrs);
    }
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
    // Checkpoints written with β₁ = 0 before m was always kept have no m: it is then identically the last gradient's
    // contribution (1 − β₁)g = g, which the next step overwrites; zeros are exact for β₁ = 0.
    for (const [k, t] of this.m) assignFrom(t, state.m[k] ?? new Float32Array(t.size), `adam m of ${k}`);
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

function assignFrom(t: tf.Variable, values: Float32Array | undefined, what: string): void {
  if (!values || values.length !== t.size) throw new Error(`checkpoint does not match the model: ${what}`);
  t.assign(tf.tensor(values, t.shape));
}
