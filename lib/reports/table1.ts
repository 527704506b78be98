import { relative } from 'node:path';
import { TABLE1_HIGH_DIMS, TABLE1_PAIRS, titleOf } from '../experiments/grids';
import { loadPublished, publishedValue, type PublishedTable } from '../experiments/published';
import { BUDGETS, describeBudget, selectCells } from '../experiments/registry';
import type { CellResult } from '../experiments/sweep';
import { paths, repoRoot } from '../paths';
import type { ComparisonRow } from '../tables';
import { table1Figure, type Table1Floor, type Table1Point } from '../plots';
import { onlyLevels, strongestFirst, type Evidence, type EvidenceSet } from '../verdicts/evidence';
import { claimVerdict, judgePredicate, measureAgreement, orderingOutcome, RULE, type Ordering } from '../verdicts/rule';
import { summarize } from '../verdicts/summary';
import type { CellVerdict, Verdict } from '../verdicts/types';
import { dCost, dTarget, floorOf, orderingClaim, ratioClaim, type ClaimCell } from './claims';
import { runNotes } from './notes';
import type { ExperimentReport, Report, ReportInput } from './report';

const METHODS = ['OTM', 'OTM-s', 'OTP'] as const;
/** The cells run by the reduced (tenth-of-paper) experiment and their comparison (OTP below OTM). */
const AGREEMENT_METHODS = ['OTP', 'OTM'] as const;

const paperOf = (table: PublishedTable, where: Record<string, string | number>, metric: string): number | null => {
  const v = publishedValue(table, where, metric);
  return typeof v === 'number' ? v : null;
};

const cellName = (dim: number, pair: string) => `d=${dim} ${titleOf(pair)}`;

/** Table 1's cells of a claim, each with the paper's D_target for every method. */
function claimCells(table: PublishedTable, dims: readonly number[], pairs: readonly string[]): ClaimCell[] {
  return dims.flatMap((dim) =>
    pairs.map((pair) => ({
      cell: cellName(dim, pair),
      where: { dim, pair },
      paper: Object.fromEntries(METHODS.map((m) => [m, paperOf(table, { dim, pair, method: m }, 'dTarget')])),
    })),
  );
}

/**
 * One finished run per seed of a cell, for its estimation floor: the floor depends only on the seed's evaluation
 * samples (every method of a seed is scored on the same target points), so OTP's run gives it where it ran, else
 * another method's (a cell whose OTP runs are still pending still shows its floor).
 */
function floorRuns(results: readonly CellResult[], dim: number, pair: string): CellResult[] {
  const bySeed = new Map<string, CellResult>();
  for (const method of ['OTP', ...METHODS.filter((m) => m !== 'OTP')]) {
    for (const r of selectCells(results, { where: { dim, pair, method } })) {
      const seed = String(r.factors.seed);
      if (r.status === 'completed' && r.metrics?.floor !== undefined && !bySeed.has(seed)) bySeed.set(seed, r);
    }
  }
  return [...bySeed.values()];
}

/**
 * Rows of the requested scale's runs beside the paper's numbers (cells not run say so), and the same numbers as
 * the points of the table's figure: one loop fills both, so the figure shows exactly what the table does.
 */
