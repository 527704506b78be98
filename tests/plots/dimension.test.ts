import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../lib/errors';
import { FLOOR_NAME, dimensionFigure, table1Figure, table3Figure, table4Figure } from '../../lib/plots';
import type { Axis, ScatterTrace } from '../../lib/plots';

const scatter = (fig: { data: readonly unknown[] }) => fig.data as ScatterTrace[];

test('dimensionFigure: ours as the seed mean with a bar to the lowest and highest seed, the paper beside it, the floor dashed', () => {
  const fig = dimensionFigure({
    title: 't',
    points: [
      { method: 'OTM', panel: 'One-to-Many', dim: 2, ours: [0.1, 0.3, 0.2], paper: 0.1 },
      { method: 'OTM', panel: 'One-to-Many', dim: 16, ours: [3, 2], paper: 73.23 },
      { method: 'OTP', panel: 'One-to-Many', dim: 16, ours: [], paper: 0.65 }, // not run: only the paper's value
    ],
    floors: [{ panel: 'One-to-Many', dim: 16, values: [0.9, 0.92] }],
  });
  const traces = scatter(fig);
  assert.deepEqual(traces.map((t) => t.name), ['OTM', 'OTM (paper)', 'OTP (paper)', FLOOR_NAME]);
  const ours = traces[0];
  assert.deepEqual(ours.x, [2, 16]);
  assert.deepEqual(ours.y, [0.2, 2.5]);
  // Bars reach the highest and the lowest seed: mean + array = max, mean − arrayminus = min.
  assert.deepEqual(ours.error_y?.array, [0.1, 0.5]);
  assert.deepEqual(ours.error_y?.arrayminus, [0.1, 0.5]);
  assert.equal(ours.error_y?.symmetric, false);
  assert.deepEqual(traces[1].y, [0.1, 73.23]);
  assert.equal(traces[1].marker?.symbol, 'diamond-open');
  assert.equal(traces[1].marker?.color, ours.marker?.color, 'the paper is drawn in the method’s colour');
  assert.deepEqual(traces[3].y, [0.91]);
  assert.equal(traces[3].line?.dash, 'dash');
  const xa = fig.layout.xaxis as Axis;
  const ya = fig.layout.yaxis as Axis;
  assert.equal(xa.type, 'log');
  assert.deepEqual(xa.tickvals, [2, 16]);
  assert.equal(ya.type, 'log');
  assert.equal(ya.dtick, 1, 'values over more than two decades get a tick per decade');
});

test('dimensionFigure: values ≤ 0 are not drawn on the log scale and a note counts them; bad input is one UserError', () => {
  const fig = dimensionFigure({ title: 't', points: [{ method: 'A', panel: 'p', dim: 4, ours: [0, 0], paper: 0 }] });
  assert.deepEqual(scatter(fig)[0].y, [null]);
  assert.ok(fig.layout.annotations?.some((a) => /2 value\(s\) ≤ 0 are not drawn/.test(a.text)));
  const linear = dimensionFigure({ title: 't', points: [{ method: 'A', panel: 'p', dim: 4, ours: [0], paper: null }], logY: false });
  assert.deepEqual(scatter(linear)[0].y, [0]);
  assert.throws(() => dimensionFigure({ title: 't', points: [] }), UserError);
  assert.throws(() => dimensionFigure({ title: 't', points: [{ method: 'A', panel: 'p', dim: 4, ours: [NaN], paper: null }] }), /non-finite/);
  assert.throws(() => dimensionFigure({ title: 't', points: [{ method: 'A', panel: 'p', dim: 0, ours: [1], paper: null }] }), /dimension 0/);
});

test('table1Figure: a row per metric (D_target over D_cost), a column per pair, the floor only under D_target', () => {
  const fig = table1Figure(
    [
      { method: 'OTP', pair: 'Perpendicular', dim: 2, metric: 'D_target', ours: [0.01], paper: 0.007 },
      { method: 'OTP', pair: 'Perpendicular', dim: 2, metric: 'D_cost', ours: [0.02], paper: 0.019 },
      { method: 'OTM', pair: 'One-to-Many', dim: 16, metric: 'D_target', ours: [2.7], paper: 73.23 },
      { method: 'OTM', pair: 'One-to-Many', dim: 16, metric: 'D_cost', ours: [0.5], paper: 1.2 },
    ],
    [{ pair: 'One-to-Many', dim: 16, values: [0.9] }],
  );
  const titles = (fig.layout.annotations ?? []).map((a) => a.text);
  for (const t of ['Perpendicular: D_target', 'One-to-Many: D_target', 'Perpendicular: D_cost', 'One-to-Many: D_cost']) assert.ok(titles.includes(t), t);
  const floors = scatter(fig).filter((t) => t.name === FLOOR_NAME);
  assert.equal(floors.length, 1);
  assert.equal(floors[0].xaxis, 'x2', 'the floor sits in the D_target panel of One-to-Many (row 1, column 2)');
  const otm = scatter(fig).filter((t) => t.name === 'OTM');
  assert.deepEqual(otm.map((t) => t.xaxis), ['x2', 'x4']);
  assert.equal((fig.layout.yaxis as Axis).title?.text, 'D_target = W2²(T#μ, ν)');
  assert.equal((fig.layout.yaxis3 as Axis).title?.text, 'D_cost = |W2² − E‖T(x) − x‖²|');
});

test('table3Figure and table4Figure: one panel row, their metric on y, the paper beside ours', () => {
  const t3 = table3Figure([
    { method: 'OTP-CNS', pair: 'One-to-Many', dim: 16, ours: [2.9, 3.1], paper: 72.17 },
    { method: 'OTP', pair: 'One-to-Many', dim: 16, ours: [0.98], paper: 0.65 },
  ]);
  assert.deepEqual(scatter(t3).map((t) => t.name), ['OTP-CNS', 'OTP-CNS (paper)', 'OTP', 'OTP (paper)']);
  assert.match((t3.layout.yaxis as Axis).title?.text ?? '', /D_target/);
  const t4 = table4Figure([
    { method: 'OTP', dim: 16, ours: [28, 30], paper: 8.7 },
    { method: 'MM', dim: 16, ours: [], paper: 2.2 },
  ]);
  assert.deepEqual(scatter(t4).map((t) => [t.name, t.y]), [
    ['OTP', [29]],
    ['OTP (paper)', [8.7]],
    ['MM (paper)', [2.2]],
  ]);
  assert.equal((t4.layout.xaxis as Axis).title?.text, 'dimension D');
});
