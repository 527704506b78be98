import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getExperiment } from '../../lib/experiments';
import { otbook } from '../helpers/cli';
import { inTempDir } from '../helpers/tmp';

// weak-ot's two smoke cells (NOT and OTP on One-to-Many, seed 0, 20 iterations): one ships, one does not.
const [SHIPPED, OTHER] = getExperiment('weak-ot').cells('smoke').map((c) => c.id);

test('a sweep copies a cell whose configuration ships in data/runs instead of training it; map and eval say it has no checkpoint', () =>
  inTempDir('shipped-reuse', (root) => {
    const shipped = join(root, 'shipped');
    const env = { OTBOOK_BACKEND: 'cpu', OTBOOK_SHIPPED_RUNS: shipped, OTBOOK_RESULTS_ROOT: join(root, 'results') };
    // A shipped run as data/runs holds them: trained, then without its checkpoint and samples.
    const made = otbook(['run', 'weak-ot', '--scale', 'smoke', '--cells', SHIPPED, '--out', join(shipped, 'weak-ot', 'smoke')], { ...env, OTBOOK_SHIPPED_RUNS: join(root, 'none') });
    assert.equal(made.code, 0, made.stderr);
    const ship = join(shipped, 'weak-ot', 'smoke', SHIPPED);
    rmSync(join(ship, 'checkpoint.bin'));
    rmSync(join(ship, 'samples.json'));
    rmSync(join(shipped, 'weak-ot', 'smoke', 'experiment.json'));

    const dry = otbook(['run', 'weak-ot', '--scale', 'smoke', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /1 of 2 cells to train/);
    assert.match(dry.stdout, /1 cell reuse a completed run of the same configuration \(copied, not trained\)/);

    const out = join(root, 'out');
    const r = otbook(['run', 'weak-ot', '--scale', 'smoke', '--out', out], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${SHIPPED}: completed \\(the same configuration ships in .*records only, no checkpoint\\)`));
    // Copied, not retrained: the record is the shipped one to the byte (its wall time and finish time included).
    assert.equal(readFileSync(join(out, SHIPPED, 'metrics.json'), 'utf8'), readFileSync(join(ship, 'metrics.json'), 'utf8'));
    assert.ok(!existsSync(join(out, SHIPPED, 'checkpoint.bin')));
    assert.ok(existsSync(join(out, OTHER, 'checkpoint.bin')), 'the cell that does not ship is trained');

    for (const dir of [join(out, SHIPPED), ship]) {
      const e = otbook(['eval', '--model', dir], env);
      assert.equal(e.code, 2, e.stderr);
      assert.equal(e.stderr.trim().split('\n').length, 1, e.stderr);
      assert.match(e.stderr, /shipped run.*no checkpoint/);
      const input = join(root, 'x.csv');
      writeFileSync(input, 'x1,x2\n0.1,0.2\n');
      const m = otbook(['map', '--model', dir, '--input', input, '--output', join(root, 'y.csv')], env);
      assert.equal(m.code, 2, m.stderr);
      assert.equal(m.stderr.trim().split('\n').length, 1, m.stderr);
      assert.match(m.stderr, /shipped run.*no checkpoint/);
    }
    // The same command without the shipped run trains the cell (what the copy saved).
    mkdirSync(join(root, 'out2'));
    const again = otbook(['run', 'weak-ot', '--scale', 'smoke', '--cells', SHIPPED, '--out', join(root, 'out2')], { ...env, OTBOOK_SHIPPED_RUNS: join(root, 'none') });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(existsSync(join(root, 'out2', SHIPPED, 'checkpoint.bin')), 'without the shipped run, the cell trains');
  }));