function resultRows(table: PublishedTable, results: readonly CellResult[]): { rows: ComparisonRow[]; floors: ComparisonRow[]; points: Table1Point[]; floorPoints: Table1Floor[] } {
  const dims = [...new Set(results.map((r) => Number(r.factors.dim)))].sort((a, b) => a - b);
  const rows: ComparisonRow[] = [];
  const floors: ComparisonRow[] = [];
  const points: Table1Point[] = [];
  const floorPoints: Table1Floor[] = [];
  for (const dim of dims) {
    for (const pair of TABLE1_PAIRS) {
      for (const method of METHODS) {
        for (const metric of ['dCost', 'dTarget'] as const) {
          const s = summarize(selectCells(results, { where: { dim, pair, method } }), metric === 'dCost' ? dCost : dTarget);
          points.push({ method, pair: titleOf(pair), dim, metric: metric === 'dCost' ? 'D_cost' : 'D_target', ours: s.values, paper: paperOf(table, { dim, pair, method }, metric) });
          rows.push({
            cell: `${cellName(dim, pair)} ${method}`,
            metric: metric === 'dCost' ? 'D_cost' : 'D_target',
            paper: paperOf(table, { dim, pair, method }, metric),
            ours: s.values,
            note: s.count === 0 ? (s.diverged ? `DIV (${s.diverged})` : 'not run') : s.diverged ? `${s.diverged} DIV` : undefined,
          });
        }
      }
      const floor = summarize(floorRuns(results, dim, pair), floorOf).values;
      floors.push({ cell: cellName(dim, pair), metric: 'estimation floor W2²(ν_n, ν′_n)', paper: null, ours: floor });
      floorPoints.push({ pair: titleOf(pair), dim, values: floor });
    }
  }
  return { rows, floors, points, floorPoints };
}

const levelName = (set: EvidenceSet) => (set.level === 'reduced' ? `reduced level (${set.experiment}, ${describeBudget(BUDGETS[set.experiment][set.scale === 'paper' ? 'quick' : set.scale])})` : `${set.level} level (${set.experiment} at scale ${set.scale})`);

/** The cells of Table 1 with finished runs of both OTP and OTM in a set. */
function comparedCells(set: EvidenceSet): Array<{ dim: number; pair: string }> {
  const seen = new Map<string, { dim: number; pair: string }>();
  for (const r of set.runs) {
    if (r.status !== 'completed') continue;
    const dim = Number(r.factors.dim);
    const pair = String(r.factors.pair);
    seen.set(`${dim}|${pair}`, { dim, pair });
  }
  return [...seen.values()].sort((a, b) => a.dim - b.dim || a.pair.localeCompare(b.pair));
}

const orderingName = (o: Ordering | null) => (o === null ? 'untested' : o === 'lower' ? 'OTP lower' : o === 'higher' ? 'OTM lower' : 'within noise');

/**
 * The book's own claim that a shorter level gives the paper level's outcome: on every cell run at both, the
 * ordering test of OTP against OTM (the rule's) must come out the same. It states that comparison, cell by cell.
 */
function agreementClaim(claim: string, paper: EvidenceSet, other: EvidenceSet): Verdict {
  const at = (set: EvidenceSet, dim: number, pair: string, method: string) => summarize(selectCells(set.runs, { where: { dim, pair, method } }), dTarget).values;
  const cells: CellVerdict[] = comparedCells(paper)
    .filter(({ dim, pair }) => comparedCells(other).some((c) => c.dim === dim && c.pair === pair))
    .map(({ dim, pair }) => {
      const [pOtp, pOtm, oOtp, oOtm] = [at(paper, dim, pair, 'OTP'), at(paper, dim, pair, 'OTM'), at(other, dim, pair, 'OTP'), at(other, dim, pair, 'OTM')];
      const p = orderingOutcome(pOtp, pOtm);
      const o = orderingOutcome(oOtp, oOtm);
      const runs = [...selectCells(paper.runs, { where: { dim, pair } }), ...selectCells(other.runs, { where: { dim, pair } })].filter((r) => r.status !== 'missing' && AGREEMENT_METHODS.includes(String(r.factors.method) as (typeof AGREEMENT_METHODS)[number]));
      return judgePredicate(
        { cell: cellName(dim, pair), set: other },
        runs,
        p !== null && p === o,
        `paper level: ${orderingName(p)}; ${other.level} level: ${orderingName(o)}`,
        `the ordering test of OTP against OTM (${RULE.minSeeds}+ seeds a side, one-sided Welch at ${100 * (1 - RULE.alpha)}%) gives the same outcome at both levels`,
        Math.min(pOtp.length, pOtm.length, oOtp.length, oOtm.length),
      );
    });
  return claimVerdict(claim, `same outcome of the ordering test of OTP against OTM at both levels, per cell run at both; ≥ ${RULE.minSeeds} seeds a side at each level`, cells);
}

