import { SIGMA_SCHEDULE, SIGMA_SCHEDULE_LABELS, titleOf } from '../experiments/grids';
import { selectCells } from '../experiments/registry';
import { panelGrid } from '../plots';
import type { ComparisonRow } from '../tables';
import { onlyLevels } from '../verdicts/evidence';
import { summarize } from '../verdicts/summary';
import { dTarget, everySeedClaim, orderingClaim } from './claims';
import { runNotes } from './notes';
import { loadCellSamples, transportPanel, type ExperimentReport, type Report, type ReportInput } from './report';
import { MODE_COLLAPSE_SHARE } from './table1';

const { twoLevels, paperRatio } = SIGMA_SCHEDULE_LABELS;
const where = { pair: SIGMA_SCHEDULE.pair, dim: SIGMA_SCHEDULE.dim };
const cellName = `d=${SIGMA_SCHEDULE.dim} ${titleOf(SIGMA_SCHEDULE.pair)}`;

/** The smaller of the two mode shares of T#μ (metrics.json), or null where the run has none. */
const smallerShare = (m: { modes?: { shares: readonly number[] } } | undefined): number | null => (m?.modes?.shares.length ? Math.min(...m.modes.shares) : null);

/**
 * The σ-schedule ablation (notebook 04, issue 18's probe): with K = 3000 outer iterations and the paper's period
 * P = 2000, σ has two levels; with P scaled to keep the paper's K/P = 10 it passes through the schedule's levels as
 * in the paper (Eq. 38). The claims are the book's, about what a user who shortens a run should do.
 */
export function sigmaScheduleReport({ scale, results, evidence: all, levels, resultsDir }: ReportInput): Report {
  const evidence = onlyLevels(all, levels);
  const rows: ComparisonRow[] = [twoLevels, paperRatio].flatMap((method) => {
    const runs = selectCells(results, { where: { ...where, method } });
    const d = summarize(runs, dTarget);
    const share = summarize(runs, (m) => smallerShare(m) ?? undefined);
    const note = d.count === 0 ? (d.diverged ? `DIV (${d.diverged})` : 'not run') : undefined;
    return [
      { cell: `${cellName} ${method}`, metric: 'D_target', paper: null, ours: d.values, note },
      { cell: `${cellName} ${method}`, metric: 'smaller mode share of T#μ', paper: null, ours: share.values, note },
    ];
  });
  const seeds = results.filter((r) => r.status !== 'missing').map((r) => Number(r.factors.seed));
  const seed = seeds.length ? Math.min(...seeds) : 0;
  const panel = (method: string) => {
    const c = results.find((r) => r.factors.method === method && Number(r.factors.seed) === seed);
    return transportPanel(loadCellSamples(c, resultsDir), `${method}, seed ${seed}`, [0, SIGMA_SCHEDULE.dim / 2]);
  };
  const figure = panelGrid([[panel(twoLevels), panel(paperRatio)]], {
    title: `One-to-Many at d = ${SIGMA_SCHEDULE.dim} after K = ${SIGMA_SCHEDULE.iterations}: coordinates x₁[1] and x₂[1]`,
    panelWidth: 340,
    panelHeight: 300,
  });
  const collapsed = (holds: boolean) => (r: { metrics?: { modes?: { shares: readonly number[] } } }) => {
    const s = smallerShare(r.metrics);
    if (s === null) return { holds: false, seen: 'no mode shares' };
    return { holds: holds === s < MODE_COLLAPSE_SHARE, seen: `smaller mode share ${s.toFixed(3)}` };
  };
  const cells = (method: string) => [{ cell: `${cellName}, ${method}`, where: { ...where, method } }];
  return {
    experiment: 'sigma-schedule',
    scale,
    tables: [{ name: 'sigma-schedule', caption: `OTP on ${cellName}: the two periods of σ’s schedule (scale ${scale}; K = ${SIGMA_SCHEDULE.iterations} outer iterations at the paper and quick scales)`, rows }],
    figures: [{ name: 'sigma-schedule', caption: 'OTP with two σ levels (left) and with the paper’s K/P (right)', figure }],
    verdicts: [
      everySeedClaim(
        `With K = ${SIGMA_SCHEDULE.iterations} and the paper's P = ${SIGMA_SCHEDULE.periods.twoLevels} (two σ levels), OTP collapses onto one mode of d = ${SIGMA_SCHEDULE.dim} One-to-Many (issue 18's probe)`,
        evidence,
        cells(twoLevels),
        `a mode receives under ${MODE_COLLAPSE_SHARE * 100}% of T#μ`,
        collapsed(true),
      ),
      everySeedClaim(
        `With P scaled to keep the paper's K/P (P = ${SIGMA_SCHEDULE.periods.paperRatio}), OTP keeps both modes of d = ${SIGMA_SCHEDULE.dim} One-to-Many`,
        evidence,
        cells(paperRatio),
        `each mode receives at least ${MODE_COLLAPSE_SHARE * 100}% of T#μ`,
        collapsed(false),
      ),
      orderingClaim(
        `With K = ${SIGMA_SCHEDULE.iterations}, the scaled period gives OTP a lower D_target than the paper's period`,
        evidence,
        [{ cell: cellName, where }],
        paperRatio,
        twoLevels,
        dTarget,
      ),
    ],
    notes: runNotes(results),
  };
}

export const sigmaSchedule: ExperimentReport = { experiment: 'sigma-schedule', build: sigmaScheduleReport };
