import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../../lib/random';

/**
 * End to end: `node bin/otbook.js w2 …` runs the compiled dist/ (npm test builds before testing). A dist/
 * older than the sources this command uses would test stale code, so that fails loudly instead.
 */
const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/otbook.js');
let dir = '';

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'w2', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

before(() => {
  const built = join(ROOT, 'dist/cli/commands/w2.js');
  assert.ok(existsSync(built), 'dist/cli/commands/w2.js is missing: run `npm run build` before these tests (npm test does)');
  const builtAt = statSync(built).mtimeMs;
  const sources = [join(ROOT, 'lib/cli/commands/w2.ts'), join(ROOT, 'lib/data/csv.ts'), ...readdirSync(join(ROOT, 'lib/ot')).map((f) => join(ROOT, 'lib/ot', f))];
  for (const s of sources) assert.ok(statSync(s).mtimeMs <= builtAt, `${s} is newer than dist/: run \`npm run build\` before these tests`);
  dir = mkdtempSync(join(tmpdir(), 'otbook-w2-'));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('prints the exact W2² (header, CRLF) and --json gives {cost, n, m, solver, seconds}', () => {
  const a = file('a.csv', 'x,y\n0,0\n1,0\n');
  const b = file('b.csv', '0,1\r\n1,1\r\n');
  const text = run('--source', a, '--target', b);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^W2² = 1 {2}\(n = 2, m = 2, d = 2, solver: assignment, [\d.]+ s\)\n$/);
  const json = run('--source', a, '--target', b, '--json');
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).sort(), ['cost', 'm', 'n', 'seconds', 'solver']);
  assert.equal(parsed.cost, 1);
  assert.equal(parsed.solver, 'assignment');
  assert.equal(typeof parsed.seconds, 'number');
});

test('1-D files: the value equals the sorted matching; weights switch to the network simplex', () => {
  const rng = new Rng(61);
  const xs = Array.from({ length: 40 }, () => (rng.int(200) - 100) / 16);
  const ys = Array.from({ length: 40 }, () => (rng.int(200) - 60) / 16);
  const a = file('x1.csv', `${xs.join('\n')}\n`);
  const b = file('y1.csv', `${ys.join('\n')}\n`);
  const sx = [...xs].sort((p, q) => p - q);
  const sy = [...ys].sort((p, q) => p - q);
  const sorted = sx.reduce((t, v, i) => t + (v - sy[i]) ** 2, 0) / 40;
  const r = run('--source', a, '--target', b, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { cost: number; solver: string };
  assert.ok(Math.abs(out.cost - sorted) < 1e-12 * sorted, `${out.cost} vs ${sorted}`);
  // Two points with weights (1, 3)/4 against one point: W2² = ¼·0² + ¾·2² = 3.
  const src = file('s.csv', '0\n2\n');
  const tgt = file('t.csv', '0\n');
  const w = file('w.csv', 'w\n1\n3\n');
  const rw = run('--source', src, '--target', tgt, '--source-weights', w, '--json');
  assert.equal(rw.code, 0, rw.stderr);
  const ow = JSON.parse(rw.stdout) as { cost: number; solver: string; n: number; m: number };
  assert.equal(ow.solver, 'network-simplex');
  assert.equal(ow.n, 2);
  assert.equal(ow.m, 1);
  assert.ok(Math.abs(ow.cost - 3) < 1e-12);
});

test('bad input: exit code 2 and a single-line message naming the problem', () => {
  const good = file('g.csv', '0,0\n1,1\n');
  const cases: [string[], RegExp][] = [
    [['--source', join(dir, 'missing.csv'), '--target', good], /missing\.csv: file not found/],
    [['--source', file('r.csv', '0,0\n1\n'), '--target', good], /r\.csv: line 2 has 1 values but earlier rows have 2/],
    [['--source', file('n.csv', '0,0\n1,NaN\n'), '--target', good], /n\.csv: line 2, column 2 is 'NaN'/],
    [['--source', file('e.csv', ''), '--target', good], /e\.csv: no data rows/],
    [['--source', file('d3.csv', '0,0,0\n'), '--target', good], /dimension 3 but .*g\.csv has dimension 2/],
    [['--source', good, '--target', good, '--source-weights', file('w0.csv', '0\n0\n')], /w0\.csv: the weights sum to 0/],
    [['--source', good, '--target', good, '--target-weights', file('w1.csv', '1\n')], /w1\.csv: 1 weights for 2 points/],
    [['--source', good], /--target is required/],
    [['--source', good, '--target', good, '--bogus'], /unknown flag --bogus/],
  ];
  for (const [args, pattern] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, `not one line: ${r.stderr}`);
    assert.match(lines[0], /^otbook: error: /);
    assert.match(lines[0], pattern);
  }
});
