import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../errors';
import { paths, repoRoot } from '../paths';
import { configHash, type TrainConfig } from './config';
import { copyRunFolder, isUnderShippedRuns, markShippedCopy, readRunRecord, type RunRecord } from './run-folder';

/**
 * Completed runs under the roots, by configuration hash (searched three levels deep: the layout
 * results/<experiment>/<scale>/<cell>). The first root holding a configuration wins. Experiments that share cells
 * (Table 3's OTP cells are Table 1's; Fig. 3's paper cells on two pairs are Table 1's) then train them once.
 */
export function indexCompletedRuns(roots: readonly string[]): Map<string, string> {
  const index = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (dir: string, depth: number): void => {
    const real = resolve(dir);
    if (seen.has(real) || !existsSync(dir)) return;
    seen.add(real);
    let record: RunRecord | null;
    try {
      record = readRunRecord(dir);
    } catch (e) {
      if (e instanceof UserError) return; // a corrupt record is no completed run to reuse
      throw e;
    }
    if (record) {
      if (record.status === 'completed' && !index.has(record.configHash)) index.set(record.configHash, dir);
      return;
    }
    if (depth === 0) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) visit(join(dir, e.name), depth - 1);
  };
  for (const root of roots) visit(root, 3);
  return index;
}

/** A folder for messages: relative to the repository when inside it. */
function shown(dir: string): string {
  const rel = relative(repoRoot(), resolve(dir));
  return rel.startsWith('..') ? dir : rel;
}

/**
 * The runs a sweep may reuse instead of training a cell: completed runs of the cell's configuration in its own
 * folder, then under results/, then among the shipped runs (a user's own runs first).
 */
export class ReusableRuns {
  private readonly index: Map<string, string>;

  constructor(roots: readonly string[]) {
    this.index = indexCompletedRuns(roots);
  }

  /** The runs of `out`, results/ and the shipped runs. */
  static forSweep(out?: string): ReusableRuns {
    return new ReusableRuns([...(out ? [out] : []), paths.results(), paths.shippedRuns()]);
  }

  /** The folder of a completed run of this configuration, or undefined. */
  find(config: TrainConfig): string | undefined {
    return this.index.get(configHash(config));
  }

  /**
   * Copies the run into `to` and says in words where it came from. A shipped run has no checkpoint: its copy is
   * marked (origin.json), so that `otbook map` and `otbook eval` say so in one line.
   */
  copy(from: string, to: string): string {
    copyRunFolder(from, to);
    if (!isUnderShippedRuns(from)) return `the same configuration was already trained in ${from}`;
    markShippedCopy(to, from);
    return `the same configuration ships in ${shown(from)} (records only, no checkpoint)`;
  }
}
