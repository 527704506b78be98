import type { CellResult } from '../../lib/experiments';
import type { Scale } from '../../lib/experiments/scale';
import { evidenceLevel } from '../../lib/experiments/registry';
import type { ReportInput } from '../../lib/reports';
import { evidenceSet } from '../../lib/verdicts';

/**
 * A report's input from hand-made results of one experiment at one scale: the tables show them, and they are the
 * only evidence, at the level the registry declares for that scale (paper for 'paper', reduced or quick otherwise).
 */
export function inputOf(experiment: string, scale: Scale, results: readonly CellResult[], more: ReadonlyArray<{ experiment: string; scale: Scale; results: readonly CellResult[] }> = []): ReportInput {
  return {
    scale,
    results,
    evidence: [{ experiment, scale, results }, ...more].map((s) => evidenceSet(s.experiment, s.scale, evidenceLevel(s.experiment, s.scale), s.results)),
    resultsDir: null,
  };
}
