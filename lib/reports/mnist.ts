import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../verdicts/types';
import { MNIST_COLOURS } from '../data/mnist';
import type { HeldOutDrawSummary } from '../data/types';
import type { PointCloud } from '../points';
import type { HeldOutSamples, RunSamples } from '../experiments/evaluate';
import { loadPublished, publishedValue } from '../experiments/published';
import type { CellResult } from '../experiments/sweep';
import { imageGridFigure, type ImageRow } from '../plots';
import type { ComparisonRow } from '../tables';
import { onlyLevels, type EvidenceRun } from '../verdicts/evidence';
import { claimVerdict, judgeEverySeed, notRunClaim, TESTS } from '../verdicts/rule';
import { everySeedClaim } from './claims';
import { runFolder } from './report';
import type { ExperimentReport, Report, ReportFigure, ReportInput } from './report';

/**
 * OTP Sec. 5.2, Fig. 2, 4, 7 (App. E.2): MNIST → coloured MNIST. Each grey digit has three equally good
 * coloured versions (lib/data/mnist.ts derives the plan: keep the digit, draw the colour uniformly), so a
 * deterministic map cannot be optimal. The paper: OTM-s collapses to blue; OTP covers R, G and B.
 */
export const MNIST_METHODS = ['OTM-s', 'OTP'] as const;

/**
 * Verdict thresholds on the colour shares of T#μ (fractions of all outputs, unassigned outputs included).
 * Under the OT plan each share is ⅓. 'Collapse': one colour takes ≥ 0.8, i.e. the two others share at most a
 * fifth (the paper's "everything to blue" is a share near 1). 'Covers': every share in [0.2, 0.47], i.e. ⅓ ±
 * 0.13: six binomial standard deviations at n = 500 (√(⅓·⅔/500) ≈ 0.021), so sampling noise cannot fail a fair
 * plan, while a missing colour (< 0.2) or one colour taking half the outputs (> 0.47) does fail it.
 */
export const COLOUR_COLLAPSE_SHARE = 0.8;
export const COVER_RANGE: readonly [number, number] = [0.2, 0.47];
/**
 * Per-input stochasticity: under the plan, the colours of `draws` independent samples for one input are
 * uniform i.i.d., so P(one colour only) = 3·3^−draws (0.05% at 8 draws). A plan 'is stochastic per input'
 * when at least half of the inputs get two or more colours over the draws; a map that colours by digit
 * (a deterministic split of the digits into colours) gets none.
 */
export const STOCHASTIC_MIN_FRACTION = 0.5;

/** One method's plan samples for held-out grey digits, as its run's evaluation recorded them. */
export interface MethodDraws {
  readonly method: string;
  readonly cellId: string;
  /** T(x) for the shown inputs, one cloud per draw (the plan's own noise differs between draws). */
  readonly shown: readonly PointCloud[];
  /** Colour shares over all draws of all held-out inputs (order red, green, blue), and the unassigned share. */
  readonly shares: readonly number[];
  readonly unassigned: number;
  /** Per held-out input: how many distinct colours its draws took (0 when no draw was a clear colour). */
  readonly distinctColours: readonly number[];
  /** digitPreservationError(x, T(x)), averaged over the draws. */
  readonly preservation: number;
  /**
   * Below the classifier's threshold: which channel is brightest in each output (shares, red/green/blue), and
   * the mean share of the brightest channel in the output's intensity ('purity': ⅓ for grey, 1 for one colour).
   * They show a tint before outputs become clearly coloured.
   */
  readonly tint: readonly number[];
  readonly purity: number;
}

export interface MnistPlanDraws {
  readonly split: 'test';
  /** Held-out digits used for the statistics, and draws per digit. */
  readonly n: number;
  readonly draws: number;
  /** The grey inputs shown in the image grid (the first of the n). */
  readonly inputs: PointCloud;
  /** digitPreservationError between the n digits and a shuffled copy: what "no preservation" scores. */
  readonly preservationBaseline: number;
  readonly methods: readonly MethodDraws[];
  /** Cells without recorded draws (not run, diverged, or evaluated before draws were recorded), with why. */
  readonly skipped: readonly string[];
}

export interface PlanDrawOptions {
  /** The seed whose runs' draws are read (default: the smallest seed among the results). */
  readonly seed?: number;
}

