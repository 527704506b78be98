import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { column, pointCloud } from '../../lib/points';
import { UserError } from '../../lib/errors';
import { Rng } from '../../lib/random';
import {
  COLORS,
  cloudTrace,
  crc32,
  encodePngRgb,
  envelopeIndices,
  imageMosaic,
  lossCurvesFigure,
  panelGrid,
  pngSize,
  segmentsTrace,
  sig4,
  strideIndices,
  tableFigure,
  transportFigure,
  transportTraces,
  imageGridFigure,
} from '../../lib/plots';
import type { Axis, ScatterTrace } from '../../lib/plots';

function cloud(n: number, d: number, seed: number): ReturnType<typeof pointCloud> {
  const r = new Rng(seed);
  return pointCloud(r.fillNormal(new Float32Array(n * d)), d);
}

test('sig4 keeps 4 significant digits and maps non-finite to null', () => {
  assert.equal(sig4(3.14159265), 3.142);
  assert.equal(sig4(-0.000123456), -0.0001235);
  assert.equal(sig4(123456), 123500);
  assert.equal(sig4(-0), 0);
  assert.ok(Object.is(sig4(-0), 0));
  assert.equal(sig4(Number.NaN), null);
  assert.equal(sig4(Infinity), null);
  // relative error bound of 4-digit rounding: ≤ 5e-4
  const r = new Rng(5);
  for (let i = 0; i < 1000; i++) {
    const v = r.normal() * 10 ** Math.floor(r.uniform() * 10 - 5);
    assert.ok(Math.abs((sig4(v) as number) - v) <= 5e-4 * Math.abs(v));
  }
});

test('strideIndices: sorted, distinct, in range, at most max, all when n ≤ max', () => {
  assert.deepEqual([...strideIndices(5, 10)], [0, 1, 2, 3, 4]);
  for (const [n, m] of [[1000, 7], [10, 10], [11, 10], [3, 0]] as const) {
    const idx = [...strideIndices(n, m)];
    assert.equal(idx.length, Math.min(n, m));
    for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1]);
    assert.ok(idx.every((i) => i >= 0 && i < n));
  }
});

test('cloudTrace plots the requested 0-based coordinates, subsampled and rounded', () => {
  const p = cloud(5000, 64, 1);
  const t = cloudTrace(p, { name: 'source', color: COLORS.source }, { axes: [1, 33], maxPoints: 500 });
  assert.equal(t.x.length, 500);
  const idx = strideIndices(5000, 500);
  const c1 = column(p, 1);
  const c33 = column(p, 33);
  idx.forEach((i, k) => {
    assert.equal(t.x[k], sig4(c1[i]));
    assert.equal(t.y[k], sig4(c33[i]));
  });
  assert.equal(t.marker?.color, COLORS.source);
  assert.throws(() => cloudTrace(p, { name: 's', color: 'red' }, { axes: [0, 64] }), UserError);
  assert.throws(() => cloudTrace(p, { name: 's', color: 'red' }, { axes: [-1, 0] }), UserError);
  assert.throws(() => cloudTrace(p, { name: 's', color: 'red' }, { axes: [0.5, 1] }), UserError);
});

test('segmentsTrace: one trace, each segment x_i → T(x_i) followed by a null separator', () => {
  const x = cloud(300, 3, 2);
  const tx = cloud(300, 3, 3);
  const s = segmentsTrace(x, tx, { axes: [2, 0], maxSegments: 40 });
  assert.equal(s.mode, 'lines');
  assert.equal(s.x.length, 3 * 40);
  const idx = strideIndices(300, 40);
  idx.forEach((i, k) => {
    assert.deepEqual(s.x.slice(3 * k, 3 * k + 3), [sig4(x.data[i * 3 + 2]), sig4(tx.data[i * 3 + 2]), null]);
    assert.deepEqual(s.y.slice(3 * k, 3 * k + 3), [sig4(x.data[i * 3]), sig4(tx.data[i * 3]), null]);
  });
  assert.throws(() => segmentsTrace(x, cloud(299, 3, 4)), UserError);
});

