import * as tf from '@tensorflow/tfjs-core';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Param } from '../nets';
import type { Rng, RngState } from '../random';
import type { Adam, AdamState } from './adam';
import { disposeMethod, type Method } from './method';
import type { TransportPlan } from './plan';

/** Everything needed to continue a run exactly where it stopped. */
export interface Checkpoint {
  /** Outer iterations completed. */
  readonly iteration: number;
  readonly rng: RngState;
  /** Parameter values by name (the names of lib/nets Param). */
  readonly params: Record<string, { shape: number[]; values: Float32Array }>;
  readonly optimizers: Record<string, AdamState>;
  /** Free-form metadata: method, config hash, elapsed seconds. */
  readonly meta: Record<string, string | number | boolean>;
}

const MAGIC = 'OTBKCKP1';
export const CHECKPOINT_FILE = 'checkpoint.bin';

interface Header {
  iteration: number;
  rng: RngState;
  meta: Record<string, string | number | boolean>;
  tensors: Array<{ key: string; shape: number[]; offset: number; length: number }>;
  optimizers: Record<string, { step: number }>;
}

/**
 * Writes the checkpoint atomically: to a temporary file, flushed to disk, then renamed over the previous one.
 * A kill at any moment leaves either the old or the new complete checkpoint, never a torn one.
 */
export function writeCheckpoint(dir: string, ck: Checkpoint): string {
  const tensors: Header['tensors'] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (key: string, shape: number[], values: Float32Array) => {
    tensors.push({ key, shape, offset, length: values.length });
    chunks.push(values);
    offset += values.length;
  };
  for (const [name, p] of Object.entries(ck.params)) add(`param/${name}`, p.shape, p.values);
  const optimizers: Header['optimizers'] = {};
  for (const [opt, st] of Object.entries(ck.optimizers)) {
    optimizers[opt] = { step: st.step };
    for (const [name, v] of Object.entries(st.m)) add(`adam/${opt}/m/${name}`, [v.length], v);
    for (const [name, v] of Object.entries(st.v)) add(`adam/${opt}/v/${name}`, [v.length], v);
  }
  const header: Header = { iteration: ck.iteration, rng: ck.rng, meta: ck.meta, tensors, optimizers };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((8 + 4 + headerBytes.length) % 4)) % 4;
  const lead = Buffer.alloc(8 + 4);
  lead.write(MAGIC, 0, 'ascii');
  lead.writeUInt32LE(headerBytes.length + pad, 8);
  const final = join(dir, CHECKPOINT_FILE);
  const tmp = `${final}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, lead);
    writeSync(fd, Buffer.concat([headerBytes, Buffer.alloc(pad, 0x20)]));
    for (const c of chunks) writeSync(fd, new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
  return final;
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

export function readCheckpoint(dir: string): Checkpoint {
  const file = join(dir, CHECKPOINT_FILE);
  const buf = readFileSync(file);
  if (buf.length < 12 || buf.toString('ascii', 0, 8) !== MAGIC) throw new Error(`${file} is not an otbook checkpoint`);
  const hlen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + hlen)) as Header;
  const base = 12 + hlen;
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + base, buf.byteOffset + buf.length));
  const params: Checkpoint['params'] = {};
  const optimizers: Record<string, { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }> = {};
  for (const [opt, o] of Object.entries(header.optimizers)) optimizers[opt] = { step: o.step, m: {}, v: {} };
  for (const t of header.tensors) {
    if (t.offset + t.length > floats.length) throw new Error(`${file} is truncated`);
    const values = floats.slice(t.offset, t.offset + t.length);
    const [kind, ...rest] = t.key.split('/');
    if (kind === 'param') params[rest.join('/')] = { shape: t.shape, values };
    else {
      const [opt, mv, ...name] = rest;
      optimizers[opt][mv as 'm' | 'v'][name.join('/')] = values;
    }
  }
  return { iteration: header.iteration, rng: header.rng, params, optimizers, meta: header.meta };
}

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

/** Sets a method's weights from a checkpoint (the one place that assigns saved values to parameters). */
export function assignWeights(method: Method, ck: Checkpoint): void {
  for (const p of methodParams(method)) {
    const saved = ck.params[p.name];
    if (!saved || saved.values.length !== p.variable.size) throw new Error(`checkpoint does not match the model: parameter ${p.name}`);
    p.variable.assign(tf.tensor(saved.values, p.variable.shape));
  }
}

/** Puts a run back where its checkpoint left it: weights, optimiser moments and random stream. */
export function restore(method: Method, optimizers: Readonly<Record<string, Adam>>, rng: Rng, ck: Checkpoint): void {
  assignWeights(method, ck);
  for (const [k, o] of Object.entries(optimizers)) {
    const st = ck.optimizers[k];
    if (!st) throw new Error(`checkpoint has no optimizer state '${k}'`);
    o.setState(st);
  }
  rng.setState(ck.rng);
}

/** Restores only the weights of a method from a run folder (for its plan: evaluation and `otbook map`). */
export function loadWeights(method: Method, runDir: string): Checkpoint {
  const ck = readCheckpoint(runDir);
  assignWeights(method, ck);
  return ck;
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
