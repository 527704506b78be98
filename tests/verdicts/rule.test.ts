import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunMetrics } from '../../lib/experiments';
import type { EvidenceLevel } from '../../lib/experiments/scale';
import { claimVerdict, dTarget, judgeBound, judgeEverySeed, judgeMargin, measureAgreement, RULE, TESTS, type Evidence, type EvidenceRun, type EvidenceSet, type Verdict } from '../../lib/verdicts';
import { orderingClaim, ratioClaim, type ClaimCell } from '../../lib/reports/claims';
import { verdictText } from '../../lib/reports/report';

/**
 * The verdict rule on hand-made result sets (docs/VERDICTS.md): each case gives the runs, the claim, and the
 * verdict word and reason the rule must produce. The values are chosen so that the expected outcome follows
 * from the rule's definition, not from running it (e.g. fully separated samples for 'reproduced').
 */

interface RunSpec {
  readonly method: string;
  readonly values: ReadonlyArray<number | 'DIV'>;
  readonly floor?: number;
  readonly underTrained?: string;
  readonly dim?: number;
  readonly pair?: string;
}

function runs(level: EvidenceLevel, specs: readonly RunSpec[]): EvidenceRun[] {
  return specs.flatMap((s) =>
    s.values.map((v, seed): EvidenceRun => {
      const factors = { method: s.method, pair: s.pair ?? 'one-to-many', dim: s.dim ?? 16, seed };
      const id = `d${factors.dim}-${factors.pair}-${s.method.toLowerCase()}-s${seed}`;
      return {
        id,
        factors,
        status: v === 'DIV' ? 'diverged' : 'completed',
        metrics: v === 'DIV' ? undefined : ({ n: 1000, dTarget: v, floor: s.floor ?? 0.9, transportCost: 1, evalSeconds: 0 } as RunMetrics),
        level,
        underTrained: s.underTrained ?? null,
        path: `runs/${level}/${id}`,
      };
    }),
  );
}

const set = (level: EvidenceLevel, specs: readonly RunSpec[], extra: Partial<EvidenceSet> = {}): EvidenceSet => ({ level, experiment: 'table1', scale: level === 'paper' ? 'paper' : 'quick', runs: runs(level, specs), ...extra });

/** d = 16 One-to-Many with the paper's values (OTM 73.23, OTP 0.65): far above any floor of ours. */
const D16: ClaimCell = { cell: 'd=16 One-to-Many', where: { dim: 16, pair: 'one-to-many' }, paper: { OTM: 73.23, OTP: 0.65 } };
/** d = 256 One-to-Many (paper: OTP 61.27, OTM 62.02): a gap of 0.75 on a floor of about 63. */
const D256: ClaimCell = { cell: 'd=256 One-to-Many', where: { dim: 256, pair: 'one-to-many' }, paper: { OTM: 62.02, OTP: 61.27 } };
/** d = 256 Perpendicular (paper: OTP 63.36, OTM 84.91): a gap of 21.5, a third of the floor. */
const D256P: ClaimCell = { cell: 'd=256 Perpendicular', where: { dim: 256, pair: 'perpendicular' }, paper: { OTM: 84.91, OTP: 63.36 } };

const below = (evidence: Evidence, cells: readonly ClaimCell[] = [D16]) => orderingClaim('OTP below OTM', evidence, cells, 'OTP', 'OTM', dTarget, { floorLimited: true });
const tenfold = (evidence: Evidence, cell: ClaimCell = D16) => ratioClaim('OTM ≥ 10× OTP', evidence, [cell], 'OTP', 'OTM', 10, dTarget, true);

/** The shipped paper-scale d = 16 One-to-Many runs (data/runs/table1/paper), rounded to four digits. */
const SHIPPED_OTM = [0.9115, 0.9126, 0.918];
const SHIPPED_OTP = [1.005, 0.9183, 0.9078];

const agreed = { cells: [{ cell: 'd=16 One-to-Many', paper: 'OTP lower', reduced: 'OTP lower', same: true }], agrees: true, text: 'same outcome on 1 of 1 cells' };
const disagreed = { cells: [{ cell: 'd=16 One-to-Many', paper: 'within noise', reduced: 'OTP lower', same: false }], agrees: false, text: 'same outcome on 0 of 1 cells' };

