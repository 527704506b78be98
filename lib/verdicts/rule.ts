/**
 * The one statistical rule every claim of the book is judged by (docs/VERDICTS.md gives it in words). A claim is
 * split into cells (e.g. d = 16 One-to-Many); each cell is judged on the runs of the strongest evidence level
 * present for it (lib/verdicts/evidence.ts), and the cells' verdicts combine into the claim's.
 */
import type { RunMetrics } from '../experiments/evaluate';
import { selectCells, type Where } from '../experiments/registry';
import { decides, levelRank, type Agreement, type AgreementCell, type EvidenceRun, type EvidenceSet } from './evidence';
import { meanAndStd, meanInterval, ratioInterval, welch } from './stats';
import { formatSummary, formatValues, sig, type MetricOf } from './summary';
import type { CellVerdict, EvidenceLevel, InconclusiveReason, Verdict, VerdictWord } from './types';

export const RULE = {
  /** Seeds (finished runs) a side needs before any ordering, magnitude or predicate claim is decided. */
  minSeeds: 3,
  /** Level of every one-sided test: decided at 95%, i.e. p < 0.05 (the two-sided 90% interval's ends). */
  alpha: 0.05,
  /**
   * A D_target comparison is floor-limited when the paper's own gap is under this share of our estimation floor:
   * the floor is the bias every D_target estimate carries, and maps that reach it still scatter around it by
   * about this much (their T#μ differ in shape), so a smaller gap cannot be told from that scatter.
   */
  floorShare: 0.1,
} as const;

/** The tests, named as verdicts print them. */
export const TESTS = {
  ordering: `one-sided Welch t-test at the ${100 * (1 - RULE.alpha)}% level per cell (reproduced when p < ${RULE.alpha}; not reproduced when the opposite one-sided test gives p < ${RULE.alpha}); ≥ ${RULE.minSeeds} seeds a side`,
  ratio: `${100 * (1 - 2 * RULE.alpha)}% interval of the ratio of means (log scale, delta method, Welch–Satterthwaite df): reproduced when its lower end reaches the factor, not reproduced when its upper end stays below it; ≥ ${RULE.minSeeds} seeds a side`,
  bound: `${100 * (1 - 2 * RULE.alpha)}% t interval of the mean against the bound (its ends are the one-sided ${100 * (1 - RULE.alpha)}% bounds); ≥ ${RULE.minSeeds} seeds`,
  margin: `${100 * (1 - 2 * RULE.alpha)}% Welch interval of the difference of means against the margin; ≥ ${RULE.minSeeds} seeds a side`,
  everySeed: `the stated check on every seed: reproduced when it holds on all, not reproduced when it fails on one; ≥ ${RULE.minSeeds} seeds`,
} as const;

/** One side of a comparison: a method's finished runs in the cell. */
export interface Side {
  readonly label: string;
  readonly runs: readonly EvidenceRun[];
}

/** The cell being judged: its name, the evidence set its runs come from (null: not run) and the paper's numbers. */
export interface CellInput {
  readonly cell: string;
  readonly set: EvidenceSet | null;
  readonly paper?: string;
}

interface Values {
  readonly label: string;
  readonly values: number[];
  readonly diverged: number;
}

const valuesOf = (side: Side, metric: MetricOf): Values => {
  const values: number[] = [];
  let diverged = 0;
  for (const r of side.runs) {
    if (r.status === 'diverged') diverged++;
    const v = r.status === 'completed' && r.metrics ? metric(r.metrics) : undefined;
    if (v !== undefined && Number.isFinite(v)) values.push(v);
  }
  return { label: side.label, values, diverged };
};

const describe = (v: Values): string => `${v.label} ${formatSummary(v)}${v.values.length > 1 ? ` [${formatValues(v.values)}]` : ''}`;

