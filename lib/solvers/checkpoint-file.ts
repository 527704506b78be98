import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import type { RngState } from '../random';
import type { AdamState } from './adam';

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

/**
 * DIR/checkpoint.bin: 'OTBKCKP2', the header's byte length (uint32 LE), the header (JSON, padded to 4 bytes),
 * the float32 values of every tensor, then the SHA-256 of everything before it. Files of the first format
 * ('OTBKCKP1', no checksum; written before checksums existed) are still read.
 */
const MAGIC = 'OTBKCKP2';
const MAGIC_V1 = 'OTBKCKP1';
const LEAD = 12;
const DIGEST = 32;
export const CHECKPOINT_FILE = 'checkpoint.bin';
const TMP_PREFIX = `${CHECKPOINT_FILE}.tmp-`;

interface Header {
  iteration: number;
  rng: RngState;
  meta: Record<string, string | number | boolean>;
  tensors: Array<{ key: string; shape: number[]; offset: number; length: number }>;
  optimizers: Record<string, { step: number }>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files of checkpoints whose writer died before renaming them (kill -9 mid-write):
 * `checkpoint.bin.tmp-PID` of a process that no longer runs. This process's own is reused (truncated).
 */
export function removeStaleCheckpointTemps(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(TMP_PREFIX)) continue;
    const pid = Number(f.slice(TMP_PREFIX.length));
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(dir, f), { force: true });
  }
}

/**
 * Writes the checkpoint atomically: to a temporary file, flushed to disk, then renamed over the previous one.
 * A kill at any moment leaves either the old or the new complete checkpoint, never a torn one. A checkpoint
 * holds finite values only (the loop checks the weights before it saves them; this is the last guard).
 */
export function writeCheckpoint(dir: string, ck: Checkpoint): string {
  const tensors: Header['tensors'] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (key: string, shape: number[], values: Float32Array) => {
    if (!values.every(Number.isFinite)) throw new Error(`writeCheckpoint: ${key} holds NaN or Inf; a diverged state is never saved`);
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
  const pad = (4 - ((LEAD + headerBytes.length) % 4)) % 4;
  const lead = Buffer.alloc(LEAD);
  lead.write(MAGIC, 0, 'ascii');
  lead.writeUInt32LE(headerBytes.length + pad, 8);
  const parts = [lead, Buffer.concat([headerBytes, Buffer.alloc(pad, 0x20)]), ...chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength))];
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  removeStaleCheckpointTemps(dir);
  const final = join(dir, CHECKPOINT_FILE);
  const tmp = `${join(dir, TMP_PREFIX)}${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    for (const p of parts) writeSync(fd, p);
    writeSync(fd, hash.digest());
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

const WHAT_NOW = 'delete it to train the run again from the start, or put back a good copy';

function damaged(file: string, why: string): UserError {
  return new UserError(`${file} ${why}; ${WHAT_NOW}`);
}

function isHeader(h: unknown): h is Header {
  if (typeof h !== 'object' || h === null) return false;
  const o = h as Record<string, unknown>;
  return (
    Number.isInteger(o.iteration) &&
    typeof o.rng === 'object' && o.rng !== null &&
    typeof o.meta === 'object' && o.meta !== null &&
    typeof o.optimizers === 'object' && o.optimizers !== null &&
    Array.isArray(o.tensors) &&
    o.tensors.every((t: unknown) => {
      const r = t as Record<string, unknown>;
      return typeof r === 'object' && r !== null && typeof r.key === 'string' && Array.isArray(r.shape) && Number.isInteger(r.offset) && Number.isInteger(r.length) && (r.offset as number) >= 0 && (r.length as number) >= 0;
    })
  );
}

/**
 * Reads DIR/checkpoint.bin. An empty, truncated, corrupt (checksum mismatch) or foreign file is a UserError
 * whose one line names the file and what to do.
 */
export function readCheckpoint(dir: string): Checkpoint {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new UserError(`${file} does not exist: the run has no checkpoint yet`);
  const buf = readFileSync(file);
  if (buf.length === 0) throw damaged(file, 'is empty');
  const magic = buf.toString('ascii', 0, Math.min(8, buf.length));
  if (magic !== MAGIC && magic !== MAGIC_V1) {
    if (MAGIC.startsWith(magic) || MAGIC_V1.startsWith(magic)) throw damaged(file, `is truncated (${buf.length} bytes)`);
    throw new UserError(`${file} is not an otbook checkpoint (it does not start with ${MAGIC})`);
  }
  if (buf.length < LEAD) throw damaged(file, `is truncated (${buf.length} bytes)`);
  const hlen = buf.readUInt32LE(8);
  const checked = magic === MAGIC;
  const end = checked ? buf.length - DIGEST : buf.length;
  if (LEAD + hlen > end) throw damaged(file, `is truncated (${buf.length} bytes, its header alone needs ${LEAD + hlen + (checked ? DIGEST : 0)})`);
  if (checked) {
    const digest = createHash('sha256').update(buf.subarray(0, end)).digest();
    if (!digest.equals(buf.subarray(end))) throw damaged(file, 'is corrupt: its checksum does not match its contents (truncated or changed after it was written)');
  }
  let header: unknown;
  try {
    header = JSON.parse(buf.toString('utf8', LEAD, LEAD + hlen));
  } catch {
    throw damaged(file, 'is corrupt: its header is not valid JSON');
  }
  if (!isHeader(header)) throw damaged(file, 'is corrupt: its header lacks the iteration, random state or tensor table');
  const base = LEAD + hlen;
  if ((end - base) % 4 !== 0) throw damaged(file, 'is corrupt: its data is not a whole number of float32 values');
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + base, buf.byteOffset + end));
  const params: Checkpoint['params'] = {};
  const optimizers: Record<string, { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }> = {};
  for (const [opt, o] of Object.entries(header.optimizers)) optimizers[opt] = { step: o.step, m: {}, v: {} };
  for (const t of header.tensors) {
    if (t.offset + t.length > floats.length) throw damaged(file, `is truncated (tensor ${t.key} lies past its end)`);
    const values = floats.slice(t.offset, t.offset + t.length);
    const [kind, ...rest] = t.key.split('/');
    if (kind === 'param') params[rest.join('/')] = { shape: t.shape, values };
    else {
      const [opt, mv, ...name] = rest;
      if (kind !== 'adam' || !optimizers[opt] || (mv !== 'm' && mv !== 'v')) throw damaged(file, `is corrupt: unknown tensor ${t.key}`);
      optimizers[opt][mv][name.join('/')] = values;
    }
  }
  return { iteration: header.iteration, rng: header.rng, params, optimizers, meta: header.meta };
}
