import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { UserError } from '../errors';
import type { Param } from '../nets';
import type { Rng } from '../random';
import type { Adam, AdamState } from './adam';
import { CHECKPOINT_FILE, hasCheckpoint, readCheckpoint, type Checkpoint } from './checkpoint-file';
import { readLossLog } from './loss-log';
import { disposeMethod, type Method } from './method';
import type { TransportPlan } from './plan';

export { CHECKPOINT_FILE, hasCheckpoint, readCheckpoint, removeStaleCheckpointTemps, writeCheckpoint } from './checkpoint-file';
export type { Checkpoint } from './checkpoint-file';

/**
 * All parameters of a method, each once (a net may be shared by both steps). Names key the checkpoint, so two
 * different variables with one name are an error.
 */
export function methodParams(method: Method): Param[] {
  const byName = new Map<string, Param>();
  for (const p of [...method.potentialParams, ...method.mapParams]) {
    const seen = byName.get(p.name);
    if (seen && seen.variable !== p.variable) throw new Error(`two parameters are named '${p.name}': give the networks distinct names`);
    byName.set(p.name, p);
  }
  return [...byName.values()];
}

/** One value array per parameter name, read once (the backing data of every run). */
async function readAll(params: readonly Param[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of params) out.set(p.name, (await p.variable.data()) as Float32Array);
  return out;
}

/** Run r's slice of a group's values ([R, …] flattened). */
function slice(values: Float32Array, runs: number, run: number): Float32Array {
  const per = values.length / runs;
  return values.subarray(run * per, (run + 1) * per);
}

/**
 * Checkpoints of the runs of a group at one iteration: for each run with metadata (null: skip that run, e.g. a
 * diverged one), its weights, optimiser moments and random stream, in the layout of a run alone (shapes without
 * the run axis), so a run's checkpoint is the same whether it trained alone or in a group.
 */
export async function snapshotRuns(
  method: Method,
  optimizers: Readonly<Record<string, Adam>>,
  iteration: number,
  rngs: readonly Rng[],
  metas: ReadonlyArray<Checkpoint['meta'] | null>,
): Promise<Array<Checkpoint | null>> {
  const runs = rngs.length;
  const params = methodParams(method);
  const values = await readAll(params);
  const states = new Map<string, AdamState>();
  for (const [k, o] of Object.entries(optimizers)) states.set(k, await o.getState());
  return metas.map((meta, r) => {
    if (!meta) return null;
    const ckParams: Checkpoint['params'] = {};
    for (const p of params) ckParams[p.name] = { shape: p.variable.shape.slice(1), values: slice(values.get(p.name) as Float32Array, runs, r) };
    const ckOptimizers: Checkpoint['optimizers'] = {};
    for (const [k, st] of states) {
      const part = (xs: Record<string, Float32Array>) => Object.fromEntries(Object.entries(xs).map(([n, v]) => [n, slice(v, runs, r)]));
      ckOptimizers[k] = { step: st.step, m: part(st.m), v: part(st.v) };
    }
    return { iteration, rng: rngs[r].getState(), params: ckParams, optimizers: ckOptimizers, meta };
  });
}

/** A group's values of one parameter or moment from each run's checkpoint (a UserError naming the file if a run's does not fit). */
function gather(name: string, size: number, sources: ReadonlyArray<Float32Array | undefined>, origins: readonly string[], what: string): Float32Array {
  const per = size / sources.length;
  const full = new Float32Array(size);
  sources.forEach((v, r) => {
    if (!v || v.length !== per) {
      const found = v ? `${v.length} values` : 'no such parameter';
      throw new UserError(`${origins[r]} does not match this run's networks: ${what} ${name} needs ${per} values, the checkpoint has ${found}`);
    }
    full.set(v, r * per);
  });
  return full;
}

/**
 * Sets a method's weights from one checkpoint per run (the one place that assigns saved values to parameters).
 * A checkpoint of other networks is a UserError naming its file (`origins[r]`).
 */
export function assignWeights(method: Method, cks: readonly Checkpoint[], origins: readonly string[]): void {
  if (cks.length !== method.runs) throw new Error(`assignWeights: ${cks.length} checkpoints for ${method.runs} runs`);
  for (const p of methodParams(method)) {
    p.variable.assign(tf.tensor(gather(p.name, p.variable.size, cks.map((ck) => ck.params[p.name]?.values), origins, 'parameter'), p.variable.shape));
  }
}

/** Puts each run of a group back where its checkpoint left it: weights, optimiser moments and random stream. */
export function restoreRuns(method: Method, optimizers: Readonly<Record<string, Adam>>, rngs: readonly Rng[], cks: readonly Checkpoint[], origins: readonly string[]): void {
  assignWeights(method, cks, origins);
  for (const [k, o] of Object.entries(optimizers)) {
    cks.forEach((ck, r) => {
      if (!ck.optimizers[k]) throw new UserError(`${origins[r]} does not match this run: it has no optimizer state '${k}'`);
      if (ck.optimizers[k].step !== cks[0].optimizers[k].step) throw new Error(`restoreRuns: the runs' optimizers are at different steps; resume them in separate groups`);
    });
    const size = (name: string) => (o.params.find((p) => p.name === name)?.variable.size ?? 0);
    const moments = (which: 'm' | 'v') =>
      Object.fromEntries(o.params.map((p) => [p.name, gather(p.name, size(p.name), cks.map((ck) => ck.optimizers[k][which][p.name] ?? (which === 'm' ? new Float32Array(size(p.name) / cks.length) : undefined)), origins, `adam ${which} of`)]));
    o.setState({ step: cks[0].optimizers[k].step, m: moments('m'), v: moments('v') });
  }
  cks.forEach((ck, r) => rngs[r].setState(ck.rng));
}

/** Restores only the weights of a method from a run folder (for its plan: evaluation and `otbook map`). */
export function loadWeights(method: Method, runDir: string): Checkpoint {
  const ck = readCheckpoint(runDir);
  assignWeights(method, [ck], [join(runDir, CHECKPOINT_FILE)]);
  return ck;
}

/**
 * Where a resumed run starts: its checkpoint, or null for a run folder that has none yet. A folder whose loss
 * log shows a partial run that must have written a checkpoint but has none lost it: that is a UserError, not a
 * silent restart from iteration 0. The loop logs iteration c before it saves the checkpoint of c, so a log that
 * reaches past the first checkpoint's iteration c proves the checkpoint was written (a log that stops at c may
 * come from a kill between the two).
 */
export function readResumePoint(runDir: string, checkpointEvery: number | undefined): Checkpoint | null {
  if (hasCheckpoint(runDir)) return readCheckpoint(runDir);
  const logged = readLossLog(runDir, Number.POSITIVE_INFINITY);
  const last = logged.length ? logged[logged.length - 1].iteration : 0;
  if (checkpointEvery !== undefined && checkpointEvery > 0 && last > checkpointEvery) {
    throw new UserError(
      `cannot resume in ${runDir}: its loss log reaches iteration ${last} but ${CHECKPOINT_FILE} is missing (deleted or moved); start the run over in a new folder (or overwrite this one), or put its checkpoint back`,
    );
  }
  return null;
}

/** The plan of a one-run method with the weights of a run folder's checkpoint; the method is disposed. */
export function loadPlan(method: Method, runDir: string): TransportPlan {
  try {
    loadWeights(method, runDir);
    return method.plan(0);
  } finally {
    disposeMethod(method);
  }
}
