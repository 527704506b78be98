import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs trained as one computation. A group of R independent runs carries a leading run axis in every tensor of
 * its training: parameters [R, …], batches [R, B, d], per-sample values [R, B], losses [R]. One run alone is the
 * group R = 1, so every net, loss and the loop are written once, for the run axis.
 *
 * A value that may differ between the runs of a group (α, λ, γ, σ_k) is a `PerRun`: one number for all runs, or
 * one number per run. As an operand it stays a plain number when the runs agree (the arithmetic of a run alone),
 * and becomes a [R, 1, …, 1] tensor otherwise; both multiply every element of run r by the same float32 value.
 */
export type PerRun = number | readonly number[];

/** The value of each of `runs` runs. */
export function perRunValues(v: PerRun, runs: number): number[] {
  if (typeof v === 'number') return new Array<number>(runs).fill(v);
  if (v.length !== runs) throw new Error(`per-run value: ${v.length} values for ${runs} runs`);
  return [...v];
}

/** The common value when every run has the same one, else null. */
export function commonValue(v: PerRun): number | null {
  if (typeof v === 'number') return v;
  return v.every((x) => x === v[0]) ? v[0] : null;
}

/** `f` applied to each run's value (a number when `v` is one). */
export function mapPerRun(v: PerRun, f: (x: number) => number): PerRun {
  return typeof v === 'number' ? f(v) : v.map(f);
}

/**
 * The value as an operand of a tensor [R, …] of rank `rank`: a number when the runs agree, else a float32 tensor
 * [R, 1, …, 1] that broadcasts over the other axes (create it inside a tidy scope).
 */
export function perRunOperand(v: PerRun, rank: number): number | tf.Tensor {
  const common = commonValue(v);
  if (common !== null) return common;
  const values = v as readonly number[];
  return tf.tensor(Float32Array.from(values), [values.length, ...new Array<number>(Math.max(0, rank - 1)).fill(1)]);
}

/**
 * Whether `test` holds for the runs' values, which must agree on it: a group's runs share their structure (for
 * example all of them have an R1 penalty, or none), so that each run computes exactly what it computes alone.
 */
export function sharedTest(v: PerRun, test: (x: number) => boolean, what: string): boolean {
  if (typeof v === 'number') return test(v);
  const answers = v.map(test);
  if (answers.some((a) => a !== answers[0])) throw new Error(`the runs of a group must agree on ${what} (values ${v.join(', ')}); train them in separate groups`);
  return answers[0] ?? false;
}
