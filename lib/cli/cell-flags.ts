import { UserError } from '../errors';
import { SCALES } from '../experiments/scale';
import type { FlagSpec } from './args';

/** --scale of the commands that run experiments (otbook run, otbook book). */
export const SCALE_FLAG: FlagSpec = { kind: 'string', value: 'SCALE', help: 'experiment scale (default quick)', choices: SCALES };

/** --cells ID,ID,…: the ids of an experiment's cells (the registry checks that they exist). */
export function parseCellList(s: string): string[] {
  const ids = s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (ids.length === 0) throw new UserError(`--cells '${s}': give cell ids separated by commas, e.g. d2-perpendicular-otm-s0,d2-perpendicular-otp-s0`);
  return ids;
}

/** --shard i/n: slice i of n of the cells, 1-based. */
export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UserError(`--shard ${s}: expected i/n with 1 ≤ i ≤ n, e.g. 2/8`);
  return { index, count };
}