function verdictOf(input: CellInput, sides: readonly Side[], ours: string, test: string, verdict: VerdictWord, reason?: InconclusiveReason): CellVerdict {
  const run = verdict !== 'not run';
  return {
    cell: input.cell,
    verdict,
    ...(verdict === 'inconclusive' ? { reason } : {}),
    // A cell not run rests on no level and uses no run, even where one side of it ran.
    level: run ? (input.set?.level ?? null) : null,
    runs: run ? sides.flatMap((s) => s.runs.map((r) => r.path)) : [],
    paper: input.paper ?? '',
    ours,
    test,
  };
}

/**
 * The checks every cell passes before its test decides (in this order): it was run; its level may decide;
 * no side has only diverged runs; every side has ≥ RULE.minSeeds finished seeds; no run used is under-trained.
 * Returns the verdict they force, or null when the test decides. `test` says what the test would find,
 * so that a gated verdict still shows its numbers.
 */
function gate(input: CellInput, sides: readonly Side[], vals: readonly Values[], ours: string, test: string): CellVerdict | null {
  const set = input.set;
  if (!set || sides.every((s) => s.runs.length === 0)) return verdictOf(input, sides, '—', 'no runs at any evidence level', 'not run');
  // A comparison with a side never run was not run: it never enters a claim's count.
  const absent = sides.filter((s) => s.runs.length === 0);
  // The side that ran is shown with its level: the cell has none (it rests on no level), and a number without one
  // would read as the claim's level.
  if (absent.length) return verdictOf(input, sides, `${ours} (${set.level} level, not judged)`, `${absent.map((s) => s.label).join(' and ')}: no runs at any evidence level where the other side ran`, 'not run');
  if (!decides(set)) {
    if (set.level === 'quick') return verdictOf(input, sides, ours, `${test} (quick level: shown, not decided)`, 'inconclusive', 'quick evidence only');
    const why = set.agreement ? `its agreement with the paper level does not hold: ${set.agreement.text}` : 'its agreement with the paper level has not been measured';
    return verdictOf(input, sides, ours, `${test} (reduced level: ${why})`, 'inconclusive', 'reduced level without measured agreement');
  }
  const divOnly = vals.filter((v) => v.values.length === 0 && v.diverged > 0);
  if (divOnly.length) return verdictOf(input, sides, ours, `${divOnly.map((v) => v.label).join(' and ')}: every run diverged`, 'inconclusive', 'diverged runs only');
  const few = vals.filter((v) => v.values.length < RULE.minSeeds);
  if (few.length) return verdictOf(input, sides, ours, `${few.map((v) => `${v.label} has ${v.values.length} finished seed${v.values.length === 1 ? '' : 's'}`).join(', ')}; the rule needs ${RULE.minSeeds} a side. ${test}`, 'inconclusive', 'too few seeds');
  const slow = sides.flatMap((s) => s.runs.filter((r) => r.underTrained).map((r) => `${r.id}: ${r.underTrained}`));
  if (slow.length) return verdictOf(input, sides, ours, `under-trained runs: ${slow.join('; ')}. ${test}`, 'inconclusive', 'under-trained');
  return null;
}

const fmtP = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));
/** Where a reduced level decides, its measured agreement is shown beside the test (a gated cell says why it does not). */
const levelNote = (set: EvidenceSet | null) => (set?.level === 'reduced' && set.agreement?.agrees ? `; reduced level, agreement with the paper level: ${set.agreement.text}` : '');

/** Where the paper's gap between two D_target values is compared with our estimation floor. */
export interface FloorCheck {
  /** The paper's values of the two sides (lower, higher), when it publishes them. */
  readonly paper: readonly [number, number] | null;
  /** Our estimation floor W2²(ν_n, ν′_n), read from the same runs (RunMetrics.floor). */
  readonly floor: MetricOf;
}

/**
 * "`lower` has a lower metric than `higher`" in one cell: the one-sided Welch test at RULE.alpha. Reproduced when
 * it says so; not reproduced when the opposite one-sided test does; else within noise. With a floor check, a
 * paper gap under RULE.floorShare of our floor makes the cell floor-limited whatever the test says.
 */
