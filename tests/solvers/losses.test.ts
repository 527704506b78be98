import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../lib/random';
import { mlpMap, mlpPotential, type Potential, type TransportMap } from '../../lib/nets';
import {
  StepContext,
  notMethod,
  otmMethod,
  r1Penalty,
  semiDualMapLoss,
  semiDualPotentialLoss,
  weakQuadraticCostMean,
} from '../../lib/solvers';
import { close, setVariable, useTestBackend } from '../helpers/tf';

before(() => useTestBackend());

// A tiny potential V(y) = w2·relu(W1ᵀy + b1) + b2 with W1 [2,3], and a linear map T(x) = x A + c.
const W1 = [
  [1, -1, 0.5],
  [0.5, 2, -1],
];
const b1 = [0.1, -0.2, 0.3];
const w2 = [[1.5], [-0.5], [2]];
const b2 = [0.25];
const A = [
  [1, 0.5],
  [-0.3, 2],
];
const c = [0.1, -0.4];

function tinyNets(): { potential: Potential; map: TransportMap } {
  const rng = new Rng(0);
  const potential = mlpPotential(rng, 2, [3]);
  const map = mlpMap(rng, 2, { hidden: [] });
  // One run: every parameter has a leading run axis of length 1.
  const [pW1, pb1, pW2, pb2] = potential.params.map((p) => p.variable);
  setVariable(pW1, [W1]);
  setVariable(pb1, [b1]);
  setVariable(pW2, [w2]);
  setVariable(pb2, [b2]);
  const [mA, mc] = map.params.map((p) => p.variable);
  setVariable(mA, [A]);
  setVariable(mc, [c]);
  return { potential, map };
}
const batch = (points: number[][]) => tf.tensor3d([points]);

const relu = (v: number) => Math.max(0, v);
function Vhand(y: number[]): number {
  let s = b2[0];
  for (let j = 0; j < 3; j++) s += w2[j][0] * relu(y[0] * W1[0][j] + y[1] * W1[1][j] + b1[j]);
  return s;
}
function gradVhand(y: number[]): number[] {
  const g = [0, 0];
  for (let j = 0; j < 3; j++) {
    if (y[0] * W1[0][j] + y[1] * W1[1][j] + b1[j] > 0) {
      g[0] += w2[j][0] * W1[0][j];
      g[1] += w2[j][0] * W1[1][j];
    }
  }
  return g;
}
const That = (x: number[]) => [x[0] * A[0][0] + x[1] * A[1][0] + c[0], x[0] * A[0][1] + x[1] * A[1][1] + c[1]];
const xs = [
  [0.3, -0.7],
  [1.2, 0.4],
  [-0.5, 0.9],
];
const ys = [
  [0.2, 0.1],
  [-1, 0.5],
  [0.7, -0.3],
];
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

test('semi-dual potential loss = mean V(T(x)) − mean V(y), plus (λ/2)·mean‖∇V(y)‖² (OTP Eq. 9)', () => {
  const { potential, map } = tinyNets();
  const ctx = new StepContext(new Rng(1), 0, 1);
  const x = batch(xs);
  const y = batch(ys);
  const vT = mean(xs.map((p) => Vhand(That(p))));
  const vY = mean(ys.map(Vhand));
  const r1 = mean(ys.map((p) => gradVhand(p).reduce((s, g) => s + g * g, 0)));
  const plain = semiDualPotentialLoss(potential, map, { x, y }, ctx, { alpha: 1, r1: 0 });
  close(plain.total.dataSync()[0], vT - vY, 1e-5, 'potential loss');
  const withR1 = semiDualPotentialLoss(potential, map, { x, y }, ctx, { alpha: 1, r1: 0.8 });
  close(withR1.terms.r1.dataSync()[0], 0.4 * r1, 1e-5, 'R1 term');
  close(withR1.total.dataSync()[0], vT - vY + 0.4 * r1, 1e-5, 'potential loss with R1');
  close(r1Penalty(potential, y, 2).dataSync()[0], r1, 1e-5, 'R1 with λ = 2');
});