/** Below this share of T#μ, a mode of One-to-Many's target counts as missed: the map collapsed onto the other. */
export const MODE_COLLAPSE_SHARE = 0.05;

/** "k of n" seeds of a method whose map missed a mode (metrics.json's mode shares). */
function collapsedSeeds(runs: readonly CellResult[], where: Record<string, string | number>): string {
  const done = selectCells(runs, { where }).filter((r) => r.status === 'completed' && r.metrics?.modes);
  return `${done.filter((r) => (r.metrics?.modes?.shares ?? []).some((v) => v < MODE_COLLAPSE_SHARE)).length} of ${done.length}`;
}

/**
 * The collapse counts at every level where One-to-Many ran: the failure the paper describes happens seed by seed,
 * and a mean over seeds hides how often. The note states the comparison it made.
 */
function collapseNote(evidence: Evidence): string | null {
  const cells = new Map<number, EvidenceSet[]>();
  for (const set of evidence) for (const { dim, pair } of comparedCells(set)) if (pair === 'one-to-many') cells.set(dim, [...(cells.get(dim) ?? []), set]);
  if (!cells.size) return null;
  const parts = [...cells]
    .sort((a, b) => a[0] - b[0])
    .map(([dim, sets]) => `d = ${dim}: ${sets.map((set) => `${set.level} level (${set.experiment}/${set.scale}) ${['OTM', 'OTP'].map((m) => `${m} ${collapsedSeeds(set.runs, { dim, pair: 'one-to-many', method: m })}`).join(', ')}`).join('; ')}`);
  return `One-to-Many, seeds whose T#μ puts under ${MODE_COLLAPSE_SHARE * 100}% of its mass on one of the two modes (counted from each run's mode shares in metrics.json): ${parts.join('. ')}.`;
}

