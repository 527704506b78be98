import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scale } from '../../lib/experiments/scale';
import { configHash, getExperiment, readResults, readRunConfig, readRunRecord } from '../../lib/experiments';
import { paths } from '../../lib/paths';

const subdirs = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name) : []);

test('every shipped run is a completed run of the cell the registry defines now (no stale numbers in the book)', () => {
  const root = paths.shippedRuns();
  let checked = 0;
  for (const experiment of subdirs(root)) {
    for (const scale of subdirs(join(root, experiment))) {
      const cells = new Map(getExperiment(experiment).cells(scale as Scale).map((c) => [c.id, c]));
      for (const id of subdirs(join(root, experiment, scale))) {
        const dir = join(root, experiment, scale, id);
        const cell = cells.get(id);
        assert.ok(cell, `${dir}: not a cell of ${experiment} at scale ${scale}`);
        const record = readRunRecord(dir);
        assert.ok(record, `${dir}: no metrics.json`);
        assert.equal(record.status, 'completed', `${dir}: status ${record.status}`);
        assert.equal(record.iterationsDone, cell.config.iterations, `${dir}: trained ${record.iterationsDone} of ${cell.config.iterations} iterations`);
        assert.equal(configHash(readRunConfig(dir)), record.configHash, `${dir}: config.json does not match metrics.json`);
        assert.equal(record.configHash, configHash(cell.config), `${dir}: the registry's configuration of ${id} has changed since this run; regenerate it (data/runs/README.md)`);
        assert.ok(record.metrics && Number.isFinite(record.metrics.dTarget), `${dir}: no D_target`);
        checked++;
      }
    }
  }
  // Notebook 03's scale comparison rests on these: their absence would make this test pass vacuously.
  const table1 = subdirs(join(root, 'table1', 'paper')).length;
  assert.ok(table1 >= 18, `expected the 18 paper-scale Table 1 runs under ${root}/table1/paper, found ${table1}`);
  // And so does its check of the quick scale's step: App. E.1's settings with a tenth of the iterations.
  const tenth = subdirs(join(root, 'table1-tenth', 'quick')).length;
  assert.equal(tenth, getExperiment('table1-tenth').cells('quick').length, `expected every table1-tenth quick cell under ${root}/table1-tenth/quick, found ${tenth}`);
  assert.ok(checked >= table1 + tenth);
});

test('readResults takes each cell from the first folder holding a run of its configuration', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'otbook-shipped-'));
  const [mine, shipped] = [join(tmp, 'mine'), join(tmp, 'shipped')];
  const [a, b] = getExperiment('weak-ot').cells('smoke');
  const write = (dir: string, id: string, hash: string, dTarget: number) => {
    mkdirSync(join(dir, id), { recursive: true });
    const record = { status: 'completed', configHash: hash, backend: { choice: 'cpu' }, metrics: { dTarget } };
    writeFileSync(join(dir, id, 'metrics.json'), JSON.stringify(record));
  };
  write(shipped, a.id, configHash(a.config), 1);
  write(shipped, b.id, configHash(b.config), 2);
  write(mine, a.id, configHash(a.config), 3); // the user's own run of the same configuration wins
  write(mine, b.id, 'another-config', 4); // a run of another configuration never stands in for the cell
  const results = readResults('weak-ot', 'smoke', [mine, shipped]);
  assert.deepEqual(
    results.map((r) => [r.id, r.status, r.metrics?.dTarget, r.from]),
    [
      [a.id, 'completed', 3, mine],
      [b.id, 'completed', 2, shipped],
    ],
  );
  // One folder, as before: the foreign record leaves the cell missing.
  assert.deepEqual(readResults('weak-ot', 'smoke', mine).map((r) => r.status), ['completed', 'missing']);
});
