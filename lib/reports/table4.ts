import { getPair } from '../data';
import type { W2BenchmarkPair } from '../data/w2bench';
import { TABLE4_DIMS } from '../experiments/grids';
import { loadPublished, publishedValue, type PublishedTable } from '../experiments/published';
import { selectCells } from '../experiments/registry';
import { scoreForwardMap } from '../metrics/benchmark';
import { Rng } from '../random';
import type { ComparisonRow } from '../tables';
import { table4Figure, type Table4Point } from '../plots';
import { onlyLevels, type Evidence } from '../verdicts/evidence';
import { claimVerdict, judgeBound, judgeMargin, TESTS } from '../verdicts/rule';
import { sig, summarize, type MetricOf } from '../verdicts/summary';
import { farFromBest } from '../verdicts/under-training';
import { cellSides } from './claims';
import { runNotes } from './notes';
import type { ExperimentReport, Report, ReportInput } from './report';

/** Our ICNN semi-dual solver without smoothing, compared with the published MMv2:R (the closest published). */
export const NO_SMOOTHING = 'ICNN semi-dual (ours, no smoothing)';
/** "Smoothing costs little": OTP's L2-UVP at most this many points above the same solver without smoothing. */
export const SMOOTHING_MARGIN = 3;
/** "By a wide margin": OTP's L2-UVP below this share of the linear baseline's. */
export const WIDE_MARGIN_SHARE = 0.5;

const l2uvp: MetricOf = (m) => m.l2uvp;
const cosOf: MetricOf = (m) => m.cos;

/** The lowest L2-UVP any solver of the benchmark's published table reaches at dimension D. */
function bestPublished(table: PublishedTable, dim: number): number | null {
  const values = table.values.filter((v) => v.dim === dim && typeof v.l2uvp === 'number').map((v) => Number(v.l2uvp));
  return values.length ? Math.min(...values) : null;
}

/**
 * OTP Table 4 (App. F.3): forward L2-UVP and cos on the W2 benchmark Mix3toMix10 at D = 16, 64 (and 128 as an
 * extra at the paper scale). Ours: the ICNN-potential semi-dual solver with and without OTP's smoothing, and the
 * linear (Bures) baseline computed here; the other solvers' published numbers are quoted.
 */
