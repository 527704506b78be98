import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { UserError } from '../errors';
import type { Param } from '../nets';
import type { Rng } from '../random';
import type { Adam } from './adam';
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

/** Everything a run needs to continue: its weights, optimiser moments, random stream and iteration. */
export async function snapshot(method: Method, optimizers: Readonly<Record<string, Adam>>, iteration: number, rng: Rng, meta: Checkpoint['meta']): Promise<Checkpoint> {
  const params: Checkpoint['params'] = {};
  for (const p of methodParams(method)) params[p.name] = { shape: p.variable.shape.slice(), values: (await p.variable.data()) as Float32Array };
  const states: Checkpoint['optimizers'] = {};
  for (const [k, o] of Object.entries(optimizers)) states[k] = await o.getState();
  return { iteration, rng: rng.getState(), params, optimizers: states, meta };
}

/**
 * Sets a method's weights from a checkpoint (the one place that assigns saved values to parameters). A
 * checkpoint of other networks is a UserError naming `origin` (its file).
 */
export function assignWeights(method: Method, ck: Checkpoint, origin: string): void {
  for (const p of methodParams(method)) {
    const saved = ck.params[p.name];
    if (!saved || saved.values.length !== p.variable.size) {
      const found = saved ? `${saved.values.length} values` : 'no such parameter';
      throw new UserError(`${origin} does not match this run's networks: parameter ${p.name} needs ${p.variable.size} values, the checkpoint has ${found}`);
    }
    p.variable.assign(tf.tensor(saved.values, p.variable.shape));
  }
}

/** Puts a run back where its checkpoint left it: weights, optimiser moments and random stream. */
export function restore(method: Method, optimizers: Readonly<Record<string, Adam>>, rng: Rng, ck: Checkpoint, origin: string): void {
  assignWeights(method, ck, origin);
  for (const [k, o] of Object.entries(optimizers)) {
    const st = ck.optimizers[k];
    if (!st) throw new UserError(`${origin} does not match this run: it has no optimizer state '${k}'`);
    o.setState(st);
  }
  rng.setState(ck.rng);
}

/** Restores only the weights of a method from a run folder (for its plan: evaluation and `otbook map`). */
export function loadWeights(method: Method, runDir: string): Checkpoint {
  const ck = readCheckpoint(runDir);
  assignWeights(method, ck, join(runDir, CHECKPOINT_FILE));
  return ck;
}

/**
 * Where a resumed run starts: its checkpoint, or null for a run folder that has none yet. A folder whose loss
 * log shows a partial run that must have written a checkpoint (logged at or past the first checkpoint's
 * iteration) but has none lost it: that is a UserError, not a silent restart from iteration 0.
 */
export function readResumePoint(runDir: string, checkpointEvery: number | undefined): Checkpoint | null {
  if (hasCheckpoint(runDir)) return readCheckpoint(runDir);
  const logged = readLossLog(runDir, Number.POSITIVE_INFINITY);
  const last = logged.length ? logged[logged.length - 1].iteration : 0;
  if (checkpointEvery !== undefined && checkpointEvery > 0 && last >= checkpointEvery) {
    throw new UserError(
      `cannot resume in ${runDir}: its loss log reaches iteration ${last} but ${CHECKPOINT_FILE} is missing (deleted or moved); start the run over in a new folder (or overwrite this one), or put its checkpoint back`,
    );
  }
  return null;
}

/** A method's plan with the weights of a run folder's checkpoint; disposing the plan disposes the method. */
export function loadPlan(method: Method, runDir: string): TransportPlan {
  try {
    loadWeights(method, runDir);
  } catch (e) {
    disposeMethod(method);
    throw e;
  }
  const plan = method.plan();
  return {
    ...plan,
    dispose() {
      plan.dispose();
      disposeMethod(method);
    },
  };
}
