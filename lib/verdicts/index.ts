export type { Verdict } from './types';
export { summarize, selectCells, formatSummary, judgeLower, verdictOf } from './compare';
export type { SeedSummary, CellJudgement, MetricOf } from './compare';