function cloud(rows: readonly number[][]): PointCloud {
  const d = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(r, i * d));
  return { n: rows.length, d, data };
}

/** The held-out draws of a run's folder (samples.json heldOut), or null when its evaluation recorded none. */
function heldOutSamples(dir: string): HeldOutSamples | null {
  const f = join(dir, 'samples.json');
  if (!existsSync(f)) return null;
  return (JSON.parse(readFileSync(f, 'utf8')) as RunSamples).heldOut ?? null;
}

/**
 * Each method's plan draws for held-out (test-split) grey digits, as the run's evaluation recorded them
 * (lib/experiments/evaluate.ts: metrics.json heldOut and samples.json heldOut; seed `seed`'s cell): OTP's samples
 * differ by the smoothing noise x → x̃ at σ_min, OTM-s's by its z. A run evaluated before these were recorded is
 * listed in `skipped` with the command that records them.
 */
export function mnistPlanDraws(resultsDir: string | null, results: readonly CellResult[], options: PlanDrawOptions = {}): MnistPlanDraws {
  const seed = options.seed ?? (results.length ? Math.min(...results.map((r) => Number(r.factors.seed))) : 0);
  const methods: MethodDraws[] = [];
  const skipped: string[] = [];
  let inputs: PointCloud | null = null;
  let recorded: HeldOutDrawSummary | null = null;
  for (const label of MNIST_METHODS) {
    const cell = results.find((r) => r.factors.method === label && Number(r.factors.seed) === seed);
    if (!cell || cell.status !== 'completed') {
      skipped.push(cell ? `${cell.id} (${cell.status})` : `${label} (no cell)`);
      continue;
    }
    const dir = runFolder(cell, resultsDir);
    const summary = cell.metrics?.heldOut;
    if (!summary) {
      skipped.push(`${cell.id} (evaluated before held-out draws were recorded: re-evaluate with otbook eval --model ${dir ?? cell.id})`);
      continue;
    }
    // The images may be absent where the numbers are not (a shipped run keeps metrics.json, not samples.json).
    const samples = dir ? heldOutSamples(dir) : null;
    if (samples) inputs ??= cloud(samples.inputs);
    recorded ??= summary;
    methods.push({
      method: label,
      cellId: cell.id,
      shown: samples ? samples.draws.map(cloud) : [],
      shares: summary.shares,
      unassigned: summary.unassigned,
      // Per input, its number of distinct colours, from the recorded counts (the order of the inputs is not needed).
      distinctColours: summary.distinctModes.flatMap((count, k) => Array<number>(count).fill(k)),
      preservation: summary.preservation,
      tint: summary.tint,
      purity: summary.purity,
    });
  }
  return {
    split: 'test',
    n: recorded?.n ?? 0,
    draws: recorded?.draws ?? 0,
    inputs: inputs ?? { n: 0, d: 0, data: new Float32Array(0) },
    preservationBaseline: recorded?.preservationBaseline ?? NaN,
    methods,
    skipped,
  };
}

const fmtShares = (shares: readonly number[]) => shares.map((s, i) => `${MNIST_COLOURS[i][0].toUpperCase()} ${s.toFixed(2)}`).join(' / ');

/** The colour shares the run recorded (metrics.modes, evaluation on the run's own n), seed `seed`. */
function recordedShares(results: readonly CellResult[], method: string, seed: number): { shares: number[]; unassigned: number; total: number } | null {
  const c = results.find((r) => r.factors.method === method && Number(r.factors.seed) === seed && r.status === 'completed');
  const m = c?.metrics?.modes;
  if (!m) return null;
  return { shares: [...m.shares], unassigned: m.total ? m.unassigned / m.total : 0, total: m.total };
}

function statusOf(results: readonly CellResult[], method: string): string {
  const c = results.find((r) => r.factors.method === method);
  if (!c) return 'no cell';
  return c.status === 'diverged' ? `DIV at iteration ${c.divergedAt ?? '?'}` : c.status;
}

/** Per-input colour diversity: mean distinct colours, and the fraction of inputs with two or more. */
export function colourDiversity(distinct: readonly number[]): { mean: number; atLeastTwo: number } {
  if (distinct.length === 0) return { mean: NaN, atLeastTwo: NaN };
  return {
    mean: distinct.reduce((a, b) => a + b, 0) / distinct.length,
    atLeastTwo: distinct.filter((k) => k >= 2).length / distinct.length,
  };
}