/** Where each level's runs were read from: a reader must be able to tell shipped runs from their own. */
function provenanceNote(set: EvidenceSet): string {
  const counts = new Map<string, number>();
  for (const r of set.runs) {
    if (r.status === 'missing') continue;
    const dir = r.path.split('/').slice(0, -1).join('/') || '.';
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  const shipped = relative(repoRoot(), paths.shippedRuns());
  const parts = [...counts].map(([dir, k]) => `${k} from ${dir}${dir.startsWith(shipped) ? ' (shipped; data/runs/README.md says how to regenerate them)' : ''}`);
  return `Runs at the ${levelName(set)}: ${parts.join(', ')}.`;
}

/** The cells run at the paper level, at every level that ran them. */
function scaleRows(table: PublishedTable, evidence: Evidence): ComparisonRow[] {
  const paper = evidence.find((s) => s.level === 'paper');
  if (!paper) return [];
  const rows: ComparisonRow[] = [];
  for (const { dim, pair } of comparedCells(paper)) {
    for (const method of METHODS) {
      for (const set of evidence) {
        const s = summarize(selectCells(set.runs, { where: { dim, pair, method } }), dTarget);
        if (s.count + s.diverged === 0) continue;
        rows.push({ cell: `${cellName(dim, pair)} ${method}`, metric: 'D_target', paper: paperOf(table, { dim, pair, method }, 'dTarget'), ours: s.values, note: `${set.level} level (${set.experiment}/${set.scale})` });
      }
    }
  }
  return rows;
}

/** OTP Table 1: D_cost and D_target of OTM, OTM-s, OTP on Perpendicular and One-to-Many, d = 2…256. */
export function table1Report({ scale, results, evidence: given, levels }: ReportInput): Report {
  const published = loadPublished('otp-table1');
  const paper = given.find((s) => s.level === 'paper' && s.experiment === 'table1');
  // The reduced level's agreement with the paper level is measured here, on the cells run at both, and every
  // verdict that would use the reduced level shows it.
  const evidence: Evidence = strongestFirst(given).map((set) =>
    set.level === 'reduced' && paper
      ? { ...set, agreement: measureAgreement(set, paper, comparedCells(paper).map(({ dim, pair }) => ({ cell: cellName(dim, pair), lower: { dim, pair, method: 'OTP' }, higher: { dim, pair, method: 'OTM' }, labels: ['OTP', 'OTM'] as const })), dTarget) }
      : set,
  );
  // Judged on the levels asked for, agreement measured on all (above).
  const judged = onlyLevels(evidence, levels);
  const { rows, floors, points, floorPoints } = resultRows(published, results);
  const high = claimCells(published, TABLE1_HIGH_DIMS, TABLE1_PAIRS);
  const d16 = claimCells(published, [16], ['one-to-many'])[0];
  const verdicts: Verdict[] = [
    orderingClaim("Table 1: OTP's D_target is below OTM's for d ≥ 16", judged, high, 'OTP', 'OTM', dTarget, { floorLimited: true }),
    orderingClaim("Table 1: OTP's D_target is below OTM-s's for d ≥ 16", judged, high, 'OTP', 'OTM-s', dTarget, { floorLimited: true }),
    ratioClaim(
      'Table 1: at d = 16 on One-to-Many, OTM fails where OTP does not: its D_target is at least 10× OTP’s (paper: 73.23 vs 0.65)',
      judged,
      [{ ...d16, cell: `${d16.cell}, OTM` }],
      'OTP',
      'OTM',
      10,
      dTarget,
      true,
    ),
    ratioClaim(
      'Table 1: at d = 16 on One-to-Many, OTM-s fails where OTP does not: its D_target is at least 10× OTP’s (paper: 99.57 vs 0.65)',
      judged,
      [{ ...d16, cell: `${d16.cell}, OTM-s` }],
      'OTP',
      'OTM-s',
      10,
      dTarget,
      true,
    ),
  ];
  const tables = [
    { name: 'table1', caption: `OTP Table 1 at scale ${scale}: paper vs ours (mean ± sample std over seeds, n)`, rows },
    { name: 'table1-floor', caption: 'Estimation floor of D_target: W2² between two independent target samples of the same n', rows: floors },
  ];
  const notes: string[] = [];
  if (paper) {
    for (const other of evidence.filter((s) => s.level !== 'paper')) {
      const claim =
        other.level === 'reduced'
          ? `This book: App. E.1's settings with a tenth of the iterations (${describeBudget(BUDGETS[other.experiment].quick)}; the reduced level) give the paper level's outcome of the ordering test of OTP against OTM, on the cells run at both`
          : `This book: the ${other.scale} scale (${describeBudget(BUDGETS[other.experiment][other.scale === 'paper' ? 'quick' : other.scale])}; the quick level) gives the paper level's outcome of the ordering test of OTP against OTM, on the cells run at both`;
      verdicts.push(agreementClaim(claim, paper, other));
    }
    const sr = scaleRows(published, evidence);
    if (sr.length) tables.push({ name: 'table1-levels', caption: 'The cells run at the paper level (App. E.1: 20K iterations, K_T = 20, lr 1e-4), at every level that ran them', rows: sr });
  }
  const collapse = collapseNote(evidence);
  if (collapse) notes.push(collapse);
  notes.push(...evidence.map(provenanceNote));
  return {
    experiment: 'table1',
    scale,
    tables,
    figures: points.length ? [{ name: 'table1-figure', caption: `OTP Table 1 at scale ${scale} as a figure: D_target (with the estimation floor) and D_cost against d`, figure: table1Figure([...points.filter((p) => p.metric === 'D_target'), ...points.filter((p) => p.metric === 'D_cost')], floorPoints, `OTP Table 1, ${scale} scale`) }] : [],
    verdicts,
    notes: [...runNotes(results), ...notes, `Quick scale: ${describeBudget(BUDGETS.table1.quick)} instead of the paper's 20K, K_T = 20, lr 1e-4 (lib/experiments/registry.ts explains the larger step); its runs are quick-level evidence and decide no claim.`],
  };
}

export const table1: ExperimentReport = { experiment: 'table1', build: table1Report };