const CASES: ReadonlyArray<{ name: string; verdict: () => Verdict; word: Verdict['verdict']; reason?: string; level?: EvidenceLevel | null }> = [
  { name: 'no runs at all', verdict: () => below([]), word: 'not run', level: null },
  { name: 'one side never run (OTP only)', verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }])]), word: 'not run' },
  { name: 'one seed a side', verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6] }, { method: 'OTM', values: [70] }])]), word: 'inconclusive', reason: 'too few seeds' },
  { name: 'two seeds a side, separated', verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7] }, { method: 'OTM', values: [70, 75] }])]), word: 'inconclusive', reason: 'too few seeds' },
  { name: 'three seeds a side, separated as the paper says', verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }])]), word: 'reproduced', level: 'paper' },
  { name: 'three seeds a side, the opposite order', verdict: () => below([set('paper', [{ method: 'OTP', values: [5.1, 5.3, 4.9] }, { method: 'OTM', values: [1.0, 1.1, 0.9] }])]), word: 'not reproduced', level: 'paper' },
  { name: 'overlapping seeds (the shipped d = 16 runs)', verdict: () => below([set('paper', [{ method: 'OTP', values: SHIPPED_OTP }, { method: 'OTM', values: SHIPPED_OTM }])]), word: 'inconclusive', reason: 'within noise' },
  { name: 'every OTM run diverged', verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: ['DIV', 'DIV', 'DIV'] }])]), word: 'inconclusive', reason: 'diverged runs only' },
  { name: 'every run of both sides diverged', verdict: () => below([set('paper', [{ method: 'OTP', values: ['DIV', 'DIV', 'DIV'] }, { method: 'OTM', values: ['DIV', 'DIV', 'DIV'] }])]), word: 'inconclusive', reason: 'diverged runs only' },
  {
    name: 'a diverged seed beside three finished ones is counted, not averaged',
    verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73, 'DIV'] }])]),
    word: 'reproduced',
  },
  { name: 'quick runs only, however clear', verdict: () => below([set('quick', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }])]), word: 'inconclusive', reason: 'quick evidence only', level: 'quick' },
  {
    name: 'a quick run beside a paper run: the paper level decides',
    verdict: () => below([set('paper', [{ method: 'OTP', values: SHIPPED_OTP }, { method: 'OTM', values: SHIPPED_OTM }]), set('quick', [{ method: 'OTP', values: [0.98, 0.95, 1.0] }, { method: 'OTM', values: [2.7, 2.9, 2.5] }])]),
    word: 'inconclusive',
    reason: 'within noise',
    level: 'paper',
  },
  {
    name: 'the paper level misses a side: the strongest level with both sides (quick) is used',
    verdict: () => below([set('paper', [{ method: 'OTM', values: SHIPPED_OTM }]), set('quick', [{ method: 'OTP', values: [0.98, 0.95, 1.0] }, { method: 'OTM', values: [2.7, 2.9, 2.5] }])]),
    word: 'inconclusive',
    reason: 'quick evidence only',
    level: 'quick',
  },
  { name: 'a reduced level whose agreement was never measured', verdict: () => below([set('reduced', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }])]), word: 'inconclusive', reason: 'reduced level without measured agreement', level: 'reduced' },
  { name: 'a reduced level that agrees with the paper level', verdict: () => below([set('reduced', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }], { agreement: agreed })]), word: 'reproduced', level: 'reduced' },
  { name: 'a reduced level that disagrees with the paper level', verdict: () => below([set('reduced', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }], { agreement: disagreed })]), word: 'inconclusive', reason: 'reduced level without measured agreement' },
  {
    name: 'an under-trained run',
    verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65], underTrained: 'loss not flattened' }, { method: 'OTM', values: [70, 75, 73] }])]),
    word: 'inconclusive',
    reason: 'under-trained',
  },
  {
    name: 'd = 256 One-to-Many: even an opposite order is floor-limited, never "not reproduced"',
    verdict: () => below([set('paper', [{ method: 'OTP', values: [64, 65, 66], floor: 63, dim: 256 }, { method: 'OTM', values: [60, 61, 62], floor: 63, dim: 256 }])], [D256]),
    word: 'inconclusive',
    reason: 'floor-limited',
  },
  {
    name: 'd = 256 Perpendicular: a gap of a third of the floor is tested',
    verdict: () => below([set('paper', [{ method: 'OTP', values: [63, 64, 63.5], floor: 63, dim: 256, pair: 'perpendicular' }, { method: 'OTM', values: [84, 86, 85], floor: 63, dim: 256, pair: 'perpendicular' }])], [D256P]),
    word: 'reproduced',
  },
  { name: '10× failure: the shipped d = 16 runs', verdict: () => tenfold([set('paper', [{ method: 'OTP', values: SHIPPED_OTP }, { method: 'OTM', values: SHIPPED_OTM }])]), word: 'not reproduced', level: 'paper' },
  { name: '10× failure as the paper has it', verdict: () => tenfold([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }])]), word: 'reproduced' },
  { name: '10× failure with a wild baseline: the interval straddles 10', verdict: () => tenfold([set('paper', [{ method: 'OTP', values: [1, 1.05, 0.95] }, { method: 'OTM', values: [1, 30, 100] }])]), word: 'inconclusive', reason: 'within noise' },
  {
    name: '10× failure where the paper value itself is under 10× our floor',
    verdict: () => tenfold([set('paper', [{ method: 'OTP', values: [0.9, 0.92, 0.91] }, { method: 'OTM', values: [0.9, 0.91, 0.92] }])], { ...D16, paper: { OTM: 5, OTP: 0.65 } }),
    word: 'inconclusive',
    reason: 'floor-limited',
  },
  {
    name: 'one cell reproduced and one never run: not counted as a failure, but the claim is not shown everywhere it is made',
    verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }])], [D16, D256]),
    word: 'inconclusive',
    reason: 'cells not run',
    level: 'paper',
  },
  {
    name: 'one cell inconclusive and one never run: the cell run gives the reason',
    verdict: () => below([set('paper', [{ method: 'OTP', values: SHIPPED_OTP }, { method: 'OTM', values: SHIPPED_OTM }])], [D16, D256]),
    word: 'inconclusive',
    reason: 'within noise',
  },
  {
    name: 'one cell reproduced and one not reproduced',
    verdict: () =>
      below(
        [set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }, { method: 'OTP', values: [90, 91, 92], dim: 256, pair: 'perpendicular', floor: 63 }, { method: 'OTM', values: [63, 64, 63.5], dim: 256, pair: 'perpendicular', floor: 63 }])],
        [D16, D256P],
      ),
    word: 'not reproduced',
  },
  {
    name: 'one cell reproduced and one floor-limited',
    verdict: () => below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }, { method: 'OTP', values: [63, 64, 65], dim: 256, floor: 63 }, { method: 'OTM', values: [63, 64, 65], dim: 256, floor: 63 }])], [D16, D256]),
    word: 'inconclusive',
    reason: 'floor-limited',
  },
];

