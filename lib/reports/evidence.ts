import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { paths, repoRoot } from '../paths';
import type { EvidenceLevel, Scale } from '../experiments/scale';
import { evidenceLevel, evidenceSources, getExperiment, type Cell } from '../experiments/registry';
import { applySettings, onlySeedsChange, settingsChange, settingsResultsDir, type CellSettings } from '../experiments/settings';
import { configHash, readRunConfig, readRunRecord } from '../experiments/runner';
import { indexCompletedRuns, readResults, type CellResult } from '../experiments/sweep';
import { strongestFirst, type Evidence, type EvidenceRun, type EvidenceSet } from '../verdicts/evidence';
import type { ReportInput } from './report';
import { driftDirection, lossFlattening, nearIdentity, parseLossCsv } from '../verdicts/under-training';

/** Where a report looks for runs (docs/VERDICTS.md, "Where runs are read from"). */
export interface EvidenceOptions {
  /** The folders searched for an experiment's runs at a scale, in order (default: results/<e>/<s>, then data/runs/<e>/<s>). */
  readonly dirsFor?: (experiment: string, scale: Scale) => readonly string[];
  /**
   * Roots searched, by configuration hash, for a cell none of those folders holds: the same configuration
   * trained for another experiment (Fig. 3's paper cells are Table 1's). Default: results/ and data/runs/.
   */
  readonly roots?: readonly string[];
  /** Only these levels (e.g. ['paper'] for the verdicts the shipped paper-scale runs alone give); a report still reads the others to measure agreement. */
  readonly levels?: readonly EvidenceLevel[];
  /**
   * Settings changed for every cell (lib/experiments/settings.ts). When they change anything, the report reads only
   * the runs of those settings, at the quick level (or the scale's own level when only the seeds changed): runs of
   * other settings are no evidence on them, and they are no evidence at the paper's settings.
   */
  readonly settings?: CellSettings;
}

/** The default search: the user's results first, the runs the repository ships second. */
export const defaultDirs = (experiment: string, scale: Scale): string[] => [join(paths.results(), experiment, scale), join(paths.shippedRuns(), experiment, scale)];

/** Only the runs committed with the repository (data/runs): what a fresh clone's verdicts rest on. */
export const SHIPPED_ONLY: EvidenceOptions = {
  dirsFor: (experiment, scale) => [join(paths.shippedRuns(), experiment, scale)],
  // A getter: the shipped folder (OTBOOK_SHIPPED_RUNS) is read when the evidence is, not when this module loads.
  get roots() {
    return [paths.shippedRuns()];
  },
};

const relativePath = (dir: string) => relative(repoRoot(), dir) || '.';

/** Why a run is under-trained, from its own files (loss.csv, metrics.json), or null. */
export function underTrainedFromFiles(dir: string, result: CellResult): string | null {
  const reasons: string[] = [];
  const loss = join(dir, 'loss.csv');
  const m = result.metrics;
  if (result.status === 'completed' && existsSync(loss)) {
    const f = lossFlattening(parseLossCsv(readFileSync(loss, 'utf8')));
    // A cost running away from the optimum is a failure of the method at this budget, not a run cut short.
    if (f.flattened === false && driftDirection(f, watchedOptimum(dir, m)) !== 'away') reasons.push(`loss not flattened: ${f.text}`);
  }
  if (m) {
    const still = nearIdentity(m.transportCost, m.w2Squared);
    if (still) reasons.push(still);
  }
  return reasons.length ? reasons.join('; ') : null;
}

/** map.cost at the optimal plan, α·W2²(μ, ν), where the pair's W2² is known in closed form. */
function watchedOptimum(dir: string, m: CellResult['metrics']): number | undefined {
  if (m?.w2Squared === undefined) return undefined;
  try {
    return readRunConfig(dir).alpha * m.w2Squared;
  } catch {
    return undefined;
  }
}

