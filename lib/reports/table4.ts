import type { Scale } from '../experiments/scale';
import { getPair } from '../data';
import type { W2BenchmarkPair } from '../data/w2bench';
import { formatSummary } from '../verdicts/compare';
import { loadPublished, publishedValue } from '../experiments/published';
import type { CellResult } from '../experiments/sweep';
import { scoreForwardMap } from '../metrics/benchmark';
import { Rng } from '../random';
import type { ComparisonRow } from '../tables';
import { predicateClaim, summaryAt } from './claims';
import type { Report } from './report';

const NO_SMOOTHING = 'ICNN semi-dual (ours, no smoothing)';

/**
 * OTP Table 4 (App. F.3): forward L2-UVP and cos on the W2 benchmark Mix3toMix10 at D = 16, 64 (and 128 as an
 * extra at the paper scale). Ours: the ICNN-potential semi-dual solver with and without OTP's smoothing, and the linear (Bures)
 * baseline computed here; the other solvers' published numbers are quoted.
 */
export async function table4Report(scale: Scale, results: readonly CellResult[]): Promise<Report> {
  const published = loadPublished('otp-table4');
  const dims = [...new Set(results.map((r) => Number(r.factors.dim)))].sort((a, b) => a - b);
  const rows: ComparisonRow[] = [];
  const notes: string[] = [];
  for (const d of dims) {
    const pair = getPair('mix3tomix10', { dim: d }) as W2BenchmarkPair;
    if (pair.isStandIn) notes.push(`d = ${d}: the benchmark data is absent; a constructed stand-in pair (${pair.name}) was used, so numbers are not comparable to the paper's.`);
    const linear = await scoreForwardMap(pair, pair.linearBaseline, { rng: new Rng(7 + d) });
    const pub = (method: string, metric: 'l2uvp' | 'cos') => {
      const v = publishedValue(published, { method, dim: d }, metric);
      return typeof v === 'number' ? v : null;
    };
    rows.push({ cell: `D=${d} L (linear, computed here)`, metric: 'L2-UVP %', paper: pub('L', 'l2uvp'), ours: [linear.l2uvp], better: 'lower' });
    rows.push({ cell: `D=${d} L (linear, computed here)`, metric: 'cos', paper: pub('L', 'cos'), ours: [linear.cos], better: 'higher' });
    for (const [label, paperMethod] of [
      [NO_SMOOTHING, 'MMv2:R'],
      ['OTP', 'OTP'],
    ] as const) {
      const l2 = summaryAt(results, { dim: d, method: label }, (m) => m.l2uvp);
      const cs = summaryAt(results, { dim: d, method: label }, (m) => m.cos);
      const paperLabel = paperMethod === 'OTP' ? 'OTP' : 'MMv2:R (closest published)';
      rows.push({ cell: `D=${d} ${label} [paper: ${paperLabel}]`, metric: 'L2-UVP %', paper: pub(paperMethod, 'l2uvp'), ours: l2.values, better: 'lower' });
      rows.push({ cell: `D=${d} ${label} [paper: ${paperLabel}]`, metric: 'cos', paper: pub(paperMethod, 'cos'), ours: cs.values, better: 'higher' });
    }
  }
  const quoted: ComparisonRow[] = published.values
    .filter((v) => !['L', 'OTP', 'MMv2:R'].includes(String(v.method)))
    .map((v) => ({ cell: `D=${v.dim} ${v.method} (Korotin et al. 2021)`, metric: 'L2-UVP % / cos', paper: Number(v.l2uvp), ours: [], verdict: `quoted; cos ${v.cos}` }));
  const verdicts = [
    predicateClaim(
      "Table 4: OTP's smoothing costs little on this absolutely continuous source: OTP's L2-UVP is within 3 points of the same ICNN solver without smoothing (paper: 8.7 vs 7.7 at D = 16, 6.5 vs 6.8 at D = 64, against MMv2:R)",
      dims.map((d) => {
        const a = summaryAt(results, { dim: d, method: 'OTP' }, (m) => m.l2uvp);
        const b = summaryAt(results, { dim: d, method: NO_SMOOTHING }, (m) => m.l2uvp);
        return { cell: `D=${d}`, seeds: Math.min(a.count, b.count), holds: a.count > 0 && b.count > 0 && a.mean <= b.mean + 3, detail: `OTP ${formatSummary(a)} vs no smoothing ${formatSummary(b)}` };
      }),
    ),
    predicateClaim(
      'Table 4: the neural solvers beat the linear (Bures) baseline by a wide margin (paper: 8.7 vs 41.6 at D = 16, 6.5 vs 63.9 at D = 64)',
      dims.map((d) => {
        const a = summaryAt(results, { dim: d, method: 'OTP' }, (m) => m.l2uvp);
        const lin = rows.find((r) => r.cell === `D=${d} L (linear, computed here)` && r.metric === 'L2-UVP %')?.ours[0] ?? NaN;
        return { cell: `D=${d}`, seeds: a.count, holds: a.count > 0 && a.mean < 0.5 * lin, detail: `OTP ${formatSummary(a)} vs linear ${lin.toFixed(1)}` };
      }),
    ),
  ];
  return {
    experiment: 'table4',
    scale,
    tables: [
      { name: 'table4', caption: 'OTP Table 4: L2-UVP (%) and cos on Mix3toMix10 (4096 test points each)', rows },
      { name: 'table4-quoted', caption: 'Other solvers of Korotin et al. (2021), as published (not re-run here)', rows: quoted },
    ],
    figures: [],
    verdicts,
    notes: [
      ...notes,
      'D = 256 is not in the benchmark data export available here (../shared/w2bench lacks its checkpoints), so it is not run; D = 128 is run as an extra at the paper scale.',
      'The paper builds OTP on [MMv2:R]; our no-smoothing row is our own ICNN-potential semi-dual solver, compared with the published MMv2:R numbers as the closest published baseline.',
    ],
  };
}