test('transportTraces: paper colours, T(x) drawn last, segments only with source and mapped', () => {
  const [s, t, m, z] = [cloud(100, 2, 1), cloud(100, 2, 2), cloud(100, 2, 3), cloud(100, 2, 4)];
  const traces = transportTraces({ source: s, target: t, mapped: m, noised: z });
  assert.deepEqual(
    traces.map((tr) => tr.name),
    ['target', 'source', 'noised source', 'x → T(x)', 'T(x)'],
  );
  const color = (name: string): string | undefined => traces.find((tr) => tr.name === name)?.marker?.color;
  assert.equal(color('source'), COLORS.source);
  assert.equal(color('target'), COLORS.target);
  assert.equal(color('T(x)'), COLORS.mapped);
  assert.equal(color('noised source'), COLORS.noised);
  assert.equal(transportTraces({ source: s, target: t }).length, 2);
  assert.equal(transportTraces({ source: s, mapped: m }, { segments: 0 }).length, 2);
  const fig = transportFigure({ source: s, mapped: m }, { axes: [1, 0] });
  // Axes are titled 1-based in every figure (the reports' panels too): code axis 1 is the paper's x[2].
  assert.equal(fig.layout.xaxis?.title?.text, 'x[2]');
  assert.equal(fig.layout.yaxis?.title?.text, 'x[1]');
  assert.deepEqual([transportFigure({ source: s }).layout.xaxis?.title?.text, transportFigure({ source: s }).layout.yaxis?.title?.text], ['x[1]', 'x[2]']);
  assert.equal(fig.layout.yaxis?.scaleanchor, 'x');
});

test('figure JSON stays light: 3 clouds of 100k points in d = 64 stay under 250 kB', () => {
  const big = cloud(100_000, 64, 9);
  const json = JSON.stringify(transportFigure({ source: big, target: big, mapped: big }, { axes: [1, 33] }));
  assert.ok(json.length < 250_000, `${json.length} bytes`);
});

test('envelopeIndices keeps the global minimum and maximum of a long series', () => {
  const r = new Rng(11);
  const v = Array.from({ length: 100_000 }, () => r.normal());
  v[54_321] = -50;
  v[77_777] = 60;
  const idx = envelopeIndices(v, 1000);
  assert.ok(idx.length <= 1000);
  assert.ok(idx.includes(54_321) && idx.includes(77_777));
  for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1]);
  assert.deepEqual(envelopeIndices([3, 1, 2], 10), [0, 1, 2]);
});

test('lossCurvesFigure: log-y hides values ≤ 0 and says how many; lengths must agree', () => {
  const fig = lossCurvesFigure(
    [
      { name: 'a', values: [1, 0.5, -0.1, 0, 0.2] },
      { name: 'b', values: [2, 1], iterations: [10, 20] },
    ],
    { logY: true },
  );
  const [a, b] = fig.data as ScatterTrace[];
  assert.deepEqual(a.y, [1, 0.5, null, null, 0.2]);
  assert.deepEqual(b.x, [10, 20]);
  assert.equal(fig.layout.yaxis?.type, 'log');
  assert.match(fig.layout.annotations?.[0]?.text ?? '', /^2 value/);
  assert.notEqual(a.line?.color, b.line?.color);
  assert.throws(() => lossCurvesFigure([{ name: 'c', values: [1, 2], iterations: [1] }]), UserError);
});

test('panelGrid 2 × 4: one axis pair per panel, disjoint domains inside [0, 1], each legend name once', () => {
  const p = cloud(200, 2, 1);
  const q = cloud(200, 2, 2);
  const rows = [0, 1].map(() => [0, 1, 2, 3].map(() => ({ traces: transportTraces({ source: p, target: q }) })));
  const fig = panelGrid(rows, { rowTitles: ['OTM', 'OTP'], colTitles: ['a', 'b', 'c', 'd'] });
  assert.equal(fig.data.length, 16);
  const layout = fig.layout as unknown as Record<string, Axis | undefined>;
  const boxes: { x: readonly [number, number]; y: readonly [number, number] }[] = [];
  for (let k = 1; k <= 8; k++) {
    const xa = layout[k === 1 ? 'xaxis' : `xaxis${k}`];
    const ya = layout[k === 1 ? 'yaxis' : `yaxis${k}`];
    assert.ok(xa?.domain && ya?.domain, `axes of panel ${k}`);
    assert.equal(xa.anchor, k === 1 ? 'y' : `y${k}`);
    boxes.push({ x: xa.domain, y: ya.domain });
  }
  for (const b of boxes) for (const v of [...b.x, ...b.y]) assert.ok(v >= -1e-12 && v <= 1 + 1e-12);
  for (let i = 0; i < 8; i++) {
    for (let j = i + 1; j < 8; j++) {
      const overlap = boxes[i].x[0] < boxes[j].x[1] && boxes[j].x[0] < boxes[i].x[1] && boxes[i].y[0] < boxes[j].y[1] && boxes[j].y[0] < boxes[i].y[1];
      assert.ok(!overlap, `panels ${i + 1} and ${j + 1} overlap`);
    }
  }
  const shown = fig.data.filter((t) => 'showlegend' in t && t.showlegend).map((t) => ('name' in t ? t.name : ''));
  assert.deepEqual(shown, ['target', 'source']);
  const panel6 = fig.data.slice(10, 12) as ScatterTrace[];
  assert.ok(panel6.every((t) => t.xaxis === 'x6' && t.yaxis === 'y6'));
  assert.equal(fig.layout.annotations?.length, 6);
  assert.throws(() => panelGrid(rows, { rowTitles: ['only one'] }), UserError);
});

