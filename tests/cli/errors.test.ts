import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otbook } from '../helpers/cli';

const tmp = mkdtempSync(join(tmpdir(), 'otbook-cli-'));

/** A bad input gives exit code 2 and exactly one line on stderr, without a stack trace. */
function expectOneLine(args: string[], pattern: RegExp): void {
  const r = otbook(args);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.code}\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0], /^otbook: error: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('a wrong type', () => expectOneLine(['train', '--method', 'otm', '--pair', 'one-to-many', '--iterations', 'many', '--out', join(tmp, 'a')], /--iterations many is not a finite number/));
test('an unknown method', () => expectOneLine(['train', '--method', 'otmx', '--pair', 'one-to-many', '--out', join(tmp, 'b')], /--method otmx is not allowed; choose one of: otm, otm-s, otp, not, diotm/));
test('a negative iteration count', () => expectOneLine(['train', '--method', 'otm', '--pair', 'one-to-many', '--iterations', '-5', '--out', join(tmp, 'c')], /\/iterations: -5 is not allowed: must be >= 1/));
test('a missing CSV file', () => expectOneLine(['train', '--method', 'otp', '--source', join(tmp, 'nope.csv'), '--target', join(tmp, 'nope2.csv'), '--out', join(tmp, 'd')], /nope\.csv: file not found/));
test('an unknown flag', () => expectOneLine(['train', '--metod', 'otm'], /unknown flag --metod/));
test('an unknown pair', () => expectOneLine(['train', '--method', 'otm', '--pair', 'spirals', '--out', join(tmp, 'e')], /spirals/));
test('a config file that is not JSON, and one with an unknown field', () => {
  const bad = join(tmp, 'bad.json');
  writeFileSync(bad, '{ "method": "otm", }');
  expectOneLine(['train', '--config', bad, '--out', join(tmp, 'f')], /bad\.json: not valid JSON/);
  const unknown = join(tmp, 'unknown.json');
  writeFileSync(unknown, JSON.stringify({ method: 'otm', pair: 'one-to-many', map: { widht: 3 } }));
  expectOneLine(['train', '--config', unknown, '--out', join(tmp, 'g')], /\/map\/widht: unknown field; allowed here: kind, hidden, activation, noiseDim, noiseStd/);
});
test('a ragged CSV row is reported with its line number', () => {
  const a = join(tmp, 'ragged.csv');
  writeFileSync(a, 'x,y\n1,2\n3\n');
  expectOneLine(['train', '--method', 'otm', '--source', a, '--target', a, '--out', join(tmp, 'h')], /line 3/);
});
test('an unknown command, and a forced backend that is not installed', () => {
  expectOneLine(['trian'], /unknown command 'trian'/);
  const r = otbook(['info'], { OTBOOK_BACKEND: 'node-gpu' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /OTBOOK_BACKEND=node-gpu was requested, but @tensorflow\/tfjs-node-gpu not loadable/);
});
test('--debug adds the stack trace', () => {
  const r = otbook(['train', '--method', 'otmx', '--debug']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\n\s+at /);
});
