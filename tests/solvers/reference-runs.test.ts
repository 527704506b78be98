import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { selectBackend } from '../../lib/backend';
import { REFERENCE_CONFIGS, REFERENCE_FILE, referenceRun, type ReferenceRun } from '../../scripts/reference-runs';

/**
 * Behaviour lock: small runs of every method, recorded on the cpu backend before the loop and the solvers were
 * restructured (scripts/reference-runs.ts), must come out the same, bit for bit: same metrics, same logged losses.
 * Float rounding depends on the kernels, so the comparison needs the kernels the fixture was recorded with.
 */
const fixture = JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as { kernels: string[]; runs: Record<string, ReferenceRun> };

test('the recorded reference runs cover every configuration', () => {
  assert.deepEqual(Object.keys(fixture.runs).sort(), Object.keys(REFERENCE_CONFIGS).sort());
});

for (const name of Object.keys(REFERENCE_CONFIGS)) {
  test(`reference run ${name} gives the recorded metrics and losses exactly`, async (t) => {
    const backend = await selectBackend({ force: 'cpu', announce: false });
    if (backend.kernels.join(',') !== fixture.kernels.join(',')) {
      t.skip(`recorded with kernels ${fixture.kernels.join(', ')}; this machine has ${backend.kernels.join(', ') || 'none'}`);
      return;
    }
    const run = await referenceRun(name);
    assert.deepEqual(run.losses, fixture.runs[name].losses);
    assert.deepEqual(run.metrics, fixture.runs[name].metrics);
  });
}
