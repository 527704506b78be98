import type { Scale } from '../experiments/scale';
import { UserError } from '../errors';
import { getExperiment, listExperiments } from '../experiments/registry';
import { describeSettings, onlySeedsChange } from '../experiments/settings';
import { readReportInput, type EvidenceOptions } from './evidence';
import type { ExperimentReport, Report } from './report';
import { fig1 } from './failure-cases';
import { fig3, fig5, weakOt } from './transport-grid';
import { table1 } from './table1';
import { table3 } from './table3';
import { table4 } from './table4';
import { mnist } from './mnist';
import { diotmTable1, diotmTable3 } from './diotm';
import { sigmaSchedule } from './sigma-schedule';
import { YOUR_DATA, yourDataReport } from './your-data';

export { failureCasesReport, semiDualValue, VALUE_TOLERANCE, FLOOR_FACTOR } from './failure-cases';
export { transportGridReport, PARALLEL_FLOOR_FACTOR, PARALLEL_SLACK, SPLIT_RANGE } from './transport-grid';
export { table1Report, MODE_COLLAPSE_SHARE } from './table1';
export { table3Report } from './table3';
export { sigmaScheduleReport } from './sigma-schedule';
export { table4Report, NO_SMOOTHING, SMOOTHING_MARGIN, WIDE_MARGIN_SHARE } from './table4';
export { mnistReport, mnistPlanDraws, colourDiversity, planDistinctColours, MNIST_METHODS, COLOUR_COLLAPSE_SHARE, COVER_RANGE, STOCHASTIC_MIN_FRACTION } from './mnist';
export type { MnistPlanDraws, MethodDraws, PlanDrawOptions } from './mnist';
export { diotmTable1Report, diotmTable3Report, bestAndWorst, w2Of, l2Of, w2FloorOf } from './diotm';
export { reportText, verdictText, verdictHeadline, formatRuns, loadCellSamples, transportPanel, cellById } from './report';
export type { Report, ReportTable, ReportFigure, CellSamples, ReportInput, ExperimentReport } from './report';
export { orderingClaim, ratioClaim, everySeedClaim, cellSides, dTarget, dCost, floorOf } from './claims';
export type { ClaimCell } from './claims';
export { readEvidence, readEvidenceSet, readReportInput, defaultDirs, SHIPPED_ONLY, underTrainedFromFiles } from './evidence';
export { runFolder } from './report';
export { YOUR_DATA, yourDataReport, yourDataFigure, yourDataCells, yourDataDir, exactW2OfData, exampleData } from './your-data';
export type { YourData, DataW2 } from './your-data';
export type { EvidenceOptions } from './evidence';

/** Every report, each registered with the experiment whose runs it reads (Fig. 1 reads none). */
export const REPORTS: readonly ExperimentReport[] = [fig1, fig3, fig5, table1, table3, sigmaSchedule, table4, mnist, diotmTable1, diotmTable3, weakOt];

/** The reports on the papers' claims (notebook 09's report on a researcher's data, YOUR_DATA, is not one of them). */
export function reportNames(): string[] {
  return REPORTS.map((r) => r.experiment);
}

export function reportOf(experiment: string): ExperimentReport {
  const r = REPORTS.find((x) => x.experiment === experiment);
  if (r) return r;
  const host = listExperiments().find((e) => e.name === experiment)?.reportedIn;
  if (host) throw new UserError(`'${experiment}' has no report of its own: its runs appear in ${host}'s (otbook report ${host})`);
  throw new UserError(`no report for '${experiment}'; reports: ${reportNames().join(', ')}`);
}

/**
 * The report of an experiment: its tables show the runs of `scale` (from `resultsDir` when given, else
 * results/<experiment>/<scale>, then the shipped data/runs); its verdicts use every evidence level present
 * (`options.levels` restricts them, `options.dirsFor` and `options.roots` where runs are looked for).
 */
export async function buildReport(experiment: string, scale: Scale, resultsDir: string | null = null, options: EvidenceOptions = {}): Promise<Report> {
  // Notebook 09's runs on a researcher's data: a folder of `otbook train` runs, no registered experiment.
  if (experiment === YOUR_DATA) {
    if (!resultsDir) throw new UserError('otbook report your-data: give --results DIR, the folder notebook 09 trained into (results/your-data/<scale>-<hash>)');
    return yourDataReport(resultsDir, scale);
  }
  const report = reportOf(experiment);
  if (report.readsRuns === false) return report.build({ scale, results: [], evidence: [], resultsDir: null });
  const built = await report.build(readReportInput(experiment, scale, resultsDir, options));
  const cells = getExperiment(experiment).cells(scale);
  const changed = options.settings ? describeSettings(cells, options.settings) : '';
  return changed ? withChangedSettings(built, changed, onlySeedsChange(cells, options.settings)) : built;
}

/**
 * A report on runs whose settings differ from the registered ones: every claim says so, and a note says why its
 * verdicts are not the paper-level ones (its runs are judged at the quick level unless only the seeds changed).
 */
function withChangedSettings(report: Report, changed: string, seedsOnly: boolean): Report {
  const level = seedsOnly
    ? `Only the seeds changed, so the runs keep this scale's hyperparameters and are judged at its own evidence level, on these runs alone.`
    : `Changed hyperparameters are quick-level evidence (docs/VERDICTS.md), so these verdicts are not the paper-level verdicts.`;
  return {
    ...report,
    settings: changed,
    verdicts: report.verdicts.map((v) => ({ ...v, claim: `[your settings: ${changed}] ${v.claim}` })),
    notes: [
      `Your settings differ from the ${report.scale} scale's (${changed}): the tables, figures and verdicts show only the runs of your settings. ${level} \`otbook report ${report.experiment} --scale ${report.scale}\` (or the notebook with its settings unedited) gives the verdicts on the registered cells and the shipped runs.`,
      ...report.notes,
    ],
  };
}