export function judgeOrdering(input: CellInput, lower: Side, higher: Side, metric: MetricOf, floorCheck?: FloorCheck): CellVerdict {
  const [a, b] = [valuesOf(lower, metric), valuesOf(higher, metric)];
  const ours = `${describe(a)}; ${describe(b)}`;
  let test = `${lower.label} below ${higher.label}: `;
  let outcome: VerdictWord = 'inconclusive';
  if (a.values.length >= 2 && b.values.length >= 2) {
    const w = welch(a.values, b.values, RULE.alpha);
    test += `Welch t = ${sig(w.t, 3)}, df = ${sig(w.df, 3)}, one-sided p = ${fmtP(w.pAbelowB)} (opposite direction p = ${fmtP(w.pAaboveB)}); ${100 * (1 - 2 * RULE.alpha)}% interval of ${higher.label} − ${lower.label}: [${sig(w.interval[0], 3)}, ${sig(w.interval[1], 3)}]`;
    outcome = w.pAbelowB < RULE.alpha ? 'reproduced' : w.pAaboveB < RULE.alpha ? 'not reproduced' : 'inconclusive';
  } else test += 'no test (fewer than two finished seeds on a side)';
  test += levelNote(input.set);
  const gated = gate(input, [lower, higher], [a, b], ours, test);
  if (gated) return gated;
  if (floorCheck?.paper) {
    const floor = meanAndStd([...lower.runs, ...higher.runs].flatMap((r) => (r.metrics ? [floorCheck.floor(r.metrics)] : [])).filter((v): v is number => v !== undefined && Number.isFinite(v)));
    const gap = Math.abs(floorCheck.paper[1] - floorCheck.paper[0]);
    if (floor.n > 0 && gap < RULE.floorShare * floor.mean) {
      return verdictOf(input, [lower, higher], ours, `floor-limited: the paper's gap ${sig(gap, 3)} (${floorCheck.paper[0]} vs ${floorCheck.paper[1]}) is under ${100 * RULE.floorShare}% of our estimation floor ${sig(floor.mean, 3)} (mean of n = ${floor.n}); ${test}`, 'inconclusive', 'floor-limited');
    }
  }
  return verdictOf(input, [lower, higher], ours, test, outcome, outcome === 'inconclusive' ? 'within noise' : undefined);
}

/**
 * "`big`'s metric is at least `factor` × `small`'s": judged on the (1 − 2α) interval of mean(big)/mean(small).
 * With a floor check, the cell is floor-limited when even the paper's value of `big` is under `factor` × our floor
 * (the ratio could not reach the factor whatever the maps did).
 */
export function judgeRatio(input: CellInput, small: Side, big: Side, factor: number, metric: MetricOf, floorCheck?: { readonly paperBig: number | null; readonly floor: MetricOf }): CellVerdict {
  const [a, b] = [valuesOf(small, metric), valuesOf(big, metric)];
  const ours = `${describe(b)}; ${describe(a)}`;
  let test = `${big.label} / ${small.label} ≥ ${factor}: `;
  let outcome: VerdictWord = 'inconclusive';
  const positive = a.values.every((v) => v > 0) && b.values.every((v) => v > 0);
  if (a.values.length >= 2 && b.values.length >= 2 && positive) {
    const r = ratioInterval(a.values, b.values, RULE.alpha);
    test += `ratio of means ${sig(r.ratio, 3)}, ${100 * (1 - 2 * RULE.alpha)}% interval [${sig(r.interval[0], 3)}, ${sig(r.interval[1], 3)}] (se of the log ratio ${sig(r.seLog, 2)}, df ${sig(r.df, 3)})`;
    outcome = r.interval[0] >= factor ? 'reproduced' : r.interval[1] < factor ? 'not reproduced' : 'inconclusive';
  } else test += positive ? 'no interval (fewer than two finished seeds on a side)' : 'no interval (a value is not positive)';
  test += levelNote(input.set);
  const gated = gate(input, [small, big], [a, b], ours, test);
  if (gated) return gated;
  if (floorCheck?.paperBig !== null && floorCheck?.paperBig !== undefined) {
    const floor = meanAndStd([...small.runs, ...big.runs].flatMap((r) => (r.metrics ? [floorCheck.floor(r.metrics)] : [])).filter((v): v is number => v !== undefined && Number.isFinite(v)));
    if (floor.n > 0 && floorCheck.paperBig < factor * floor.mean) {
      return verdictOf(input, [small, big], ours, `floor-limited: the paper's ${big.label} value ${floorCheck.paperBig} is under ${factor} × our estimation floor ${sig(floor.mean, 3)}; ${test}`, 'inconclusive', 'floor-limited');
    }
  }
  return verdictOf(input, [small, big], ours, test, outcome, outcome === 'inconclusive' ? 'within noise' : undefined);
}