test('semi-dual map loss = mean[α‖x − T(x)‖² − V(T(x))] (OTP Alg. 1 line 8)', () => {
  const { potential, map } = tinyNets();
  const ctx = new StepContext(new Rng(1), 0, 1);
  const alpha = 0.37;
  const expected = mean(xs.map((p) => {
    const t = That(p);
    return alpha * ((p[0] - t[0]) ** 2 + (p[1] - t[1]) ** 2) - Vhand(t);
  }));
  const loss = semiDualMapLoss(potential, map, { x: batch(xs), y: batch(ys) }, ctx, { alpha, r1: 0 });
  close(loss.total.dataSync()[0], expected, 1e-5, 'map loss');
});

test('the map gradient of the semi-dual map loss matches finite differences', () => {
  const { potential, map } = tinyNets();
  const method = otmMethod({ potential, map }, { alpha: 1, r1: 0 });
  const x = batch(xs);
  const y = batch(ys);
  const ctx = () => new StepContext(new Rng(1), 0, 1);
  const vars = method.mapParams.map((p) => p.variable);
  const { grads } = tf.variableGrads(() => tf.sum(method.mapLoss({ x, y }, ctx()).total), vars);
  const Avar = vars[0];
  const base = (Avar.arraySync() as number[][][])[0];
  const h = 1e-2;
  for (const [i, j] of [
    [0, 0],
    [1, 1],
    [0, 1],
  ]) {
    const plus = base.map((r) => r.slice());
    plus[i][j] += h;
    setVariable(Avar, [plus]);
    const lp = method.mapLoss({ x, y }, ctx()).total.dataSync()[0];
    const minus = base.map((r) => r.slice());
    minus[i][j] -= h;
    setVariable(Avar, [minus]);
    const lm = method.mapLoss({ x, y }, ctx()).total.dataSync()[0];
    setVariable(Avar, [base]);
    const g = (grads[Avar.name].arraySync() as number[][][])[0][i][j];
    close(g, (lp - lm) / (2 * h), 2e-3, `dL/dA[${i}][${j}]`);
  }
});

test('γ-weak cost: α·mean‖x − T‖² − α·γ·unbiased Var over the draws (NOT)', () => {
  // Two points, three draws each, in 2-D.
  const x = [
    [0, 0],
    [1, -1],
  ];
  const plan = [
    [
      [1, 0],
      [0, 2],
      [-1, 1],
    ],
    [
      [1, 1],
      [2, -1],
      [1, 0],
    ],
  ];
  const alpha = 0.5;
  const gamma = 0.7;
  let total = 0;
  for (let i = 0; i < 2; i++) {
    const draws = plan[i];
    const transport = mean(draws.map((t) => (x[i][0] - t[0]) ** 2 + (x[i][1] - t[1]) ** 2));
    const m = [mean(draws.map((t) => t[0])), mean(draws.map((t) => t[1]))];
    const variance = draws.reduce((s, t) => s + (t[0] - m[0]) ** 2 + (t[1] - m[1]) ** 2, 0) / (draws.length - 1);
    total += alpha * (transport - gamma * variance);
  }
  const got = weakQuadraticCostMean(tf.tensor3d([x]), tf.tensor4d([plan]), alpha, gamma).dataSync()[0];
  close(got, total / 2, 1e-6, 'weak cost');
  assert.throws(() => weakQuadraticCostMean(tf.tensor3d([[[0, 0]]]), tf.tensor4d([[[[1, 1]]]]), 0.5, 1), /Z ≥ 2/);
});

test('NOT with γ = 0 and one draw has the same map loss as OTM-s on the same noise', () => {
  const rng = new Rng(3);
  const potential = mlpPotential(rng, 2, [8]);
  const map = mlpMap(rng, 2, { hidden: [8], noiseDim: 2, noiseStd: 0.1 });
  const not = notMethod({ potential, map }, { alpha: 1, gamma: 0, gammaWarmup: 0, zSize: 1 });
  const otms = otmMethod({ potential, map }, { alpha: 1, r1: 0 });
  const x = batch(xs);
  const y = batch(ys);
  const a = not.mapLoss({ x, y }, new StepContext(new Rng(9), 0, 1)).total.dataSync()[0];
  const b = otms.mapLoss({ x, y }, new StepContext(new Rng(9), 0, 1)).total.dataSync()[0];
  close(a, b, 1e-6, 'NOT(γ=0, Z=1) vs OTM-s');
});
