import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NOTEBOOK_UPDATE_MS,
  SweepProgress,
  decodeSweepEvent,
  encodeSweepEvent,
  progressReporter,
  setLiveView,
  type SweepEvent,
} from '../../lib/experiments/progress';
import { runExperiment } from '../../lib/experiments/sweep';
import type { Progress } from '../../lib/solvers';

const at = (iteration: number, total = 100): Progress => ({ iteration, total, itPerSecond: 10, etaSeconds: (total - iteration) / 10, last: null });

test('SweepProgress: cells done of total, the running cells, and an ETA from the cells trained so far', () => {
  let now = 0;
  const p = new SweepProgress({ title: 'table1 (quick)', cells: 8, jobs: 2 }, () => now);
  p.apply({ kind: 'cell-end', cell: 'a', status: 'completed', trained: false, seconds: 0 }); // found finished
  assert.match(p.text(), /1\/8 cells done, in 2 worker processes; 0:00 elapsed, ETA after the first cell/);
  p.apply({ kind: 'cell-start', cell: 'b', worker: 1 });
  p.apply({ kind: 'cell-start', cell: 'c', worker: 2 });
  now = 10_000;
  p.apply({ kind: 'cell-end', cell: 'b', worker: 1, status: 'completed', trained: true, seconds: 10 });
  p.apply({ kind: 'cell-end', cell: 'c', worker: 2, status: 'diverged', trained: true, seconds: 30 });
  p.apply({ kind: 'cell-start', cell: 'd', worker: 1 });
  p.apply({ kind: 'iteration', cell: 'd', worker: 1, iteration: 50, total: 200, itPerSecond: 25, etaSeconds: 6 });
  const s = p.snapshot();
  assert.equal(s.done, 3);
  assert.equal(s.trained, 2);
  assert.deepEqual(s.diverged, ['c']);
  // 4 cells waiting at the mean of the trained ones (20 s) over 2 workers, after the running cell's own 6 s.
  assert.equal(s.etaSeconds, 6 + (4 * 20) / 2);
  const text = p.text();
  assert.match(text, /3\/8 cells done, in 2 worker processes; 0:10 elapsed, ETA ~0:46/);
  assert.match(text, /running d \(worker 1\): 50\/200 it, 25\.0 it\/s/);
  assert.match(text, /diverged \(NaN\/Inf\): c/);
  assert.match(p.html(), /width:37\.5%/);
  p.finish();
  assert.match(p.text(), /3\/8 cells done.*; 2 trained now, 1 found finished$/m);
  assert.doesNotMatch(p.text(), /running/);
});

test('sweep events survive the relay: encode then decode gives the event; other lines are not events', () => {
  const events: SweepEvent[] = [
    { kind: 'cell-start', cell: 'd16-one-to-many-otp-s0' },
    { kind: 'iteration', cell: 'x', iteration: 3, total: 20, itPerSecond: 1.5, etaSeconds: 11.3 },
    { kind: 'cell-end', cell: 'x', status: 'diverged', trained: true, seconds: 4.2 },
  ];
  for (const e of events) assert.deepEqual(decodeSweepEvent(encodeSweepEvent(e)), e);
  assert.equal(decodeSweepEvent('[1/2] x: completed (3 s)'), null);
  assert.equal(decodeSweepEvent('otbook-event {"kind":"cell-end","cell":"x"}'), null, 'an end without status is malformed');
  assert.equal(decodeSweepEvent('otbook-event {not json'), null);
});

test('the in-kernel progress is redrawn twice a second at most: updates 600 ms apart are both drawn, a burst once', async () => {
  const drawn: string[] = [];
  setLiveView(() => ({ update: (text) => drawn.push(text) }));
  try {
    const r = progressReporter('cell', 'notebook');
    for (let i = 1; i <= 20; i++) r.update(at(i));
    assert.equal(drawn.length, 1, 'a burst of updates draws once');
    await new Promise((res) => setTimeout(res, NOTEBOOK_UPDATE_MS + 100));
    r.update(at(30));
    assert.equal(drawn.length, 2, `an update ${NOTEBOOK_UPDATE_MS + 100} ms later is drawn`);
    r.done();
    assert.match(drawn[drawn.length - 1], /30\/100/);
  } finally {
    setLiveView(null);
  }
});

test('a sweep with worker processes relays each cell’s start, iterations and end, with the worker’s number', { timeout: 180_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'otbook-progress-'));
  try {
    const events: SweepEvent[] = [];
    const lines: string[] = [];
    await runExperiment('weak-ot', { scale: 'smoke', out, jobs: 2, progress: (e) => events.push(e), log: (l) => lines.push(l) });
    const cells = ['d2-one-to-many-not-s0', 'd2-one-to-many-otp-s0'];
    for (const cell of cells) {
      const mine = events.filter((e) => e.cell === cell);
      assert.deepEqual([mine[0]?.kind, mine[mine.length - 1]?.kind], ['cell-start', 'cell-end'], JSON.stringify(mine));
      assert.ok(mine.some((e) => e.kind === 'iteration' && e.iteration === e.total && e.total === 20), 'the last iteration is reported');
      assert.ok(mine.every((e) => e.worker === 1 || e.worker === 2), 'every relayed event names its worker');
      const end = mine[mine.length - 1];
      assert.ok(end.kind === 'cell-end' && end.trained && end.status === 'completed');
    }
    // The command line's per-cell lines are still logged.
    assert.equal(lines.filter((l) => /^worker [12]\/2 \[\d\/2\] d2-one-to-many-(not|otp)-s0: completed/.test(l)).length, 2, lines.join('\n'));
    const tracker = new SweepProgress({ title: 'weak-ot (smoke)', cells: 2, jobs: 2 });
    events.forEach((e) => tracker.apply(e));
    assert.equal(tracker.snapshot().done, 2);
    // Run again: both cells are found finished, in this process.
    const again: SweepEvent[] = [];
    await runExperiment('weak-ot', { scale: 'smoke', out, jobs: 1, progress: (e) => again.push(e), log: () => undefined });
    assert.deepEqual(
      again.map((e) => [e.kind, e.cell, e.kind === 'cell-end' ? e.trained : null]),
      cells.map((c) => ['cell-end', c, false]),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