/** "The mean of `side`'s metric is below (or above) `bound`": the one-sample t interval against the bound. */
export function judgeBound(input: CellInput, side: Side, bound: number, direction: 'below' | 'above', metric: MetricOf, boundText = sig(bound)): CellVerdict {
  const a = valuesOf(side, metric);
  const ours = describe(a);
  let test = `mean ${direction} ${boundText}: `;
  let outcome: VerdictWord = 'inconclusive';
  if (a.values.length >= 2) {
    const m = meanInterval(a.values, RULE.alpha);
    test += `${100 * (1 - 2 * RULE.alpha)}% interval of the mean [${sig(m.interval[0], 3)}, ${sig(m.interval[1], 3)}]`;
    const [lo, hi] = m.interval;
    if (direction === 'below') outcome = hi < bound ? 'reproduced' : lo > bound ? 'not reproduced' : 'inconclusive';
    else outcome = lo > bound ? 'reproduced' : hi < bound ? 'not reproduced' : 'inconclusive';
  } else test += 'no interval (fewer than two finished seeds)';
  test += levelNote(input.set);
  return gate(input, [side], [a], ours, test) ?? verdictOf(input, [side], ours, test, outcome, outcome === 'inconclusive' ? 'within noise' : undefined);
}

/** "mean(a) − mean(b) ≤ margin" (a costs at most `margin` more than b): the Welch interval of the difference. */
export function judgeMargin(input: CellInput, a: Side, b: Side, margin: number, metric: MetricOf): CellVerdict {
  const [va, vb] = [valuesOf(a, metric), valuesOf(b, metric)];
  const ours = `${describe(va)}; ${describe(vb)}`;
  let test = `${a.label} − ${b.label} ≤ ${margin}: `;
  let outcome: VerdictWord = 'inconclusive';
  if (va.values.length >= 2 && vb.values.length >= 2) {
    const w = welch(vb.values, va.values, RULE.alpha);
    test += `difference ${sig(w.difference, 3)}, ${100 * (1 - 2 * RULE.alpha)}% Welch interval [${sig(w.interval[0], 3)}, ${sig(w.interval[1], 3)}] (df ${sig(w.df, 3)})`;
    outcome = w.interval[1] <= margin ? 'reproduced' : w.interval[0] > margin ? 'not reproduced' : 'inconclusive';
  } else test += 'no interval (fewer than two finished seeds on a side)';
  test += levelNote(input.set);
  return gate(input, [a, b], [va, vb], ours, test) ?? verdictOf(input, [a, b], ours, test, outcome, outcome === 'inconclusive' ? 'within noise' : undefined);
}

/**
 * A check made on each seed ('each mode receives 30–70% of T#μ', 'the run diverged'): reproduced when it holds on
 * every one of ≥ RULE.minSeeds seeds, not reproduced when it fails on one. `check` returns whether it holds and
 * what it looked at; diverged runs are passed to it too (a divergence may be what is claimed).
 */
