import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseGroupSize, MAX_GROUP } from '../../lib/experiments/estimate';

// t(R) = a + b·R ms per outer iteration, measured at R = 1 and R = 8.
const timings = (a: number, b: number) => [1, 8].map((runs) => ({ runs, msPerOuter: a + b * runs }));

test('overhead-bound runs train in groups as large as the cells allow', () => {
  // d = 2, h = 256: ~19 ms of per-op work, ~1 ms of arithmetic per run.
  assert.equal(chooseGroupSize(24, timings(19, 1), 1), 24);
  assert.equal(chooseGroupSize(100, timings(19, 1), 1), MAX_GROUP);
});

test('groups grow until the shared work is a tenth of the arithmetic: R = ⌈10a/b⌉', () => {
  // d = 16, h = 1024: a = 28, b = 15 → 19.
  assert.equal(chooseGroupSize(24, timings(28, 15), 1), 19);
});

test('runs that saturate the sgemm rate train alone (a group must gain at least 15% per run)', () => {
  assert.equal(chooseGroupSize(24, timings(2, 200), 1), 1);
  assert.equal(chooseGroupSize(1, timings(19, 1), 1), 1);
});

test('with --jobs N, groups shrink so that every worker gets one', () => {
  assert.equal(chooseGroupSize(24, timings(19, 1), 2), 12);
  assert.equal(chooseGroupSize(5, timings(19, 1), 4), 2);
});