for (const c of CASES) {
  test(`rule: ${c.name} → ${c.word}${c.reason ? ` (${c.reason})` : ''}`, () => {
    const v = c.verdict();
    assert.equal(v.verdict, c.word, `${v.verdict} (${v.reason ?? ''}): ${v.detail}`);
    if (c.reason) assert.equal(v.reason, c.reason, v.detail);
    if (c.level !== undefined) assert.equal(v.level, c.level);
    // Only the four words, and a reason exactly for 'inconclusive' cells.
    for (const cell of v.cells) {
      assert.ok(['reproduced', 'not reproduced', 'inconclusive', 'not run'].includes(cell.verdict));
      assert.equal(cell.reason !== undefined, cell.verdict === 'inconclusive', `${cell.cell}: reason ${cell.reason} for ${cell.verdict}`);
    }
  });
}

test('rule: the count of cases (the issue asks for at least 20 hand-made result sets)', () => {
  assert.ok(CASES.length >= 20, `${CASES.length} cases`);
});

test('a cell never run is listed but never counted: coverage says so, and the runs of the judged cell are named', () => {
  const v = below([set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }])], [D16, D256]);
  assert.equal(v.coverage, '1 of 2 cells run (not run: d=256 One-to-Many)');
  assert.deepEqual(v.cells.map((c) => c.verdict), ['reproduced', 'not run']);
  assert.deepEqual([v.cells[1].level, v.cells[1].runs], [null, []]);
  assert.equal(v.runs.length, 6);
  assert.ok(v.runs.every((r) => r.startsWith('runs/paper/d16-one-to-many-')));
});

