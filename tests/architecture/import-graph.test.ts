import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycles, importArrows, layerViolations, unitOf } from '../../scripts/import-graph';

// The layers of lib/ read bottom to top (scripts/import-graph.ts lists them); these tests keep them so.
const arrows = importArrows();

test('the import graph is read (a broken parser would make the other tests pass vacuously)', () => {
  assert.ok(arrows.length > 200, `only ${arrows.length} imports found in lib/`);
  assert.ok(arrows.some((a) => a.from === 'solvers/loop.ts' && a.to.startsWith('random/')));
});

test('no file of lib/ imports a higher layer, and only lib/cli imports lib/cli', () => {
  assert.deepEqual(layerViolations(arrows), []);
});

test('the layer check catches an upward import and an import of the command line', () => {
  assert.equal(layerViolations([{ from: 'data/csv.ts', to: 'experiments/config.ts' }]).length, 1);
  assert.equal(layerViolations([{ from: 'book/runner.ts', to: 'cli/exit-codes.ts' }]).length, 1);
  assert.equal(layerViolations([{ from: 'reports/report.ts', to: 'plots/index.ts' }]).length, 0);
});

test('there is no import cycle between files, nor between folders', () => {
  assert.deepEqual(cycles(arrows.map((a) => [a.from, a.to] as const)), []);
  assert.deepEqual(cycles(arrows.filter((a) => a.from !== 'index.ts').map((a) => [unitOf(a.from), unitOf(a.to)] as const)), []);
  assert.deepEqual(cycles([['a', 'b'], ['b', 'c'], ['c', 'a']]), [['a', 'b', 'c', 'a']]);
});
