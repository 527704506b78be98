import { join } from 'node:path';
import { UserError } from '../errors';
import type { RunMetrics } from './evaluate';
import { getExperiment } from './registry';
import { copyRunFolder, ensureDirectory, readExperimentMeta, readRunRecord, writeJsonAtomic, type RunRecord } from './run-folder';
import { SCALES, type Scale } from './scale';
import { cellResult, isFinished, missingResult, type CellResult } from './sweep';

/** What a finished run found, without what differs between two honest runs of it (wall times). */
function outcome(r: RunRecord): unknown {
  const { evalSeconds: _e, ...metrics } = r.metrics ?? ({} as Partial<RunMetrics>);
  return { status: r.status, iterationsDone: r.iterationsDone, divergedAt: r.divergedAt, metrics };
}

function shortOutcome(r: RunRecord | null): string {
  if (!r) return 'no record';
  return r.metrics ? `${r.status}, D_target ${r.metrics.dTarget.toPrecision(6)}` : `${r.status} after ${r.iterationsDone} iterations`;
}

/** A cell held, finished, by several folders whose records disagree. */
interface Conflict {
  readonly id: string;
  readonly held: ReadonlyArray<{ readonly dir: string; readonly record: RunRecord | null }>;
}

/**
 * `otbook merge`: combines the results of shards run in several folders (machines) into one folder, and returns
 * the experiment's full table. A cell found finished in several folders must have the same result there (the same
 * configuration trains to the same numbers): where the records differ, nothing is merged and the cells are named.
 * An unfinished copy (interrupted) gives way to a finished one.
 */
export function mergeShards(dirs: readonly string[], out: string): { experiment: string; scale: Scale; results: CellResult[] } {
  if (dirs.length === 0) throw new UserError('merge: give at least one results folder');
  const metas = dirs.map((d) => readExperimentMeta(d));
  const { name } = metas[0];
  const scale = metas[0].scale as Scale;
  if (!SCALES.includes(scale)) throw new UserError(`merge: ${join(dirs[0], 'experiment.json')} names scale '${scale}'; scales: ${SCALES.join(', ')}`);
  for (const [i, m] of metas.entries()) {
    if (m.name !== name || m.scale !== scale) throw new UserError(`merge: ${dirs[i]} holds ${m.name} at scale ${m.scale}, not ${name} at ${scale}`);
  }
  const cells = getExperiment(name).cells(scale);
  const conflicts: Conflict[] = [];
  const chosen = cells.map((cell) => {
    const found = dirs.map((dir) => ({ dir, result: cellResult(cell, dir) })).filter((f) => f.result.status !== 'missing');
    const finished = found.filter((f) => isFinished(f.result));
    const records = finished.map((f) => ({ dir: f.dir, record: readRunRecord(join(f.dir, cell.id)) }));
    const first = records[0]?.record;
    if (first && records.some((r) => !r.record || JSON.stringify(outcome(r.record)) !== JSON.stringify(outcome(first)))) conflicts.push({ id: cell.id, held: records });
    return { cell, best: finished[0] ?? found[0] };
  });
  if (conflicts.length > 0) {
    const shown = conflicts
      .slice(0, 3)
      .map((c) => `${c.id} (${c.held.map((h) => `${h.dir}: ${shortOutcome(h.record)}`).join('; ')})`)
      .join(', ');
    const more = conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : '';
    throw new UserError(
      `merge: ${conflicts.length} cell${conflicts.length > 1 ? 's have' : ' has'} different results in different folders: ${shown}${more}; nothing was merged: keep one copy of each and merge again`,
    );
  }
  ensureDirectory(out, '--out');
  const results = chosen.map(({ cell, best }) => {
    if (!best) return missingResult(cell);
    copyRunFolder(join(best.dir, cell.id), join(out, cell.id));
    return best.result;
  });
  writeJsonAtomic(join(out, 'experiment.json'), { ...metas[0], mergedFrom: dirs });
  writeJsonAtomic(join(out, 'results.json'), results);
  return { experiment: name, scale, results };
}
