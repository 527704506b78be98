import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coverageOf, coverageText } from '../../lib/book/coverage';
import { writeBookIndex } from '../../lib/book/index-page';

/** The evidence counts of issue 16 part 3: per level, cells judged and the runs behind them, from verdict records. */

const tmp = mkdtempSync(join(tmpdir(), 'otbook-coverage-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const runs = (dir: string, ids: string[]) => ids.map((id) => `${dir}/${id}`);
// Two claims sharing the d=16 cell at the paper level (the same OTP runs, other baselines), one cell quick, one not run.
const ordering = {
  claim: "OTP's D_target is below OTM's",
  verdict: 'inconclusive',
  level: 'paper',
  cells: [
    { cell: 'd=16 One-to-Many', level: 'paper', runs: runs('data/runs/table1/paper', ['otp-s0', 'otp-s1', 'otp-s2', 'otm-s0', 'otm-s1', 'otm-s2']) },
    { cell: 'd=64 One-to-Many', level: 'quick', runs: runs('results/table1/quick', ['otp-s0', 'otm-s0']) },
    { cell: 'd=256 One-to-Many', level: null, runs: [] },
  ],
};
const orderingS = {
  claim: "OTP's D_target is below OTM-s's",
  verdict: 'inconclusive',
  level: 'paper',
  cells: [{ cell: 'd=16 One-to-Many', level: 'paper', runs: runs('data/runs/table1/paper', ['otp-s0', 'otp-s1', 'otp-s2', 'otm-s-s0', 'otm-s-s1', 'otm-s-s2']) }],
};

test('coverageOf counts distinct cells and distinct runs per level, and cells not run', () => {
  assert.deepEqual(coverageOf([ordering, orderingS]), [
    { level: 'paper', cells: 1, runs: 9 },
    { level: 'quick', cells: 1, runs: 2 },
    { level: 'not run', cells: 1, runs: 0 },
  ]);
  assert.equal(coverageText(coverageOf([ordering])), 'paper level: 1 cell (6 runs); quick level: 1 cell (2 runs); not run: 1 cell');
  assert.deepEqual(coverageOf([{ claim: 'x' }, 'junk', null]), []);
});

test('the index page shows the coverage table: each claim, its cells and runs per evidence level', () => {
  const env = { OTBOOK_BOOK_DIR: join(tmp, 'book'), OTBOOK_FIGURES_ROOT: join(tmp, 'figures') };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    mkdirSync(join(env.OTBOOK_FIGURES_ROOT, '03-table1-sweep'), { recursive: true });
    writeFileSync(join(env.OTBOOK_FIGURES_ROOT, '03-table1-sweep', 'verdicts.json'), JSON.stringify([ordering, orderingS]));
    const run = { name: '03-table1-sweep', status: 'ok' as const, seconds: 1, html: join(env.OTBOOK_BOOK_DIR, '03-table1-sweep.html'), notebook: join(env.OTBOOK_BOOK_DIR, '03-table1-sweep.ipynb') };
    const html = readFileSync(writeBookIndex([run], 'quick'), 'utf8');
    assert.match(html, /<table class="coverage"><tr><th>claim<\/th><th>paper level<\/th><th>reduced level<\/th><th>quick level<\/th><th>not run<\/th><th>notebook<\/th><\/tr>/);
    assert.match(html, /OTP&#39;s D_target is below OTM&#39;s<\/td><td>1 cell<div class="d">6 runs<\/div><\/td><td class="d">—<\/td><td>1 cell<div class="d">2 runs<\/div><\/td><td>1 cell<\/td>|OTP's D_target is below OTM's<\/td><td>1 cell<div class="d">6 runs<\/div><\/td><td class="d">—<\/td><td>1 cell<div class="d">2 runs<\/div><\/td><td>1 cell<\/td>/);
    assert.match(html, /Evidence behind its verdicts: paper level: 1 cell \(9 runs\); quick level: 1 cell \(2 runs\); not run: 1 cell/);
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