/** Expected distinct colours among `draws` uniform draws of three colours: 3(1 − (⅔)^draws). */
export function planDistinctColours(draws: number): number {
  return 3 * (1 - (2 / 3) ** draws);
}

/** The MNIST → CMNIST report: colour shares, per-input stochasticity, digit preservation, the image grid. */
export function mnistReport({ scale, results, evidence: all, levels }: ReportInput, draws: MnistPlanDraws | null = null): Report {
  const evidence = onlyLevels(all, levels);
  const published = loadPublished('otp-mnist');
  const seed = results.length ? Math.min(...results.map((r) => Number(r.factors.seed))) : 0;
  const rec = Object.fromEntries(MNIST_METHODS.map((m) => [m, recordedShares(results, m, seed)]));
  const evalN = Object.values(rec).find((r) => r)?.total;

  const shareRows: ComparisonRow[] = MNIST_METHODS.flatMap((m) => {
    const r = rec[m];
    const why = r ? undefined : statusOf(results, m);
    return [
      ...MNIST_COLOURS.map((c, i): ComparisonRow => ({
        cell: `${m}`,
        metric: `share ${c} of T#μ`,
        paper: null,
        ours: r ? [r.shares[i]] : [],
        note: why ?? (m === 'OTM-s' ? `paper: ≈${c === 'blue' ? 1 : 0} (all blue); plan: 0.333` : 'paper: R, G and B all present (Fig. 4); plan: 0.333'),
      })),
      { cell: m, metric: 'share unassigned (grey or mixed)', paper: null, ours: r ? [r.unassigned] : [], note: why ?? 'plan: 0' },
    ];
  });

  const planRows: ComparisonRow[] = [];
  if (draws) {
    const ideal = planDistinctColours(draws.draws);
    for (const d of draws.methods) {
      const div = colourDiversity(d.distinctColours);
      planRows.push(
        { cell: d.method, metric: `colour shares over ${draws.draws} draws × ${draws.n} test digits`, paper: null, ours: [], note: `${fmtShares(d.shares)}, unassigned ${d.unassigned.toFixed(2)}` },
        { cell: d.method, metric: `distinct colours per input (${draws.draws} draws)`, paper: null, ours: [div.mean], note: `plan: ${ideal.toFixed(2)}; a map: 1` },
        { cell: d.method, metric: 'inputs with ≥ 2 colours', paper: null, ours: [div.atLeastTwo], note: `plan: ${(1 - 3 * 3 ** -draws.draws).toFixed(4)}` },
        { cell: d.method, metric: 'digit preservation error (grey levels, MSE in [0, 1])', paper: null, ours: [d.preservation], note: `plan: 0; shuffled digits: ${draws.preservationBaseline.toFixed(3)}` },
        { cell: d.method, metric: 'brightest channel (tint), shares', paper: null, ours: [], note: `${fmtShares(d.tint)} (plan: ⅓ each)` },
        { cell: d.method, metric: 'colour purity: brightest channel / total intensity', paper: null, ours: [d.purity], note: 'grey: 0.333; plan: 1' },
      );
    }
  }

  const publishedRows: ComparisonRow[] = MNIST_METHODS.flatMap((m) =>
    (['fid', 'lpips'] as const).map((metric): ComparisonRow => {
      const v = publishedValue(published, { method: m }, metric);
      return { cell: `${m} (32×32, UNet)`, metric: metric.toUpperCase(), paper: typeof v === 'number' ? v : null, ours: [], note: 'not measured here (needs Inception / VGG weights)' };
    }),
  );

  const figures: ReportFigure[] = [];
  if (draws && draws.inputs.n > 0 && draws.methods.length > 0) {
    const s = Math.round(Math.sqrt(draws.inputs.d / 3));
    const rows: ImageRow[] = [{ images: draws.inputs, title: 'x (grey input)' }];
    for (const d of draws.methods) {
      const k = Math.min(d.method === 'OTP' ? 4 : 1, d.shown.length);
      for (let j = 0; j < k; j++) rows.push({ images: d.shown[j], title: k > 1 ? `${d.method}, sample ${j + 1}` : `${d.method}` });
    }
    figures.push({
      name: 'mnist-colorization',
      caption: `Held-out grey digits (top), OTM-s's T(x, z), and ${Math.min(4, draws.draws)} independent OTP samples T(x̃) for the same inputs (x̃ = x + noise at σ_min)`,
      figure: imageGridFigure(rows, { height: s, width: s, channels: 3, range: [-1, 1], cols: draws.inputs.n, scale: 4, title: 'MNIST → CMNIST: inputs, OTM-s, OTP samples (OTP Fig. 4)' }),
    });
  }

  const dOtp = draws?.methods.find((d) => d.method === 'OTP');
  const dOtms = draws?.methods.find((d) => d.method === 'OTM-s');
  const sharesOf = (r: EvidenceRun) => {
    const m = r.metrics?.modes;
    return r.status === 'completed' && m ? { shares: [...m.shares], text: `${r.id}: ${fmtShares(m.shares)}, unassigned ${(m.total ? m.unassigned / m.total : 0).toFixed(2)} (n = ${m.total})` } : null;
  };
  // The plan draws come from one seed's runs of the scale asked for: judged as that scale's evidence.
  const drawnSet = evidence.find((s) => s.experiment === 'mnist' && s.scale === scale) ?? null;
  const drawnRuns = (d: MethodDraws | undefined) => (d && drawnSet ? drawnSet.runs.filter((r) => r.id === d.cellId) : []);
  const verdicts: Verdict[] = [
    everySeedClaim(
      `Fig. 4: OTM-s collapses to one colour (paper: every output blue). Test: the largest colour share of T#μ is ≥ ${COLOUR_COLLAPSE_SHARE}`,
      evidence,
      [{ cell: 'OTM-s', where: { method: 'OTM-s' }, paper: 'every output blue' }],
      `largest colour share ≥ ${COLOUR_COLLAPSE_SHARE}`,
      (r) => {
        const s = sharesOf(r);
        return s ? { holds: Math.max(...s.shares) >= COLOUR_COLLAPSE_SHARE, seen: s.text } : { holds: false, seen: `${r.id} ${r.status}` };
      },
    ),
    everySeedClaim(
      `Fig. 4: OTP covers the three colours. Test: every colour share of T#μ lies in [${COVER_RANGE[0]}, ${COVER_RANGE[1]}] (the plan: ⅓ each)`,
      evidence,
      [{ cell: 'OTP', where: { method: 'OTP' }, paper: 'red, green and blue outputs' }],
      `every colour share in [${COVER_RANGE.join(', ')}]`,
      (r) => {
        const s = sharesOf(r);
        return s ? { holds: s.shares.every((v) => v >= COVER_RANGE[0] && v <= COVER_RANGE[1]), seen: s.text } : { holds: false, seen: `${r.id} ${r.status}` };
      },
    ),
  ];
  if (draws && dOtp) {
    const div = colourDiversity(dOtp.distinctColours);
    const other = dOtms ? colourDiversity(dOtms.distinctColours) : null;
    verdicts.push(
      claimVerdict(
        `Fig. 2: OTP learns a stochastic plan: one grey digit receives different colours on different draws. Test: at least ${STOCHASTIC_MIN_FRACTION * 100}% of ${draws.n} held-out digits get ≥ 2 colours over ${draws.draws} draws`,
        TESTS.everySeed,
        [
          judgeEverySeed({ cell: 'OTP', set: drawnSet, paper: 'different colours for one digit (Fig. 2)' }, { label: 'OTP', runs: drawnRuns(dOtp) }, `≥ ${STOCHASTIC_MIN_FRACTION * 100}% of digits with ≥ 2 colours`, () => ({
            holds: div.atLeastTwo >= STOCHASTIC_MIN_FRACTION,
            seen: `${(100 * div.atLeastTwo).toFixed(0)}% of inputs with ≥ 2 colours, ${div.mean.toFixed(2)} distinct colours per input (plan ${planDistinctColours(draws.draws).toFixed(2)})${other ? `; OTM-s: ${(100 * other.atLeastTwo).toFixed(0)}%, ${other.mean.toFixed(2)}` : ''}`,
          })),
        ],
      ),
    );
  } else {
    verdicts.push(notRunClaim('Fig. 2: OTP learns a stochastic plan: one grey digit receives different colours on different draws', 'different colours for one digit (Fig. 2)', `no recorded OTP plan draws${draws?.skipped.length ? ` (${draws.skipped.join(', ')})` : ''}`));
  }
  if (draws && dOtp && dOtms) {
    verdicts.push(
      claimVerdict(
        'Fig. 4: OTP keeps the digit at least as well as OTM-s (paper: LPIPS 0.32 vs 0.36). Test, without LPIPS: digit preservation error of OTP ≤ that of OTM-s',
        TESTS.everySeed,
        [
          judgeEverySeed({ cell: 'OTP vs OTM-s', set: drawnSet, paper: 'LPIPS OTP 0.32, OTM-s 0.36' }, { label: 'OTP vs OTM-s', runs: drawnRuns(dOtp) }, 'preservation error of OTP ≤ that of OTM-s', () => ({
            holds: dOtp.preservation <= dOtms.preservation,
            seen: `OTP ${dOtp.preservation.toFixed(4)} vs OTM-s ${dOtms.preservation.toFixed(4)} (shuffled digits ${draws.preservationBaseline.toFixed(4)}, perfect 0)`,
          })),
        ],
      ),
    );
  }
  verdicts.push(
    notRunClaim(
      'Fig. 4: FID 3.18 (OTP) vs 62.4 (OTM-s), LPIPS 0.32 vs 0.36',
      'FID OTP 3.18, OTM-s 62.4; LPIPS 0.32, 0.36',
      'FID needs the Inception network and LPIPS a pretrained VGG/AlexNet, neither of which can be downloaded here; the colour shares and the digit preservation error stand in for them',
    ),
  );

  const dim = Number(results[0]?.factors.dim ?? 768);
  const side = Math.round(Math.sqrt(dim / 3));
  const div = results.filter((r) => r.status === 'diverged').map((r) => `${r.id} at iteration ${r.divergedAt}`);
  const missing = results.filter((r) => r.status === 'missing').map((r) => r.id);
  return {
    experiment: 'mnist',
    scale,
    tables: [
      { name: 'mnist-colour-shares', caption: `Colour shares of T#μ as each run recorded them (MNIST colour classifier: the channel with > ½ of the intensity; n = ${evalN ?? '?'} training-split digits, one plan draw each)`, rows: shareRows },
      ...(planRows.length ? [{ name: 'mnist-plan-draws', caption: `Plan samples recorded by each run's evaluation: ${draws?.draws} draws for each of ${draws?.n} held-out (test-split) digits`, rows: planRows }] : []),
      { name: 'mnist-published', caption: 'Published FID and LPIPS (OTP Fig. 4, 32×32, DCGAN-style UNet), quoted', rows: publishedRows },
    ],
    figures,
    verdicts,
    notes: [
      `Images are ${side}×${side} (d = ${dim}) instead of the paper's 32×32, and both networks are MLPs (two hidden layers of 512, leaky ReLU 0.2) instead of the DCGAN-style UNet of App. E.2: an MLP has no convolutional prior, so it must learn the digit's shape pixel by pixel, and OTM-s's z enters as a 768-dimensional input beside x. Collapse or coverage of colours is a property of the objective, which is unchanged; sharpness of the digits is not comparable.`,
      'FID and LPIPS are not computed (their networks cannot be downloaded here). They are replaced by colour shares (does T#μ have ν\'s three colours?) and a digit preservation error (does T(x) keep the digit of x?), which measure the two things the paper uses them for.',
      `OTP's plan is x → x̃ = x + σ_min·z → T(x̃) (σ_min = 0.5), so its samples differ by the smoothing noise; OTM-s's differ by its z. The plan draws are those of seed ${seed}'s runs.`,
      ...(div.length ? [`Diverged (NaN/Inf), reported as DIV: ${div.join(', ')}.`] : []),
      ...(missing.length ? [`Not run yet: ${missing.join(', ')}.`] : []),
      ...(draws?.skipped.length ? [`No plan draws recorded: ${draws.skipped.join(', ')}.`] : []),
    ],
  };
}

/** The MNIST report: it reads the plan draws that the runs' evaluation recorded, at the scale asked for. */
export const mnist: ExperimentReport = {
  experiment: 'mnist',
  build: (input) => mnistReport(input, mnistPlanDraws(input.resultsDir, input.results)),
};
