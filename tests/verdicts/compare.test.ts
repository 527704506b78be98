import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeLower, summarize, verdictOf } from '../../lib/verdicts';
import type { CellResult, RunMetrics } from '../../lib/experiments';

const run = (dTarget: number | null, status: CellResult['status'] = 'completed'): CellResult => ({
  id: 'x',
  factors: {},
  status,
  metrics: dTarget === null ? undefined : ({ dTarget } as RunMetrics),
});

test('summaries count diverged and missing runs instead of averaging them', () => {
  const s = summarize([run(1), run(3), run(null, 'diverged'), run(null, 'missing')], (m) => m.dTarget);
  assert.deepEqual([s.mean, s.count, s.diverged, s.missing, s.min, s.max], [2, 2, 1, 1, 1, 3]);
  assert.ok(Math.abs(s.std - Math.SQRT2) < 1e-12);
});

test('a claim is reproduced only when every cell holds with non-overlapping seed ranges', () => {
  const m = (m: RunMetrics) => m.dTarget;
  const clear = judgeLower('d16', summarize([run(0.6), run(0.7)], m), summarize([run(70), run(75)], m), ['OTP', 'OTM']);
  const overlap = judgeLower('d64', summarize([run(9), run(12)], m), summarize([run(10), run(13)], m), ['OTP', 'OTM']);
  const wrong = judgeLower('d256', summarize([run(5)], m), summarize([run(4)], m), ['OTP', 'OTM']);
  assert.deepEqual([clear.holdsClearly, overlap.holdsOnMean, overlap.holdsClearly, wrong.holdsOnMean], [true, true, false, false]);
  assert.equal(verdictOf('c', [clear]).verdict, 'reproduced');
  assert.equal(verdictOf('c', [clear, overlap, wrong]).verdict, 'partly reproduced');
  assert.equal(verdictOf('c', [wrong]).verdict, 'not reproduced');
  assert.match(verdictOf('c', [clear, overlap, wrong]).detail, /2 of 3 cells on the mean over seeds, 1 of 3 with non-overlapping seed ranges/);
  // A baseline that diverged everywhere loses to a method that finished.
  const div = judgeLower('d', summarize([run(1)], m), summarize([run(null, 'diverged')], m), ['A', 'B']);
  assert.equal(div.holdsOnMean, true);
});
