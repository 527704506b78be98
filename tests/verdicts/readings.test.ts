import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUDGETS, listExperiments } from '../../lib/experiments/registry';
import { SCALES } from '../../lib/experiments/scale';
import { readRunRecord } from '../../lib/experiments';
import { paths, repoRoot } from '../../lib/paths';
import * as reports from '../../lib/reports';
import { FLAT_SHARE, NEAR_IDENTITY_SHARE, RULE } from '../../lib/verdicts';
import { BENCHMARK_TEST_POINTS } from '../../lib/metrics/benchmark';
import { matches, numericLeaves, quotedNumbers, type Sources } from '../helpers/numbers';

/**
 * Readings that cannot drift (docs/VERDICTS.md): every number the notebooks' markdown, the README and
 * data/runs/README.md quote comes from a committed file. The notebooks and the README may quote the papers'
 * numbers (data/paper), the settings the registry resolves (every cell's configuration, the budgets) and the
 * constants of the verdict rule; results of runs appear only in rendered output (the notebooks' generated
 * readings, the README's generated verdict table). data/runs/README.md may also quote the shipped runs'
 * metrics and wall times. tests/helpers/numbers.ts defines what counts as a number and when it matches.
 */

const root = repoRoot();
const readJson = (f: string): unknown => JSON.parse(readFileSync(f, 'utf8'));

function paperValues(): number[] {
  const dir = paths.paperData();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => numericLeaves(readJson(join(dir, f))));
}

function settingValues(): number[] {
  const out: number[] = [];
  for (const e of listExperiments()) for (const scale of SCALES) for (const c of e.cells(scale)) numericLeaves(c.config, out);
  numericLeaves(BUDGETS, out);
  return out;
}

/** The constants of the rule and of the reports' checks, as the verdicts use them. */
function ruleConstants(): number[] {
  return numericLeaves([
    RULE,
    FLAT_SHARE,
    NEAR_IDENTITY_SHARE,
    reports.COLOUR_COLLAPSE_SHARE,
    reports.COVER_RANGE,
    reports.STOCHASTIC_MIN_FRACTION,
    reports.MODE_COLLAPSE_SHARE,
    reports.PARALLEL_FLOOR_FACTOR,
    reports.PARALLEL_SLACK,
    reports.SPLIT_RANGE,
    reports.SMOOTHING_MARGIN,
    reports.WIDE_MARGIN_SHARE,
    reports.VALUE_TOLERANCE,
    reports.FLOOR_FACTOR,
    1 - RULE.alpha,
    1 - 2 * RULE.alpha,
    BENCHMARK_TEST_POINTS,
  ]);
}

/** Every shipped run's folder. */
function shippedRuns(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, 'metrics.json'))) out.push(dir);
    else if (depth > 0) for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name), depth - 1);
  };
  walk(paths.shippedRuns(), 3);
  return out;
}

function shippedValues(): Sources {
  const values: number[] = [];
  const seconds: number[] = [];
  for (const dir of shippedRuns()) {
    const record = readRunRecord(dir);
    numericLeaves(record?.metrics, values);
    numericLeaves(readJson(join(dir, 'config.json')), values);
    if (record) seconds.push(record.trainSeconds);
  }
  return { values, seconds };
}

const committed = { values: [...paperValues(), ...settingValues(), ...ruleConstants()], seconds: [] as number[] };

function markdownOf(notebook: string): string {
  const nb = readJson(join(paths.notebooks(), notebook)) as { cells: Array<{ cell_type: string; source: string | string[] }> };
  return nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n\n');
}

function unsourced(text: string, sources: Sources): string[] {
  return quotedNumbers(text)
    .filter((q) => !matches(q, sources))
    .map((q) => `${q.text} in "…${q.context}…"`);
}

test('the scanner finds the numbers the definition names, and only those', () => {
  const found = quotedNumbers(
    'OTM 0.911 (Eq. 38, Table 1, Sec. 5.1, App. E.1) ran 20K iterations at lr 1e-4 in 20–32 minutes, 49% of 1000 samples; d = 16, 3 seeds, ICML 2025, 2026-12-03. `0.5` [x](a/0.7.md) <!-- 0.9 -->',
  ).map((q) => q.text);
  assert.deepEqual(found, ['0.911', '20K', '1e-4', '20 min', '32 min', '49 %', '1000']);
});

test('a number with no committed source is caught (the check can fail)', () => {
  assert.deepEqual(unsourced('the quick scale reached 2.77 ± 0.21', committed), ['2.77 in "…the quick scale reached 2.77 ± 0.21…"', '0.21 in "…the quick scale reached 2.77 ± 0.21…"']);
  // The paper's number, a setting and a rule constant are sourced.
  assert.deepEqual(unsourced('paper: 73.23; lr 1e-4, σ 0.2 → 0.05; below 0.05', committed), []);
});

for (const notebook of readdirSync(paths.notebooks()).filter((f) => f.endsWith('.ipynb')).sort()) {
  test(`${notebook}: its markdown quotes only the papers' numbers, settings and the rule's constants`, () => {
    assert.deepEqual(unsourced(markdownOf(notebook), committed), []);
  });
}

test("README.md quotes only the papers' numbers, settings and the rule's constants (its verdict table is generated)", () => {
  assert.deepEqual(unsourced(readFileSync(join(root, 'README.md'), 'utf8'), committed), []);
});

test('data/runs/README.md quotes only committed values: the papers, the settings, the shipped runs', () => {
  const shipped = shippedValues();
  const sources = { values: [...committed.values, ...shipped.values], seconds: shipped.seconds };
  assert.deepEqual(unsourced(readFileSync(join(paths.shippedRuns(), 'README.md'), 'utf8'), sources), []);
});

test('the blocks left out of the scan are dated machine measurements that name their command', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- measured:([^>]*)-->([\s\S]*?)<!-- \/measured -->/g)];
  assert.ok(blocks.length >= 1);
  for (const [, why, body] of blocks) {
    assert.match(why, /\d{4}-\d{2}-\d{2}/, `measured block without a date: ${why}`);
    assert.match(`${why}${body}`, /`[^`]*(npm run|otbook|bench\/run\.ts)[^`]*`/, `measured block without its command: ${why}`);
  }
  // Readings of verdicts never hide in them.
  for (const [, , body] of blocks) assert.doesNotMatch(body, /reproduced|D_target|verdict/);
});

test("data/runs/README.md's wall times are the shipped runs' own: the range it states per kind of cell", () => {
  const text = readFileSync(join(paths.shippedRuns(), 'README.md'), 'utf8');
  const groups = new Map<string, number[]>();
  for (const dir of shippedRuns()) {
    const record = readRunRecord(dir);
    if (!record) continue;
    const experiment = dir.split('/').slice(-3, -2)[0];
    const key = `${experiment} d = ${record.dim}`;
    groups.set(key, [...(groups.get(key) ?? []), record.trainSeconds]);
  }
  assert.ok(groups.size >= 2);
  for (const [key, secs] of groups) {
    const [lo, hi] = [Math.min(...secs), Math.max(...secs)];
    const inMinutes = hi >= 120;
    const fmt = (s: number) => (inMinutes ? Math.round(s / 60) : Math.round(s));
    const stated = `${key}: ${fmt(lo)}–${fmt(hi)} ${inMinutes ? 'min' : 's'}`;
    assert.ok(text.includes(stated), `data/runs/README.md should state "${stated}" (the shipped metrics.json wall times)`);
  }
});
