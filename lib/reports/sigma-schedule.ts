import { SIGMA_SCHEDULE, SIGMA_SCHEDULE_AXES, SIGMA_SCHEDULE_LABELS, titleOf } from '../experiments/grids';
import { selectCells } from '../experiments/registry';
import { panelGrid } from '../plots';
import type { ComparisonRow } from '../tables';
import { onlyLevels } from '../verdicts/evidence';
import { summarize } from '../verdicts/summary';
import type { Verdict } from '../verdicts/types';
import { dTarget, everySeedClaim, orderingClaim } from './claims';
import { runNotes } from './notes';
import { loadCellSamples, transportPanel, type ExperimentReport, type Report, type ReportInput } from './report';
import { MODE_COLLAPSE_SHARE } from './table1';

const { twoLevels, paperRatio } = SIGMA_SCHEDULE_LABELS;
const { dim, iterations, periods } = SIGMA_SCHEDULE;
const cellName = (pair: string) => `d=${dim} ${titleOf(pair)}`;

/** The smaller of the two mode shares of T#μ (metrics.json), or null where the run has none. */
const smallerShare = (m: { modes?: { shares: readonly number[] } } | undefined): number | null => (m?.modes?.shares.length ? Math.min(...m.modes.shares) : null);

/** Whether a seed's T#μ collapsed (a mode under MODE_COLLAPSE_SHARE), as a claim on every seed checks it. */
const collapse = (expected: boolean) => (r: { metrics?: { modes?: { shares: readonly number[] } } }) => {
  const s = smallerShare(r.metrics);
  if (s === null) return { holds: false, seen: 'no mode shares' };
  return { holds: expected === s < MODE_COLLAPSE_SHARE, seen: `smaller mode share ${s.toFixed(3)}` };
};

/** The three claims on one pair: collapse with two σ levels, both modes with the paper's K/P, and the ordering. */
function pairClaims(pair: string, evidence: ReportInput['evidence']): Verdict[] {
  const where = { pair, dim };
  const cells = (method: string) => [{ cell: `${cellName(pair)}, ${method}`, where: { ...where, method } }];
  return [
    everySeedClaim(
      `${titleOf(pair)}, d = ${dim}, K = ${iterations}: with the paper's P = ${periods.twoLevels} (two σ levels) OTP collapses onto one mode (issue 18's probe)`,
      evidence,
      cells(twoLevels),
      `a mode receives under ${MODE_COLLAPSE_SHARE * 100}% of T#μ`,
      collapse(true),
    ),
    everySeedClaim(
      `${titleOf(pair)}, d = ${dim}, K = ${iterations}: with P scaled to keep the paper's K/P (P = ${periods.paperRatio}) OTP keeps both modes`,
      evidence,
      cells(paperRatio),
      `each mode receives at least ${MODE_COLLAPSE_SHARE * 100}% of T#μ`,
      collapse(false),
    ),
    orderingClaim(`${titleOf(pair)}, d = ${dim}, K = ${iterations}: the scaled period gives OTP a lower D_target than the paper's period`, evidence, [{ cell: cellName(pair), where }], paperRatio, twoLevels, dTarget),
  ];
}

/**
 * The σ-schedule ablation (notebook 04, issue 18's probe): with K = 3000 outer iterations and the paper's period
 * P = 2000, σ has two levels; with P scaled to keep the paper's K/P = 10 it passes through the schedule's levels as
 * in the paper (Eq. 38). The claims are the book's, about what a user who shortens a run should do.
 */
export function sigmaScheduleReport({ scale, results, evidence: all, levels, resultsDir }: ReportInput): Report {
  const evidence = onlyLevels(all, levels);
  const rows: ComparisonRow[] = SIGMA_SCHEDULE.pairs.flatMap((pair) =>
    [twoLevels, paperRatio].flatMap((method) => {
      const runs = selectCells(results, { where: { pair, dim, method } });
      const d = summarize(runs, dTarget);
      const share = summarize(runs, (m) => smallerShare(m) ?? undefined);
      const note = d.count === 0 ? (d.diverged ? `DIV (${d.diverged})` : 'not run') : undefined;
      return [
        { cell: `${cellName(pair)} ${method}`, metric: 'D_target', paper: null, ours: d.values, note },
        { cell: `${cellName(pair)} ${method}`, metric: 'smaller mode share of T#μ', paper: null, ours: share.values, note },
      ];
    }),
  );
  const seeds = results.filter((r) => r.status !== 'missing').map((r) => Number(r.factors.seed));
  const seed = seeds.length ? Math.min(...seeds) : 0;
  // The unrotated pair in the coordinates of Fig. 6 (x₁[1], x₂[1]); the rotated one has no such axes to draw.
  const panel = (method: string) => {
    const c = results.find((r) => r.factors.pair === SIGMA_SCHEDULE.pairs[0] && r.factors.method === method && Number(r.factors.seed) === seed);
    return transportPanel(loadCellSamples(c, resultsDir), `${method}, seed ${seed}`, SIGMA_SCHEDULE_AXES);
  };
  const figure = panelGrid([[panel(twoLevels), panel(paperRatio)]], { title: `One-to-Many at d = ${dim}: coordinates x₁[1] and x₂[1]`, panelWidth: 340, panelHeight: 300 });
  return {
    experiment: 'sigma-schedule',
    scale,
    tables: [
      {
        name: 'sigma-schedule',
        caption: `OTP on d = ${dim} One-to-Many, as defined and rotated: the two periods of σ's schedule (scale ${scale}; K = ${iterations} outer iterations at the paper and quick scales)`,
        rows,
      },
    ],
    figures: [{ name: 'sigma-schedule', caption: 'OTP with two σ levels (left) and with the paper’s K/P (right), One-to-Many as defined', figure }],
    verdicts: SIGMA_SCHEDULE.pairs.flatMap((pair) => pairClaims(pair, evidence)),
    notes: runNotes(results),
  };
}

export const sigmaSchedule: ExperimentReport = { experiment: 'sigma-schedule', build: sigmaScheduleReport };
