import { join } from 'node:path';
import { UserError } from '../errors';
import type { Rng } from '../random';
import type { Adam } from './adam';
import { CHECKPOINT_FILE, readResumePoint, restoreRuns, type Checkpoint } from './checkpoint';
import { readLossLog, writeLossLog, type LogRow } from './loss-log';
import type { Method } from './method';

/** A run of a group as resuming sees it: its folder, what its checkpoint must have been written with, its stream. */
export interface ResumingRun {
  readonly runDir?: string;
  readonly meta?: Record<string, string | number | boolean>;
  readonly rng: Rng;
}

/** Where a group continues: the iteration, the training seconds already spent, and each run's loss log so far. */
export interface ResumePoint {
  readonly start: number;
  readonly elapsed: number;
  readonly logs: LogRow[][];
}

/**
 * Restores a group from its runs' folders: each run's checkpoint (weights, Adam's state, its stream), all at one
 * iteration, and its loss log cut back to that iteration. A group none of whose runs has a checkpoint starts at
 * iteration 0. Runs resumed from different iterations cannot share the loop: the caller groups them by resume
 * point.
 */
export function resumeGroup(method: Method, optimizers: Readonly<Record<string, Adam>>, runs: readonly ResumingRun[], checkpointEvery: number | undefined): ResumePoint {
  const fresh: ResumePoint = { start: 0, elapsed: 0, logs: runs.map(() => []) };
  const points = runs.map((s) => (s.runDir ? readResumePoint(s.runDir, checkpointEvery) : null));
  if (points.every((p) => p === null)) return fresh;
  const iterations = [...new Set(points.map((p) => p?.iteration ?? 0))];
  if (iterations.length > 1 || points.some((p) => p === null)) {
    throw new Error(`trainRuns: the runs of a group resume from different iterations (${points.map((p) => p?.iteration ?? 0).join(', ')}); train them in separate groups`);
  }
  const cks = points as Checkpoint[];
  runs.forEach((s, r) => {
    for (const [k, v] of Object.entries(s.meta ?? {})) {
      if (cks[r].meta[k] !== undefined && cks[r].meta[k] !== v) {
        throw new UserError(`cannot resume: the checkpoint in ${s.runDir} was written with ${k}=${cks[r].meta[k]}, this run has ${k}=${v}`);
      }
    }
  });
  restoreRuns(method, optimizers, runs.map((s) => s.rng), cks, runs.map((s) => join(s.runDir as string, CHECKPOINT_FILE)));
  const logs = runs.map((s) => {
    const dir = s.runDir as string;
    const log = readLossLog(dir, iterations[0]);
    writeLossLog(dir, log);
    return log;
  });
  return { start: iterations[0], elapsed: Number(cks[0].meta.elapsedSeconds ?? 0), logs };
}
