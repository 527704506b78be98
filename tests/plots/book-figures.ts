import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPair } from '../../lib/data';
import { getExperiment } from '../../lib/experiments/registry';
import type { RunMetrics, RunSamples } from '../../lib/experiments/evaluate';
import type { CellResult } from '../../lib/experiments/sweep';
import type { ReportInput } from '../../lib/reports/report';
import { evidenceSet } from '../../lib/verdicts/evidence';
import type { PointCloud } from '../../lib/points';
import { Rng } from '../../lib/random';
import { modeSharesFromLabels } from '../../lib/metrics/modes';
import { diotmTable1Report, failureCasesReport, mnistReport, table1Report, table3Report, table4Report, transportGridReport, yourDataFigure, type MnistPlanDraws } from '../../lib/reports';
import { transportFigure, type Figure } from '../../lib/plots';

/**
 * Every figure builder the book uses, called the way the book calls it (the reports' own builders where they
 * draw the figure), on synthetic runs: registered cells of the quick scale, with samples drawn from each pair's
 * own samplers (T(x) is a target sample: the layout does not depend on what the map learned) and made-up metrics.
 * Used by the layout test (no overlapping texts) and by scripts that render them for a look.
 */

export interface BookFigure {
  /** Where the book shows it, e.g. '02 fig3-transport'. */
  readonly name: string;
  readonly figure: Figure;
}

function rows(p: PointCloud): number[][] {
  return Array.from({ length: p.n }, (_, i) => Array.from(p.data.subarray(i * p.d, (i + 1) * p.d)));
}

/** Finished synthetic runs of an experiment's quick-scale cells, with samples.json in dir/<cell>/. */
function syntheticRuns(experiment: string, dir: string, seed = 1, extra: Partial<RunMetrics> = {}): CellResult[] {
  const rng = new Rng(seed);
  return getExperiment(experiment)
    .cells('quick')
    .map((cell, k): CellResult => {
      const dim = Number(cell.factors.dim);
      const pair = getPair(String(cell.factors.pair), { dim });
      const n = 120;
      const x = pair.source.sample(n, rng);
      const y = pair.target.sample(n, rng);
      const columns = Array.from({ length: dim }, (_, i) => i);
      const samples: RunSamples = { columns, x: rows(x), transported: rows(pair.target.sample(n, rng)), target: rows(y), smoothed: String(cell.factors.method).startsWith('OTP') ? rows(x) : undefined };
      mkdirSync(join(dir, cell.id), { recursive: true });
      writeFileSync(join(dir, cell.id, 'samples.json'), JSON.stringify(samples));
      const dTarget = 0.05 * dim * (1 + (k % 3));
      const metrics: RunMetrics = { n: 1000, transportCost: dim / 3, w2Squared: dim / 3, dCost: 0.01 * dim, dTarget, floor: 0.04 * dim, discreteMapL2: 0.3, modes: modeSharesFromLabels(Int32Array.from({ length: 100 }, (_, i) => i % 2), ['upper', 'lower']), evalSeconds: 1, ...extra };
      return { id: cell.id, factors: cell.factors, status: 'completed', metrics, trainSeconds: 10, backend: 'cpu', from: dir };
    });
}

function mnistDraws(): MnistPlanDraws {
  const s = 16;
  const d = 3 * s * s;
  const rng = new Rng(3);
  const images = (n: number): PointCloud => ({ n, d, data: Float32Array.from({ length: n * d }, () => rng.uniform() * 2 - 1) });
  const method = (name: string, draws: number) => ({
    method: name,
    cellId: `d768-mnist-cmnist-${name.toLowerCase()}-s0`,
    shown: Array.from({ length: draws }, () => images(8)),
    shares: [0.3, 0.3, 0.3],
    unassigned: 0.1,
    distinctColours: [1, 2, 3],
    preservation: 0.01,
    tint: [0.3, 0.3, 0.4],
    purity: 0.5,
  });
  return { split: 'test', n: 64, draws: 8, inputs: images(8), preservationBaseline: 0.08, methods: [method('OTM-s', 8), method('OTP', 8)], skipped: [] };
}

/** A report's input from synthetic quick-scale runs (quick-level evidence; samples under `resultsDir`). */
function quickInput(experiment: string, results: CellResult[], resultsDir: string | null): ReportInput {
  return { scale: 'quick', results, evidence: [evidenceSet(experiment, 'quick', 'quick', results)], resultsDir };
}

/** The figures of the book, built from synthetic runs written under `dir`. */
export async function bookFigures(dir: string): Promise<BookFigure[]> {
  const out: BookFigure[] = [];
  const pair = getPair('one-to-many', { dim: 2 });
  const rng = new Rng(0);
  out.push({ name: '00 one-to-many-pair', figure: transportFigure({ source: pair.source.sample(400, rng), target: pair.target.sample(400, rng) }, { title: pair.description }) });
  for (const f of failureCasesReport().figures) out.push({ name: `01 ${f.name}`, figure: f.figure });
  for (const exp of ['fig3', 'fig5', 'weak-ot'] as const) {
    const d = join(dir, exp);
    const report = transportGridReport(exp, quickInput(exp, syntheticRuns(exp, d), d));
    for (const f of report.figures) out.push({ name: `${exp === 'weak-ot' ? '08' : '02'} ${f.name}`, figure: f.figure });
  }
  // The figures of Tables 1, 3 and 4 as their reports draw them, from the rows of the tables they show.
  const d1 = join(dir, 'table1');
  for (const f of table1Report(quickInput('table1', syntheticRuns('table1', d1), d1)).figures) out.push({ name: `03 ${f.name}`, figure: f.figure });
  const d3 = join(dir, 'table3');
  const runs3 = syntheticRuns('table3', d3);
  for (const f of table3Report(quickInput('table3', runs3, d3)).figures) out.push({ name: `04 ${f.name}`, figure: f.figure });
  const d4 = join(dir, 'table4');
  for (const f of (await table4Report(quickInput('table4', syntheticRuns('table4', d4, 1, { l2uvp: 30, cos: 0.9 }), d4))).figures) out.push({ name: `05 ${f.name}`, figure: f.figure });
  const yourPair = getPair('perpendicular', { dim: 2 });
  const yourSamples = (method: string) => {
    const x = yourPair.source.sample(150, rng);
    return { columns: [0, 1], x, transported: yourPair.target.sample(150, rng), target: yourPair.target.sample(150, rng), smoothed: method === 'OTP' ? x : undefined };
  };
  out.push({ name: '09 your-data-transport', figure: yourDataFigure([{ title: 'OTM, seed 0', samples: yourSamples('OTM') }, { title: 'OTP, seed 0', samples: yourSamples('OTP') }], 'quick') });
  for (const f of mnistReport(quickInput('mnist', syntheticRuns('mnist', join(dir, 'mnist')), null), mnistDraws()).figures) out.push({ name: `06 ${f.name}`, figure: f.figure });
  const d7 = join(dir, 'diotm');
  for (const f of diotmTable1Report(quickInput('diotm-table1', syntheticRuns('diotm-table1', d7), d7)).figures) out.push({ name: `07 ${f.name}`, figure: f.figure });
  return out;
}
