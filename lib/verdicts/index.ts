/**
 * Verdicts: the statistical rule (rule.ts, docs/VERDICTS.md), the evidence levels (evidence.ts), under-training
 * (under-training.ts), the statistics they use (stats.ts) and the verdict record (types.ts). Reports build their
 * claims from these; tables and the book only render the records.
 */
export type { Verdict, CellVerdict, VerdictWord, InconclusiveReason, EvidenceLevel } from './types';
export { VERDICT_WORDS, INCONCLUSIVE_REASONS } from './types';
export { RULE, TESTS, judgeOrdering, judgeRatio, judgeBound, judgeMargin, judgeEverySeed, judgePredicate, claimVerdict, notRunClaim, computedClaim, orderingOutcome, measureAgreement, dTarget, floorOf } from './rule';
export type { Side, CellInput, FloorCheck, Ordering } from './rule';
export { cellEvidence, decides, evidenceSet, onlyLevels, strongestFirst, weakerLevel, levelRank } from './evidence';
export type { Evidence, EvidenceSet, EvidenceRun, Agreement, AgreementCell } from './evidence';
export { summarize, formatSummary, formatValues, sig } from './summary';
export type { SeedSummary, MetricOf } from './summary';
export { lossFlattening, parseLossCsv, nearIdentity, farFromBest, FLAT_SHARE, NEAR_IDENTITY_SHARE, WATCHED_COLUMN } from './under-training';
export type { Flattening, LossRow } from './under-training';
export { welch, ratioInterval, meanInterval, meanAndStd, studentTCdf, studentTQuantile, regularizedBeta, lnGamma } from './stats';
export type { WelchResult, RatioResult } from './stats';