export function judgeEverySeed(input: CellInput, side: Side, comparison: string, check: (r: EvidenceRun) => { holds: boolean; seen: string }): CellVerdict {
  const seen = side.runs.map((r) => ({ id: r.id, ...check(r) }));
  const ours = `${side.label}: ${seen.map((s) => `${s.seen}${s.holds ? '' : ' ✗'}`).join('; ') || '—'}`;
  const held = seen.filter((s) => s.holds).length;
  const test = `${comparison}: holds on ${held} of ${seen.length} seed${seen.length === 1 ? '' : 's'}${levelNote(input.set)}`;
  // Diverged runs were looked at by `check`: only the count of runs matters here.
  const counted: Values = { label: side.label, values: side.runs.map(() => 0), diverged: 0 };
  const gated = gate(input, [side], [counted], ours, test);
  if (gated) return gated;
  return verdictOf(input, [side], ours, test, held === seen.length ? 'reproduced' : 'not reproduced');
}

/** The outcome of the ordering test on two samples: which is lower by the one-sided Welch test, or neither. */
export type Ordering = 'lower' | 'higher' | 'within noise';

/** The ordering test alone (RULE.alpha), for comparing levels: null with fewer than RULE.minSeeds values a side. */
export function orderingOutcome(lower: readonly number[], higher: readonly number[]): Ordering | null {
  if (lower.length < RULE.minSeeds || higher.length < RULE.minSeeds) return null;
  const w = welch(lower, higher, RULE.alpha);
  return w.pAbelowB < RULE.alpha ? 'lower' : w.pAaboveB < RULE.alpha ? 'higher' : 'within noise';
}

/**
 * The agreement of a reduced level with the paper level (docs/VERDICTS.md): on every cell run at both with
 * ≥ RULE.minSeeds seeds a side at each, the ordering test of `lower` against `higher` must come out the same.
 */
export function measureAgreement(
  reduced: EvidenceSet,
  paper: EvidenceSet,
  cells: ReadonlyArray<{ readonly cell: string; readonly lower: Where; readonly higher: Where; readonly labels: readonly [string, string] }>,
  metric: MetricOf,
): Agreement {
  const at = (set: EvidenceSet, where: Where) => valuesOf({ label: '', runs: selectCells(set.runs, { where }) }, metric).values;
  const compared: AgreementCell[] = [];
  for (const c of cells) {
    const p = orderingOutcome(at(paper, c.lower), at(paper, c.higher));
    const r = orderingOutcome(at(reduced, c.lower), at(reduced, c.higher));
    if (p === null || r === null) continue;
    const name = (o: Ordering) => (o === 'lower' ? `${c.labels[0]} lower` : o === 'higher' ? `${c.labels[1]} lower` : 'within noise');
    compared.push({ cell: c.cell, paper: name(p), reduced: name(r), same: p === r });
  }
  const same = compared.filter((c) => c.same).length;
  const text = compared.length
    ? `the ordering test (one-sided Welch at ${100 * (1 - RULE.alpha)}%) gives the same outcome at both levels on ${same} of ${compared.length} cells run at both (${compared.map((c) => `${c.cell}: paper ${c.paper}, reduced ${c.reduced}`).join('; ')})`
    : `no cell has ${RULE.minSeeds} seeds a side at both levels`;
  return { cells: compared, agrees: compared.length > 0 && same === compared.length, text };
}

/** The cell a verdict of the book's own about a comparison between levels (not a paper claim): what was compared. */
export function judgePredicate(input: CellInput, runs: readonly EvidenceRun[], holds: boolean, ours: string, test: string, seeds: number): CellVerdict {
  const sides: Side[] = [{ label: input.cell, runs }];
  if (!input.set || runs.length === 0) return verdictOf(input, sides, '—', 'no runs', 'not run');
  if (seeds < RULE.minSeeds) return verdictOf(input, sides, ours, `${test}; ${seeds} seed${seeds === 1 ? '' : 's'} a side, the rule needs ${RULE.minSeeds}`, 'inconclusive', 'too few seeds');
  return verdictOf(input, sides, ours, test, holds ? 'reproduced' : 'not reproduced');
}

