import type { Scale } from '../experiments/scale';
import { UserError } from '../errors';
import { join } from 'node:path';
import { listExperiments } from '../experiments/registry';
import { readResults } from '../experiments/sweep';
import { paths } from '../paths';
import { failureCasesReport } from './failure-cases';
import type { Report } from './report';
import { table4Report } from './table4';
import { table1Report, table3Report, transportGridReport } from './trained';
import { mnistPlanDraws, mnistReport } from './mnist';
import { diotmTable1Report, diotmTable3Report } from './diotm';

export { failureCasesReport, semiDualValue } from './failure-cases';
export { table1Report, table3Report, transportGridReport, underTrained } from './trained';
export { table4Report } from './table4';
export { mnistReport, mnistPlanDraws, colourDiversity, planDistinctColours, MNIST_METHODS, COLLAPSE_SHARE, COVER_RANGE, STOCHASTIC_MIN_FRACTION } from './mnist';
export type { MnistPlanDraws, MethodDraws, PlanDrawOptions } from './mnist';
export { diotmTable1Report, diotmTable3Report, bestAndWorst, w2Of, l2Of, w2FloorOf, DIOTM_TASKS, DIOTM_TABLE3_TASKS, DIOTM_LAMBDAS, DIOTM_REGULARIZER_LABELS } from './diotm';
export { reportText, loadCellSamples, transportPanel, cellById } from './report';
export type { Report, ReportTable, ReportFigure, CellSamples } from './report';
export { lowerClaim, predicateClaim, summaryAt, dTarget, dCost, floorOf } from './claims';

/** An experiment's runs at a scale, from results/ where the user ran them, else from the shipped data/runs. */
function readChecks(experiment: string, scale: Scale) {
  return readResults(experiment, scale, [join(paths.results(), experiment, scale), join(paths.shippedRuns(), experiment, scale)]);
}

type Builder = (scale: Scale, resultsDir: string) => Report | Promise<Report>;

const BUILDERS: Record<string, Builder> = {
  fig1: () => failureCasesReport(),
  fig3: (scale, dir) => transportGridReport('fig3', scale, readResults('fig3', scale, dir), dir),
  fig5: (scale, dir) => transportGridReport('fig5', scale, readResults('fig5', scale, dir), dir),
  'weak-ot': (scale, dir) => transportGridReport('weak-ot', scale, readResults('weak-ot', scale, dir), dir),
  // Beside its own scale, Table 1's report reads the runs that check it: the paper scale's and the tenth-of-paper
  // runs ('table1-tenth' at its quick scale), each from results/ first, else from the ones shipped in data/runs.
  table1: (scale, dir) =>
    scale === 'paper'
      ? table1Report(scale, readResults('table1', scale, dir))
      : table1Report(scale, readResults('table1', scale, dir), readChecks('table1', 'paper'), readChecks('table1-tenth', 'quick')),
  table3: (scale, dir) => table3Report(scale, readResults('table3', scale, dir), dir),
  table4: (scale, dir) => table4Report(scale, readResults('table4', scale, dir)),
  mnist: async (scale, dir) => {
    const results = readResults('mnist', scale, dir);
    return mnistReport(scale, results, await mnistPlanDraws(dir, results));
  },
  'diotm-table1': (scale, dir) => diotmTable1Report(scale, readResults('diotm-table1', scale, dir), dir),
  'diotm-table3': (scale, dir) => diotmTable3Report(scale, readResults('diotm-table3', scale, dir)),
};

/** Registers the report of an experiment (each report module adds its own). */
export function registerReport(experiment: string, builder: Builder): void {
  BUILDERS[experiment] = builder;
}

export function reportNames(): string[] {
  return Object.keys(BUILDERS);
}

/** The report of an experiment from the results in `resultsDir` (cells not run yet show as missing). */
export async function buildReport(experiment: string, scale: Scale, resultsDir: string): Promise<Report> {
  const b = BUILDERS[experiment];
  const host = listExperiments().find((e) => e.name === experiment)?.reportedIn;
  if (!b && host) throw new UserError(`'${experiment}' has no report of its own: its runs appear in ${host}'s (otbook report ${host} --scale ${scale})`);
  if (!b) throw new UserError(`no report for '${experiment}'; reports: ${reportNames().join(', ')}`);
  return b(scale, resultsDir);
}
