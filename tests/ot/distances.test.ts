import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squaredDistanceMatrix } from '../../lib/ot';
import { UserError } from '../../lib/errors';
import { Rng } from '../../lib/random';
import { gaussianCloud } from './helpers';

test('matches a direct float64 computation for d = 1, 2, 3, 17 (all code paths)', () => {
  const rng = new Rng(71);
  for (const d of [1, 2, 3, 17]) {
    const x = gaussianCloud(rng, 7, d);
    const y = gaussianCloud(rng, 5, d, 1);
    const c = squaredDistanceMatrix(x, y);
    assert.equal(c.length, 35);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += (x.data[i * d + k] - y.data[j * d + k]) ** 2;
        assert.ok(Math.abs(c[i * 5 + j] - s) <= 1e-15 * s, `d=${d} (${i}, ${j})`);
      }
    }
  }
});

test('stable far from the origin: exact zeros for identical points, exact small distances', () => {
  // Points near 1e4 that differ by 2^-8: the expansion ‖x‖² + ‖y‖² − 2⟨x, y⟩ would lose everything
  // (‖x‖² ≈ 2e8 has an ulp of 3e-8 in float64 and far worse after float32 products).
  const base = 10000;
  const x = { n: 2, d: 2, data: new Float32Array([base, base, base + 1 / 256, base]) };
  const c = squaredDistanceMatrix(x, x);
  assert.deepEqual(Array.from(c), [0, 1 / 65536, 1 / 65536, 0]);
});

test('validation', () => {
  const x = { n: 1, d: 2, data: new Float32Array([0, 0]) };
  assert.throws(() => squaredDistanceMatrix(x, { n: 1, d: 3, data: new Float32Array(3) }), UserError);
  assert.throws(() => squaredDistanceMatrix(x, { n: 1, d: 2, data: new Float32Array([0, NaN]) }), /finite/);
});