test('the test line carries the numbers a reader checks by hand: means, spreads, n, t, df, p, the interval', () => {
  const v = below([set('paper', [{ method: 'OTP', values: SHIPPED_OTP }, { method: 'OTM', values: SHIPPED_OTM }])]);
  const cell = v.cells[0];
  assert.match(cell.ours, /^OTP 0\.9437 ± 0\.053 \(n = 3\) \[1\.005, 0\.9183, 0\.9078\]; OTM 0\.914 ± 0\.0035 \(n = 3\)/);
  assert.match(cell.test, /Welch t = -0\.96\d, df = 2\.0\d, one-sided p = 0\.7\d \(opposite direction p = 0\.2\d\); 90% interval of OTM − OTP: \[/);
  assert.equal(v.test.startsWith(TESTS.ordering), true);
  assert.equal(cell.paper, 'OTP 0.65, OTM 73.23');
});

test('a floor-limited cell says which gap and which floor it compared', () => {
  const v = below([set('paper', [{ method: 'OTP', values: [64, 65, 66], floor: 63, dim: 256 }, { method: 'OTM', values: [60, 61, 62], floor: 63, dim: 256 }])], [D256]);
  assert.match(v.cells[0].test, /^floor-limited: the paper's gap 0\.75 \(61\.27 vs 62\.02\) is under 10% of our estimation floor 63 \(mean of n = 6\)/);
  assert.equal(RULE.floorShare, 0.1);
});

test('checks on every seed: all hold, one fails, too few seeds', () => {
  const s = set('paper', [{ method: 'NOT', values: [0.5, 0.4, 0.55] }]);
  const side = { label: 'NOT', runs: s.runs };
  const check = (r: EvidenceRun) => ({ holds: (r.metrics?.dTarget ?? 1) < 0.52, seen: String(r.metrics?.dTarget) });
  const all = judgeEverySeed({ cell: 'c', set: s }, side, 'D_target < 0.52', () => ({ holds: true, seen: '' }));
  const one = judgeEverySeed({ cell: 'c', set: s }, side, 'D_target < 0.52', check);
  const few = judgeEverySeed({ cell: 'c', set: s }, { label: 'NOT', runs: s.runs.slice(0, 2) }, 'D_target < 0.52', check);
  assert.deepEqual([all.verdict, one.verdict, few.verdict, few.reason], ['reproduced', 'not reproduced', 'inconclusive', 'too few seeds']);
  assert.match(one.test, /holds on 2 of 3 seeds/);
});

test('margin and bound claims are judged on their intervals', () => {
  const s = set('paper', [{ method: 'OTP', values: [8.1, 8.3, 8.2] }, { method: 'BASE', values: [7.6, 7.8, 7.7] }]);
  const otp = { label: 'OTP', runs: s.runs.filter((r) => r.factors.method === 'OTP') };
  const base = { label: 'BASE', runs: s.runs.filter((r) => r.factors.method === 'BASE') };
  // OTP − BASE = 0.5 ± a little: within a margin of 3, far beyond one of 0.1.
  assert.equal(judgeMargin({ cell: 'c', set: s }, otp, base, 3, dTarget).verdict, 'reproduced');
  assert.equal(judgeMargin({ cell: 'c', set: s }, otp, base, 0.1, dTarget).verdict, 'not reproduced');
  assert.equal(judgeBound({ cell: 'c', set: s }, otp, 20, 'below', dTarget).verdict, 'reproduced');
  assert.equal(judgeBound({ cell: 'c', set: s }, otp, 5, 'below', dTarget).verdict, 'not reproduced');
  assert.equal(judgeBound({ cell: 'c', set: s }, otp, 8.2, 'below', dTarget).reason, 'within noise');
});

test('the agreement of a reduced level: same ordering outcome on every cell run at both', () => {
  const paper = set('paper', [{ method: 'OTP', values: [0.6, 0.7, 0.65] }, { method: 'OTM', values: [70, 75, 73] }]);
  const cells = [{ cell: 'd=16 One-to-Many', lower: { dim: 16, method: 'OTP' }, higher: { dim: 16, method: 'OTM' }, labels: ['OTP', 'OTM'] as const }];
  const same = measureAgreement(set('reduced', [{ method: 'OTP', values: [1, 1.1, 1.05] }, { method: 'OTM', values: [3, 3.2, 3.1] }]), paper, cells, dTarget);
  const other = measureAgreement(set('reduced', [{ method: 'OTP', values: SHIPPED_OTP }, { method: 'OTM', values: SHIPPED_OTM }]), paper, cells, dTarget);
  const thin = measureAgreement(set('reduced', [{ method: 'OTP', values: [1, 1.1] }, { method: 'OTM', values: [3, 3.2] }]), paper, cells, dTarget);
  assert.deepEqual([same.agrees, other.agrees, thin.agrees, thin.cells.length], [true, false, false, 0]);
  assert.match(other.text, /on 0 of 1 cells run at both \(d=16 One-to-Many: paper OTP lower, reduced within noise\)/);
});

test('claimVerdict: a claim with no cells run is not run, and its level is null', () => {
  const v = claimVerdict('c', 't', []);
  assert.deepEqual([v.verdict, v.level, v.coverage], ['not run', null, '0 of 0 cells run']);
});

// A cell where only one side ran is 'not run' and rests on no level; the numbers it shows for the side that ran
// must carry their own level (found in `otbook report table1 --scale paper`: a quick-level OTM run of d = 256
// Perpendicular appeared as "ours: OTP —; OTM 64.43 (n = 1)" under the paper-level claim, with no level and no why).
test('a cell with one side run shows that side with its level, and the text report says why it was not judged', () => {
  const v = below([set('quick', [{ method: 'OTM', values: [64.43], dim: 256, pair: 'perpendicular' }])], [D256P]);
  const [cell] = v.cells;
  assert.deepEqual([cell.verdict, cell.level], ['not run', null]);
  assert.match(cell.ours, /^OTP —; OTM 64\.43 \(n = 1\) \(quick level, not judged\)$/);
  const text = verdictText(v);
  assert.match(text, /ours: OTP —; OTM 64\.43 \(n = 1\) \(quick level, not judged\)\n\s+OTP: no runs at any evidence level where the other side ran/);
});