/** A claim that could not be run here at all (e.g. FID without its network), with why. */
export function notRunClaim(claim: string, paper: string, why: string): Verdict {
  return { claim, paper, ours: '—', verdict: 'not run', reason: why, coverage: 'not run here', level: null, runs: [], test: 'none', cells: [], detail: why };
}

/** A claim checked by a computation rather than by training runs (e.g. OTP Fig. 1's closed forms). */
export function computedClaim(claim: string, paper: string, ours: string, holds: boolean, test: string): Verdict {
  const cell: CellVerdict = { cell: 'closed forms', verdict: holds ? 'reproduced' : 'not reproduced', level: 'paper', runs: [], paper, ours, test };
  return { claim, paper, ours, verdict: cell.verdict, coverage: 'computed from the closed forms', level: 'paper', runs: [], test, cells: [cell], detail: `${ours}; ${test}` };
}

const cellLine = (c: CellVerdict) =>
  `${c.cell}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''}${c.level ? `, ${c.level} level` : ''}${c.ours && c.ours !== '—' ? `; ${c.ours}` : ''}; ${c.test}`;

/**
 * A claim's verdict from its cells. Cells not run are listed but never counted as failures. Of the others: any
 * 'not reproduced' makes the claim not reproduced (a claim over several cells states each of them); else any
 * 'inconclusive' makes it inconclusive, with the reasons of those cells; else it is reproduced when every cell
 * was run, and inconclusive ('cells not run') when some were not. `level` is the weakest level among the cells
 * that decided the word.
 */
export function claimVerdict(claim: string, test: string, cells: readonly CellVerdict[]): Verdict {
  const run = cells.filter((c) => c.verdict !== 'not run');
  const notRun = cells.filter((c) => c.verdict === 'not run');
  let verdict: VerdictWord;
  if (run.length === 0) verdict = 'not run';
  else if (run.some((c) => c.verdict === 'not reproduced')) verdict = 'not reproduced';
  else if (run.some((c) => c.verdict === 'inconclusive')) verdict = 'inconclusive';
  else verdict = notRun.length ? 'inconclusive' : 'reproduced';
  const deciding = cells.filter((c) => c.verdict === verdict || (verdict === 'inconclusive' && c.verdict === 'reproduced' && !run.some((x) => x.verdict === 'inconclusive')));
  const level = deciding.reduce<EvidenceLevel | null>((l, c) => (c.level === null ? l : l === null || levelRank(c.level) > levelRank(l) ? c.level : l), null);
  const reasons = [...new Set(deciding.map((c) => c.reason ?? 'cells not run'))];
  const reason = verdict === 'inconclusive' ? reasons.join('; ') : verdict === 'not run' ? 'no cell of this claim has runs at any evidence level' : undefined;
  const coverage = `${run.length} of ${cells.length} cell${cells.length === 1 ? '' : 's'} run${notRun.length && run.length ? ` (not run: ${notRun.map((c) => c.cell).join(', ')})` : ''}`;
  return {
    claim,
    paper: cells.filter((c) => c.paper).map((c) => `${c.cell}: ${c.paper}`).join('; '),
    ours: run.map((c) => `${c.cell}: ${c.ours}`).join('; ') || '—',
    verdict,
    ...(reason ? { reason } : {}),
    coverage,
    level,
    runs: cells.flatMap((c) => c.runs),
    test,
    cells,
    detail: cells.map(cellLine).join('\n'),
  };
}

/** The metric accessor for D_target (RunMetrics.dTarget). */
export const dTarget: MetricOf = (m: RunMetrics) => m.dTarget;
export const floorOf: MetricOf = (m: RunMetrics) => m.floor;
