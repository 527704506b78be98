import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otbook } from '../helpers/cli';

test('two shards run into two folders merge into the full table; a re-run keeps finished cells', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'otbook-run-'));
  const a = join(tmp, 'a');
  const b = join(tmp, 'b');
  const merged = join(tmp, 'merged');
  const r1 = otbook(['run', 'weak-ot', '--scale', 'smoke', '--shard', '1/2', '--out', a]);
  assert.equal(r1.code, 0, r1.stderr);
  const r2 = otbook(['run', 'weak-ot', '--scale', 'smoke', '--shard', '2/2', '--out', b]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(existsSync(join(a, 'd2-one-to-many-not-s0', 'metrics.json')));
  assert.ok(existsSync(join(b, 'd2-one-to-many-otp-s0', 'metrics.json')));
  assert.ok(!existsSync(join(a, 'd2-one-to-many-otp-s0')), 'shard 1 did not run shard 2’s cell');

  const partial = otbook(['merge', a, '--out', join(tmp, 'partial')]);
  assert.equal(partial.code, 2);
  assert.match(partial.stdout, /missing cells: d2-one-to-many-otp-s0/);

  const m = otbook(['merge', a, b, '--out', merged]);
  assert.equal(m.code, 0, m.stdout + m.stderr);
  const results = JSON.parse(readFileSync(join(merged, 'results.json'), 'utf8')) as Array<{ id: string; status: string; factors: { method: string } }>;
  assert.deepEqual(results.map((r) => [r.id, r.status, r.factors.method]), [
    ['d2-one-to-many-not-s0', 'completed', 'NOT'],
    ['d2-one-to-many-otp-s0', 'completed', 'OTP'],
  ]);
  const again = otbook(['run', 'weak-ot', '--scale', 'smoke', '--shard', '1/2', '--out', a]);
  assert.match(again.stderr, /d2-one-to-many-not-s0: completed \(kept\)/);
  // --cells picks cells by id; an id that is not a cell of the experiment is one clear line.
  const c = join(tmp, 'c');
  const one = otbook(['run', 'weak-ot', '--scale', 'smoke', '--cells', 'd2-one-to-many-otp-s0', '--out', c]);
  assert.equal(one.code, 0, one.stderr);
  assert.ok(existsSync(join(c, 'd2-one-to-many-otp-s0', 'metrics.json')));
  assert.ok(!existsSync(join(c, 'd2-one-to-many-not-s0')), '--cells ran a cell it was not given');
  const bad = otbook(['run', 'weak-ot', '--scale', 'smoke', '--cells', 'd2-nope-s0', '--out', c]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^otbook: error: --cells: no cell d2-nope-s0 at this scale[^\n]*\n$/);
  const unknown = otbook(['run', 'table9', '--out', a]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown experiment 'table9'; experiments: fig3, fig5, table1/);
});

test('a configuration already trained anywhere under the results root is reused, not retrained', () => {
  const root = mkdtempSync(join(tmpdir(), 'otbook-reuse-'));
  const env = { OTBOOK_RESULTS_ROOT: root };
  const first = otbook(['run', 'weak-ot', '--scale', 'smoke', '--out', join(root, 'weak-ot', 'smoke')], env);
  assert.equal(first.code, 0, first.stderr);
  const second = otbook(['run', 'weak-ot', '--scale', 'smoke', '--out', join(root, 'copy', 'smoke')], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /d2-one-to-many-otp-s0: completed \(the same configuration was already trained in .*weak-ot/);
  const a = JSON.parse(readFileSync(join(root, 'weak-ot', 'smoke', 'd2-one-to-many-otp-s0', 'metrics.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(root, 'copy', 'smoke', 'd2-one-to-many-otp-s0', 'metrics.json'), 'utf8'));
  assert.deepEqual(b.metrics, a.metrics);
});