test('PNG encoder: CRC agrees with zlib, IDAT inflates to the filtered rows, IHDR gives the size', () => {
  const bytes = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
  assert.equal(crc32(bytes), zlibCrc32(bytes));
  const w = 5;
  const h = 3;
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
  const png = encodePngRgb(rgb, w, h);
  assert.deepEqual(pngSize(png), { width: 5, height: 3 });
  // walk the chunks: each CRC checks out, IDAT holds filter byte 0 + the row
  let off = 8;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    types.push(type);
    assert.equal(png.readUInt32BE(off + 8 + len), zlibCrc32(png.subarray(off + 4, off + 8 + len)), `CRC of ${type}`);
    if (type === 'IDAT') idat.push(png.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  for (let y = 0; y < h; y++) {
    assert.equal(raw[y * (w * 3 + 1)], 0);
    assert.deepEqual([...raw.subarray(y * (w * 3 + 1) + 1, (y + 1) * (w * 3 + 1))], [...rgb.subarray(y * w * 3, (y + 1) * w * 3)]);
  }
});

test('imageMosaic: hwc and chw layouts of the same pictures give the same mosaic; pixels land where expected', () => {
  const H = 4;
  const W = 3;
  const n = 5;
  const hwc = new Float32Array(n * H * W * 3);
  const chw = new Float32Array(n * H * W * 3);
  const r = new Rng(4);
  for (let k = 0; k < n; k++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          const v = r.uniform();
          hwc[k * H * W * 3 + (y * W + x) * 3 + c] = v;
          chw[k * H * W * 3 + c * H * W + y * W + x] = v;
        }
      }
    }
  }
  const opts = { height: H, width: W, channels: 3 as const, cols: 2, pad: 1, scale: 2 };
  const a = imageMosaic([{ images: pointCloud(hwc, H * W * 3), count: 5 }], opts);
  const b = imageMosaic([{ images: pointCloud(chw, H * W * 3), count: 5, format: { order: 'chw' } }], opts);
  assert.deepEqual(a.rgb, b.rgb);
  // 5 images in lines of 2 → 3 lines; width = (1 + 2·(3+1))·2, height = (1 + 3·(4+1))·2
  assert.equal(a.width, 18);
  assert.equal(a.height, 32);
  // image 3 sits in line 1, column 1: its pixel (y=2, x=1) starts at mosaic pixel ((1 + 1·5 + 2)·2, (1 + 1·4 + 1)·2)
  const k = 3;
  const px = (1 + 1 * (W + 1) + 1) * 2;
  const py = (1 + 1 * (H + 1) + 2) * 2;
  for (let c = 0; c < 3; c++) {
    const want = Math.round(hwc[k * H * W * 3 + (2 * W + 1) * 3 + c] * 255);
    for (const [dy, dx] of [[0, 0], [1, 1]]) assert.equal(a.rgb[((py + dy) * a.width + px + dx) * 3 + c], want);
  }
  assert.deepEqual([...a.rgb.subarray(0, 3)], [255, 255, 255]); // padding is white
  assert.throws(() => imageMosaic([{ images: pointCloud(hwc, H * W * 3) }], { ...opts, height: 5 }), UserError);
  const fig = imageGridFigure([{ images: pointCloud(hwc, H * W * 3), title: 'T(x)' }], opts);
  const src = (fig.data[0] as { source: string }).source;
  assert.ok(src.startsWith('data:image/png;base64,'));
  assert.deepEqual(pngSize(Buffer.from(src.split(',')[1], 'base64')), { width: a.width, height: (1 + 1 * (H + 1)) * 2 });
});

test('tableFigure: column-major cells, numbers formatted, wrong row length is a UserError', () => {
  const fig = tableFigure(['a', 'b'], [[1, 0.000012346], ['x', null]]);
  const t = fig.data[0];
  assert.equal(t.type, 'table');
  if (t.type !== 'table') return;
  assert.deepEqual(t.cells.values, [['1', 'x'], ['1.235e-5', '—']]);
  assert.throws(() => tableFigure(['a'], [[1, 2]]), UserError);
});