/** A cell's result from a run folder found by configuration hash. */
function resultAt(cell: Cell, dir: string): CellResult | null {
  const r = readRunRecord(dir);
  if (!r) return null;
  // `from` is left out: the folder is not named after this cell (EvidenceRun.path says where it is).
  return { id: cell.id, factors: cell.factors, status: r.status, divergedAt: r.divergedAt, trainSeconds: r.trainSeconds, metrics: r.metrics, backend: r.backend?.choice };
}

/** One experiment's runs at one scale, as evidence: each cell from the first folder holding it, else by hash. */
export function readEvidenceSet(experiment: string, scale: Scale, level: EvidenceLevel, options: EvidenceOptions = {}, index?: Map<string, string>, settings?: CellSettings): EvidenceSet {
  const cells = applySettings(getExperiment(experiment).cells(scale), settings);
  const results = readResults(experiment, scale, (options.dirsFor ?? defaultDirs)(experiment, scale), settings);
  const runs: EvidenceRun[] = results.map((r, i) => {
    let result: CellResult = r;
    let dir = r.from ? join(r.from, r.id) : null;
    if (r.status === 'missing' && index) {
      const found = index.get(configHash(cells[i].config));
      const other = found ? resultAt(cells[i], found) : null;
      if (found && other) {
        result = other;
        dir = found;
      }
    }
    return { ...result, level, underTrained: dir && result.status !== 'missing' ? underTrainedFromFiles(dir, result) : null, path: dir ? relativePath(dir) : `${experiment}/${scale}/${r.id} (not run)` };
  });
  return { level, experiment, scale, runs };
}

/**
 * Every evidence set of an experiment (its scales and those of the experiments reported in it), strongest
 * level first. Sets without a finished run are left out.
 */
export function readEvidence(experiment: string, options: EvidenceOptions = {}, index = indexCompletedRuns(options.roots ?? [paths.results(), paths.shippedRuns()])): Evidence {
  const sets = evidenceSources(experiment)
    .filter((s) => !options.levels || options.levels.includes(s.level))
    .map((s) => readEvidenceSet(s.experiment, s.scale, s.level, options, index))
    .filter((set) => set.runs.some((r) => r.status === 'completed' || r.status === 'diverged'));
  return strongestFirst(sets);
}

/**
 * What an experiment's report reads: the runs of `scale` for its tables and figures (from `resultsDir` when
 * given, then data/runs, then any run of the same configuration) and every evidence level for its verdicts.
 */
export function readReportInput(experiment: string, scale: Scale, resultsDir: string | null = null, options: EvidenceOptions = {}): ReportInput {
  const base = options.dirsFor ?? defaultDirs;
  const dirsFor = (e: string, s: Scale) => (resultsDir && e === experiment && s === scale ? [resultsDir, ...base(e, s).filter((d) => d !== resultsDir)] : base(e, s));
  const opts: EvidenceOptions = { ...options, dirsFor, levels: undefined, settings: undefined };
  const index = indexCompletedRuns(opts.roots ?? [paths.results(), paths.shippedRuns()]);
  const registered = getExperiment(experiment).cells(scale);
  if (options.settings && settingsChange(registered, options.settings)) {
    const own = resultsDir ?? settingsResultsDir(experiment, scale, registered, options.settings);
    const level = onlySeedsChange(registered, options.settings) ? evidenceLevel(experiment, scale) : 'quick';
    const set = readEvidenceSet(experiment, scale, level, { ...opts, dirsFor: () => [own] }, index, options.settings);
    return { scale, results: set.runs, evidence: set.runs.some((r) => r.status === 'completed' || r.status === 'diverged') ? [set] : [], resultsDir: own };
  }
  return {
    scale,
    results: readEvidenceSet(experiment, scale, evidenceLevel(experiment, scale), opts, index).runs,
    evidence: readEvidence(experiment, opts, index),
    ...(options.levels ? { levels: options.levels } : {}),
    resultsDir: resultsDir ?? join(paths.results(), experiment, scale),
  };
}
