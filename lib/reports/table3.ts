import { TABLE1_PAIRS, TABLE3_DIMS, titleOf } from '../experiments/grids';
import { loadPublished, publishedValue } from '../experiments/published';
import { selectCells } from '../experiments/registry';
import { panelGrid, table3Figure, type Table1Floor, type Table3Point } from '../plots';
import type { ComparisonRow } from '../tables';
import { onlyLevels } from '../verdicts/evidence';
import { summarize } from '../verdicts/summary';
import { dTarget, floorOf, orderingClaim } from './claims';
import { runNotes } from './notes';
import { loadCellSamples, transportPanel, type ExperimentReport, type Report, type ReportInput } from './report';

const METHODS = ['OTP-CNS', 'OTP'] as const;

/** OTP Table 3 and Fig. 6: constant noise (OTP-CNS, σ = σ_min) vs the decreasing schedule, d = 16 and 64. */
export function table3Report({ scale, results, evidence: all, levels, resultsDir }: ReportInput): Report {
  const evidence = onlyLevels(all, levels);
  const published = loadPublished('otp-table3');
  const paper = (where: Record<string, string | number>) => {
    const v = publishedValue(published, where, 'dTarget');
    return typeof v === 'number' ? v : null;
  };
  // One loop fills the table's rows and its figure's points (and the floor, from OTP's runs, which are Table 1's).
  const rows: ComparisonRow[] = [];
  const points: Table3Point[] = [];
  const floors: Table1Floor[] = [];
  for (const dim of TABLE3_DIMS) {
    for (const pair of TABLE1_PAIRS) {
      floors.push({ pair: titleOf(pair), dim, values: summarize(selectCells(results, { where: { dim, pair, method: 'OTP' } }), floorOf).values });
      for (const method of METHODS) {
        const s = summarize(selectCells(results, { where: { dim, pair, method } }), dTarget);
        points.push({ method, pair: titleOf(pair), dim, ours: s.values, paper: paper({ dim, pair, method }) });
        rows.push({ cell: `d=${dim} ${titleOf(pair)} ${method}`, metric: 'D_target', paper: paper({ dim, pair, method }), ours: s.values, note: s.count === 0 ? (s.diverged ? `DIV (${s.diverged})` : 'not run') : undefined });
      }
    }
  }
  const seeds = results.filter((r) => r.status !== 'missing').map((r) => Number(r.factors.seed));
  const seed = seeds.length ? Math.min(...seeds) : 0;
  const panel = (m: string) => {
    const c = results.find((r) => r.factors.method === m && r.factors.pair === 'one-to-many' && r.factors.dim === 64 && Number(r.factors.seed) === seed);
    return transportPanel(loadCellSamples(c, resultsDir), `${m}, One-to-Many, d = 64`, [0, 32]);
  };
  const figure = panelGrid([[panel('OTP-CNS'), panel('OTP')]], { title: 'OTP Fig. 6: axes 1 and 33 at d = 64 (CNS left, decreasing σ right)', panelWidth: 340, panelHeight: 300 });
  return {
    experiment: 'table3',
    scale,
    tables: [{ name: 'table3', caption: `OTP Table 3: D_target, constant vs decreasing noise (scale ${scale})`, rows }],
    figures: [
      { name: 'table3-figure', caption: `OTP Table 3 at scale ${scale} as a figure: D_target against d, constant vs decreasing noise, with the estimation floor`, figure: table3Figure(points, floors, `OTP Table 3, ${scale} scale`) },
      { name: 'fig6-cns-vs-otp', caption: 'One-to-Many at d = 64 in coordinates 1 and 33 (x₁[1], x₂[1])', figure },
    ],
    verdicts: [
      orderingClaim(
        "Table 3: OTP's decreasing schedule gives a lower D_target than the constant schedule at σ_min (OTP-CNS)",
        evidence,
        TABLE3_DIMS.flatMap((dim) => TABLE1_PAIRS.map((pair) => ({ cell: `d=${dim} ${titleOf(pair)}`, where: { dim, pair }, paper: Object.fromEntries(METHODS.map((m) => [m, paper({ dim, pair, method: m })])) }))),
        'OTP',
        'OTP-CNS',
        dTarget,
        { floorLimited: true },
      ),
    ],
    notes: runNotes(results),
  };
}

export const table3: ExperimentReport = { experiment: 'table3', build: table3Report };
