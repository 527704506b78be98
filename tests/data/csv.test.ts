import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCsvPoints, loadCsvWeights, parseCsvPoints, parseCsvWeights } from '../../lib/data/csv';
import { UserError } from '../../lib/errors';
import { Rng } from '../../lib/random';

/** Asserts a one-line UserError whose message matches every pattern. */
function throwsUserError(f: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `message is not one line: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test('numbers, header line, CRLF, spaces, blank and trailing lines, BOM', () => {
  const p = parseCsvPoints('\uFEFFx, y\r\n 1, 2.5 \r\n\r\n-3e-1,+4\r\n.5,6.\r\n', { name: 'a.csv' });
  assert.equal(p.n, 3);
  assert.equal(p.d, 2);
  assert.deepEqual(Array.from(p.data), [1, 2.5, Math.fround(-0.3), 4, 0.5, 6]);
  assert.ok(p.data instanceof Float32Array);
  // Without a header every line is data.
  const q = parseCsvPoints('1,2,3\n4,5,6');
  assert.equal(q.n, 2);
  assert.equal(q.d, 3);
});

test('a first line that is not all numbers is a header; only the first', () => {
  assert.equal(parseCsvPoints('a,1\n2,3\n').n, 1); // header with one non-numeric field
  throwsUserError(() => parseCsvPoints('1,2\nx,y\n', { name: 'h.csv' }), /h\.csv/, /line 2, column 1 is 'x'; expected a decimal number/);
  throwsUserError(() => parseCsvPoints('x,y,z\n1,2\n', { name: 'h.csv' }), /header has 3 columns but line 2 has 2 values/);
});

test('errors name the file and the line: empty, only a header, ragged, non-numeric, empty field, NaN, Inf, overflow', () => {
  throwsUserError(() => parseCsvPoints('', { name: 'e.csv' }), /^e\.csv: no data rows \(the file is empty\)/);
  throwsUserError(() => parseCsvPoints('\n\r\n  \n', { name: 'e.csv' }), /the file is empty/);
  throwsUserError(() => parseCsvPoints('x,y\n', { name: 'e.csv' }), /only a header/);
  throwsUserError(() => parseCsvPoints('1,2\n3,4\n5\n', { name: 'r.csv' }), /^r\.csv: line 3 has 1 values but earlier rows have 2 \(ragged row\)/);
  throwsUserError(() => parseCsvPoints('1,2\n3,abc\n', { name: 'n.csv' }), /^n\.csv: line 2, column 2 is 'abc'/);
  throwsUserError(() => parseCsvPoints('1,2\n3,\n', { name: 'n.csv' }), /line 2, column 2 is empty/);
  throwsUserError(() => parseCsvPoints('1,2\n0x10,2\n', { name: 'n.csv' }), /'0x10'; expected a decimal number/);
  throwsUserError(() => parseCsvPoints('1,2\n3,NaN\n', { name: 'f.csv' }), /^f\.csv: line 2, column 2 is 'NaN'; values must be finite numbers \(no NaN or Inf\)/);
  throwsUserError(() => parseCsvPoints('1,-inf\n', { name: 'f.csv' }), /line 1, column 2 is '-inf'/);
  throwsUserError(() => parseCsvPoints('x\n1\nInfinity\n', { name: 'f.csv' }), /line 3, column 1 is 'Infinity'/);
  throwsUserError(() => parseCsvPoints('1\n1e999\n', { name: 'f.csv' }), /line 2, column 1 is '1e999', which overflows/);
  throwsUserError(() => parseCsvPoints('1\n1e39\n', { name: 'f.csv' }), /line 2, column 1 .* outside the float32 range/);
});

test('expectedDim is enforced', () => {
  assert.equal(parseCsvPoints('1,2\n', { expectedDim: 2 }).d, 2);
  throwsUserError(() => parseCsvPoints('x,y,z\n1,2,3\n', { expectedDim: 2, name: 'd.csv' }), /^d\.csv: points have dimension 3 \(line 2\) but dimension 2 is expected/);
});

test('files: reading, missing file, directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otbook-csv-'));
  try {
    const path = join(dir, 'p.csv');
    writeFileSync(path, 'x,y\n0,1\n2,3\n');
    const p = loadCsvPoints(path);
    assert.equal(p.n, 2);
    throwsUserError(() => loadCsvPoints(join(dir, 'missing.csv')), /missing\.csv: file not found/);
    mkdirSync(join(dir, 'sub'));
    throwsUserError(() => loadCsvPoints(join(dir, 'sub')), /sub: is a directory/);
    writeFileSync(path, '0,1\n2\n');
    throwsUserError(() => loadCsvPoints(path), new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 2 has 1 values`));
    const w = join(dir, 'w.csv');
    writeFileSync(w, 'weight\n1\n3\n');
    assert.deepEqual(Array.from(loadCsvWeights(w, 2)), [0.25, 0.75]);
    throwsUserError(() => loadCsvWeights(join(dir, 'nope.csv'), 2), /nope\.csv: file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('weights: normalised, one column, right count, non-negative, not all zero', () => {
  const w = parseCsvWeights('2\n0\n6\n', 3, 'w.csv');
  assert.ok(w instanceof Float64Array);
  assert.deepEqual(Array.from(w), [0.25, 0, 0.75]);
  throwsUserError(() => parseCsvWeights('1,2\n', 1, 'w.csv'), /one value per line, but line 1 has 2/);
  throwsUserError(() => parseCsvWeights('1\n2\n', 3, 'w.csv'), /2 weights for 3 points/);
  throwsUserError(() => parseCsvWeights('1\n-2\n', 2, 'w.csv'), /^w\.csv: line 2 has weight -2; weights must be non-negative/);
  throwsUserError(() => parseCsvWeights('0\n0\n', 2, 'w.csv'), /^w\.csv: the weights sum to 0/);
  throwsUserError(() => parseCsvWeights('1e308\n1e308\n', 2, 'w.csv'), /finite sum/);
  throwsUserError(() => parseCsvWeights('1\nnan\n', 2, 'w.csv'), /line 2, column 1 is 'nan'/);
});

test('every value equals Number() of its text, rounded to float32, whichever way the row is read', () => {
  // Rows of the common kind (read without a string per field) mixed with the rest: more than 15 digits, large
  // exponents, signs, spaces, leading zeros, a bare point (each falls back to the full reader).
  const r = new Rng(11);
  const kinds = [
    () => (r.normal() * 10 ** Math.floor(r.uniform() * 60 - 30)).toPrecision(1 + Math.floor(r.uniform() * 17)),
    () => r.normal().toFixed(Math.floor(r.uniform() * 12)),
    () => `${r.uniform() < 0.5 ? '-' : '+'}${Math.floor(r.uniform() * 1e6)}.${Math.floor(r.uniform() * 1e9)}e${Math.floor(r.uniform() * 50 - 25)}`,
    () => ` 000${Math.floor(r.uniform() * 1e4)}.`,
    () => `.${Math.floor(r.uniform() * 1e5)} `,
    () => '-0',
  ];
  const fields: string[][] = Array.from({ length: 5000 }, () => [0, 1, 2].map(() => kinds[Math.floor(r.uniform() * kinds.length)]()));
  const p = parseCsvPoints(`a,b,c\n${fields.map((f) => f.join(',')).join('\n')}\n`);
  assert.equal(p.n, fields.length);
  fields.flat().forEach((s, i) => assert.ok(Object.is(p.data[i], Math.fround(Number(s))), `${s}: ${p.data[i]}`));
});
