import { FIG3_PAIRS, WEAK_OT_PAIRS, titleOf } from '../experiments/grids';
import { selectCells } from '../experiments/registry';
import type { CellResult } from '../experiments/sweep';
import { panelGrid, type Panel } from '../plots';
import type { ComparisonRow } from '../tables';
import { summarize, sig } from '../verdicts/summary';
import type { Verdict } from '../verdicts/types';
import { onlyLevels } from '../verdicts/evidence';
import { dCost, dTarget, everySeedClaim, orderingClaim } from './claims';
import { runNotes } from './notes';
import { loadCellSamples, transportPanel, type ExperimentReport, type Report, type ReportInput } from './report';

type GridExperiment = 'fig3' | 'fig5' | 'weak-ot';

const FIGURE: Record<GridExperiment, { title: string; claimPrefix: string; methods: readonly [string, string] }> = {
  fig3: { title: 'OTP Fig. 3: OTM (top) vs OTP (bottom)', claimPrefix: 'Fig. 3', methods: ['OTM', 'OTP'] },
  fig5: { title: 'OTP Fig. 5: ICNN potential, OTM (top) vs OTP (bottom)', claimPrefix: 'Fig. 5', methods: ['OTM (ICNN)', 'OTP (ICNN)'] },
  'weak-ot': { title: 'NOT (γ-weak cost) vs OTP on One-to-Many', claimPrefix: 'NOT vs OTP', methods: ['NOT', 'OTP'] },
};

/** The D_target of a Parallel run within this many times its estimation floor, plus a small absolute slack, is "on ν". */
export const PARALLEL_FLOOR_FACTOR = 5;
export const PARALLEL_SLACK = 0.01;
/** A one-to-many plan sends each of the two modes a share of T#μ in this range. */
export const SPLIT_RANGE: readonly [number, number] = [0.3, 0.7];

function rowsOf(results: readonly CellResult[], pairs: readonly string[], methods: readonly string[]): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const pair of pairs) {
    for (const method of methods) {
      for (const [metric, of] of [
        ['D_target', dTarget],
        ['D_cost', dCost],
      ] as const) {
        const s = summarize(selectCells(results, { where: { pair, method } }), of);
        rows.push({ cell: `${titleOf(pair)}, ${method}`, metric, paper: null, ours: s.values, note: s.count === 0 ? (s.diverged ? `DIV (${s.diverged})` : 'not run') : undefined });
      }
    }
  }
  return rows;
}

/** OTP Fig. 3 (or Fig. 5 with the ICNN potential, or NOT vs OTP): rows = methods, columns = the failure cases. */
export function transportGridReport(experiment: GridExperiment, { scale, results, evidence: all, levels, resultsDir }: ReportInput): Report {
  const evidence = onlyLevels(all, levels);
  const spec = FIGURE[experiment];
  const [otm, otp] = spec.methods;
  const pairs: readonly string[] = experiment === 'weak-ot' ? WEAK_OT_PAIRS : FIG3_PAIRS;
  const seeds = results.filter((r) => r.status !== 'missing').map((r) => Number(r.factors.seed));
  const seed = seeds.length ? Math.min(...seeds) : 0;
  const panels: Panel[][] = spec.methods.map((m) =>
    pairs.map((p) => {
      const cell = results.find((r) => r.factors.method === m && r.factors.pair === p && Number(r.factors.seed) === seed);
      // The column title already names the pair; the panel says which seed is drawn and how it scored.
      const d = cell?.metrics ? `D_target ${sig(cell.metrics.dTarget, 2)}` : cell?.status === 'diverged' ? 'DIV' : 'not run';
      return transportPanel(loadCellSamples(cell, resultsDir), `seed ${seed}: ${d}`);
    }),
  );
  const figure = panelGrid(panels, { rowTitles: [...spec.methods], colTitles: pairs.map(titleOf), title: spec.title, panelWidth: 215, panelHeight: 215, gap: 60 });
  const verdicts: Verdict[] = [];
  if (experiment !== 'weak-ot') {
    verdicts.push(
      orderingClaim(
        `${spec.claimPrefix}: ${otm} fails on Perpendicular, One-to-Many and Multi-Perpendicular where ${otp} recovers the plan (${otp}'s D_target below ${otm}'s)`,
        evidence,
        ['perpendicular', 'one-to-many', 'multi-perpendicular'].map((pair) => ({ cell: titleOf(pair), where: { pair, dim: 2 } })),
        otp,
        otm,
        dTarget,
      ),
      everySeedClaim(
        `${spec.claimPrefix}: on Parallel both methods transport μ onto ν (every seed's D_target within ${PARALLEL_FLOOR_FACTOR}× its estimation floor + ${PARALLEL_SLACK})`,
        evidence,
        spec.methods.map((m) => ({ cell: `Parallel, ${m}`, where: { pair: 'parallel', dim: 2, method: m } })),
        `D_target ≤ ${PARALLEL_FLOOR_FACTOR} × floor + ${PARALLEL_SLACK}`,
        (r) => {
          const m = r.metrics;
          if (r.status !== 'completed' || !m || m.floor === undefined) return { holds: false, seen: `${r.id} ${r.status}` };
          return { holds: m.dTarget <= PARALLEL_FLOOR_FACTOR * m.floor + PARALLEL_SLACK, seen: `${sig(m.dTarget, 3)} (floor ${sig(m.floor, 2)})` };
        },
      ),
    );
  } else {
    verdicts.push(
      everySeedClaim(
        `NOT with the γ-weak cost and OTP both learn a one-to-many plan (each mode of ν receives ${SPLIT_RANGE[0] * 100}–${SPLIT_RANGE[1] * 100}% of T#μ, for every seed)`,
        evidence,
        spec.methods.map((m) => ({ cell: m, where: { pair: 'one-to-many', dim: 2, method: m } })),
        `both mode shares in [${SPLIT_RANGE.join(', ')}]`,
        (r) => {
          const shares = r.metrics?.modes?.shares ?? [];
          if (r.status !== 'completed' || shares.length !== 2) return { holds: false, seen: `${r.id} ${r.status}` };
          return { holds: shares.every((v) => v >= SPLIT_RANGE[0] && v <= SPLIT_RANGE[1]), seen: `${shares.map((v) => v.toFixed(2)).join('/')} (E‖T(x) − x‖² ${sig(r.metrics?.transportCost ?? Number.NaN, 3)}, W2² = 1)` };
        },
      ),
    );
  }
  return {
    experiment,
    scale,
    tables: [{ name: `${experiment}-metrics`, caption: `D_target = W2²(T#μ, ν) (exact OT) and D_cost = |W2² − E‖T(x) − x‖²| per panel, scale ${scale}`, rows: rowsOf(results, pairs, spec.methods) }],
    figures: [{ name: `${experiment}-transport`, caption: 'x (blue), y (orange), x̃ (green, OTP at σ_min), T(x) (red), segments x → T(x)', figure }],
    verdicts,
    notes: runNotes(results),
  };
}

export const fig3: ExperimentReport = { experiment: 'fig3', build: (input) => transportGridReport('fig3', input) };
export const fig5: ExperimentReport = { experiment: 'fig5', build: (input) => transportGridReport('fig5', input) };
export const weakOt: ExperimentReport = { experiment: 'weak-ot', build: (input) => transportGridReport('weak-ot', input) };