export async function table4Report({ scale, results, evidence: all, levels }: ReportInput): Promise<Report> {
  const given = onlyLevels(all, levels);
  const published = loadPublished('otp-table4');
  const dims = [...new Set([...results, ...given.flatMap((s) => s.runs)].filter((r) => r.status !== 'missing').map((r) => Number(r.factors.dim)))].sort((a, b) => a - b);
  // One loop fills the table's rows and its figure's points (L2-UVP), so the figure shows what the table does.
  const rows: ComparisonRow[] = [];
  const points: Table4Point[] = [];
  const notes: string[] = [];
  const linear = new Map<number, number>();
  const pub = (method: string, dim: number, metric: 'l2uvp' | 'cos') => {
    const v = publishedValue(published, { method, dim }, metric);
    return typeof v === 'number' ? v : null;
  };
  for (const d of dims) {
    const pair = getPair('mix3tomix10', { dim: d }) as W2BenchmarkPair;
    if (pair.isStandIn) notes.push(`D = ${d}: the benchmark data is absent; a constructed stand-in pair (${pair.name}) was used, so numbers are not comparable to the paper's.`);
    const score = await scoreForwardMap(pair, pair.linearBaseline, { rng: new Rng(7 + d) });
    linear.set(d, score.l2uvp);
    rows.push({ cell: `D=${d} L (linear, computed here)`, metric: 'L2-UVP %', paper: pub('L', d, 'l2uvp'), ours: [score.l2uvp] });
    points.push({ method: 'L (linear)', dim: d, ours: [score.l2uvp], paper: pub('L', d, 'l2uvp') });
    rows.push({ cell: `D=${d} L (linear, computed here)`, metric: 'cos', paper: pub('L', d, 'cos'), ours: [score.cos] });
    for (const [label, paperMethod] of [
      [NO_SMOOTHING, 'MMv2:R'],
      ['OTP', 'OTP'],
    ] as const) {
      const where = { where: { dim: d, method: label } };
      const note = paperMethod === 'OTP' ? undefined : 'paper: MMv2:R, the closest published';
      const ours = summarize(selectCells(results, where), l2uvp).values;
      rows.push({ cell: `D=${d} ${label}`, metric: 'L2-UVP %', paper: pub(paperMethod, d, 'l2uvp'), ours, note });
      points.push({ method: paperMethod === 'OTP' ? label : `${label} [paper: MMv2:R]`, dim: d, ours, paper: pub(paperMethod, d, 'l2uvp') });
      rows.push({ cell: `D=${d} ${label}`, metric: 'cos', paper: pub(paperMethod, d, 'cos'), ours: summarize(selectCells(results, where), cosOf).values, note });
    }
  }
  // A map whose L2-UVP stays closer to the linear baseline's than to the best published solver's is under-trained.
  const evidence: Evidence = given.map((set) => ({
    ...set,
    runs: set.runs.map((r) => {
      const best = bestPublished(published, Number(r.factors.dim));
      const lin = linear.get(Number(r.factors.dim));
      const far = r.metrics?.l2uvp !== undefined && best !== null && lin !== undefined ? farFromBest(r.metrics.l2uvp, best, lin, 'L2-UVP') : null;
      return far ? { ...r, underTrained: r.underTrained ? `${r.underTrained}; ${far}` : far } : r;
    }),
  }));
  const quoted: ComparisonRow[] = published.values
    .filter((v) => !['L', 'OTP', 'MMv2:R'].includes(String(v.method)))
    .map((v) => ({ cell: `D=${v.dim} ${v.method} (Korotin et al. 2021)`, metric: 'L2-UVP %', paper: Number(v.l2uvp), ours: [], note: `quoted; cos ${v.cos}` }));
  const claimDims: readonly number[] = dims.length ? dims : TABLE4_DIMS;
  const verdicts = [
    claimVerdict(
      `Table 4: OTP's smoothing costs little on this absolutely continuous source: OTP's L2-UVP is at most ${SMOOTHING_MARGIN} points above the same ICNN solver without smoothing (paper: 8.7 vs 7.7 at D = 16, 6.5 vs 6.8 at D = 64, against MMv2:R)`,
      TESTS.margin,
      claimDims.map((d) => {
        const { input, sides } = cellSides(evidence, { dim: d }, ['OTP', NO_SMOOTHING]);
        return judgeMargin({ ...input, cell: `D=${d}`, paper: [pub('OTP', d, 'l2uvp'), pub('MMv2:R', d, 'l2uvp')].every((v) => v !== null) ? `OTP ${pub('OTP', d, 'l2uvp')}, MMv2:R ${pub('MMv2:R', d, 'l2uvp')}` : '' }, sides[0], sides[1], SMOOTHING_MARGIN, l2uvp);
      }),
    ),
    claimVerdict(
      `Table 4: the neural solvers beat the linear (Bures) baseline by a wide margin: OTP's L2-UVP is below ${WIDE_MARGIN_SHARE} × the linear baseline's (paper: 8.7 vs 41.6 at D = 16, 6.5 vs 63.9 at D = 64)`,
      TESTS.bound,
      claimDims.map((d) => {
        const { input, sides } = cellSides(evidence, { dim: d }, ['OTP']);
        const lin = linear.get(d) ?? Number.NaN;
        return judgeBound({ ...input, cell: `D=${d}`, paper: pub('OTP', d, 'l2uvp') !== null ? `OTP ${pub('OTP', d, 'l2uvp')}, L ${pub('L', d, 'l2uvp')}` : '' }, sides[0], WIDE_MARGIN_SHARE * lin, 'below', l2uvp, `${WIDE_MARGIN_SHARE} × linear ${sig(lin, 3)}`);
      }),
    ),
  ];
  return {
    experiment: 'table4',
    scale,
    tables: [
      { name: 'table4', caption: `OTP Table 4: L2-UVP (%) and cos on Mix3toMix10 (4096 test points each), scale ${scale}`, rows },
      { name: 'table4-quoted', caption: 'Other solvers of Korotin et al. (2021), as published (not re-run here)', rows: quoted },
    ],
    figures: points.length ? [{ name: 'table4-figure', caption: `OTP Table 4 at scale ${scale} as a figure: forward L2-UVP against D, ours beside the published values`, figure: table4Figure(points, `OTP Table 4, ${scale} scale`) }] : [],
    verdicts,
    notes: [
      ...runNotes(results).slice(1),
      ...notes,
      'Under-trained: a run whose L2-UVP lies above the midpoint between the best published solver and the linear baseline (lib/verdicts/under-training.ts, farFromBest) has learned little beyond the linear part; claims resting on it are inconclusive.',
      'D = 256 is not in the benchmark data export available here (../shared/w2bench lacks its checkpoints), so it is not run; D = 128 is run as an extra at the paper scale.',
      'The paper builds OTP on [MMv2:R]; our no-smoothing row is our own ICNN-potential semi-dual solver, compared with the published MMv2:R numbers as the closest published baseline.',
    ],
  };
}

export const table4: ExperimentReport = { experiment: 'table4', build: table4Report };
