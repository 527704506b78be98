import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configHash } from '../../lib/experiments/config';
import { resolveConfig } from '../../lib/experiments/defaults';
import { exactW2OfData, yourDataCells, yourDataDir } from '../../lib/reports/your-data';
import { otbook } from '../helpers/cli';

/** Notebook 09's library steps and their command-line twins (the notebook itself runs in tests/book/execute.test.ts). */

const tmp = mkdtempSync(join(tmpdir(), 'otbook-your-data-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('exactW2OfData: two points to two points, W2² by hand (the cheaper of the two matchings)', () => {
  writeFileSync(join(tmp, 'a.csv'), 'x,y\n0,0\n2,0\n');
  writeFileSync(join(tmp, 'b.csv'), '0,1\n2,3\n');
  // Matchings: (0,0)→(0,1), (2,0)→(2,3): (1 + 9)/2 = 5; crossed: (4 + 1 + 4 + 9)/2 = 9. W2² = 5.
  const w2 = exactW2OfData({ source: join(tmp, 'a.csv'), target: join(tmp, 'b.csv') });
  assert.equal(w2.cost, 5);
  assert.deepEqual([w2.n, w2.m, w2.d, w2.sampled], [2, 2, 2, false]);
});

test("a named pair's sides are sampled with the seed: W2² of One-to-Many near its closed form 1, the same for the same seed", () => {
  const a = exactW2OfData({ source: 'one-to-many:source', target: 'one-to-many:target' }, { n: 400, seed: 3 });
  const b = exactW2OfData({ source: 'one-to-many:source', target: 'one-to-many:target' }, { n: 400, seed: 3 });
  assert.equal(a.cost, b.cost);
  assert.equal(a.sampled, true);
  // The empirical W2² of n = 400 points a side is within a few tenths of the population's (its floor at this n is ~0.1).
  assert.ok(Math.abs(a.cost - 1) < 0.3, String(a.cost));
});

test("the runs' configurations are what `otbook train` resolves its flags to; other data get another folder", () => {
  const data = { source: join(tmp, 'a.csv'), target: join(tmp, 'b.csv') };
  const cells = yourDataCells(data, 'quick');
  assert.deepEqual(cells.map((c) => c.id), ['otm-s0', 'otm-s1', 'otm-s2', 'otp-s0', 'otp-s1', 'otp-s2']);
  const otp1 = cells.find((c) => c.id === 'otp-s1');
  const flags = resolveConfig(undefined, { method: 'otp', source: data.source, target: data.target, seed: 1, iterations: 1000, innerSteps: 10, lr: 1e-3, logEvery: 10, checkpointEvery: 100 });
  assert.equal(configHash(otp1?.config ?? flags), configHash(flags));
  writeFileSync(join(tmp, 'c.csv'), '0,1\n2,4\n');
  assert.notEqual(yourDataDir('quick', cells), yourDataDir('quick', yourDataCells({ ...data, target: join(tmp, 'c.csv') }, 'quick')));
});

test('the command line: otbook w2 on pair sides, and one line (exit 2) for a report without runs or a bad setting', () => {
  const w2 = otbook(['w2', '--source', 'one-to-many:source', '--target', 'one-to-many:target', '--n', '400', '--seed', '3', '--json']);
  assert.equal(w2.code, 0, w2.stderr);
  assert.equal((JSON.parse(w2.stdout) as { cost: number }).cost, exactW2OfData({ source: 'one-to-many:source', target: 'one-to-many:target' }, { n: 400, seed: 3 }).cost);
  const report = otbook(['report', 'your-data', '--results', join(tmp, 'nothing-here')]);
  assert.equal(report.code, 2);
  assert.match(report.stderr, /no folder .*nothing-here; give --results the folder notebook 09 trained into/);
  const seeds = otbook(['run', 'fig3', '--seeds', '0,x', '--dry-run']);
  assert.equal(seeds.code, 2);
  assert.match(seeds.stderr, /--seeds 0,x: expected non-negative integers separated by commas/);
});
