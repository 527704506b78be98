// How far issue 15's speed goals are from what this machine can do at all (bench/README.md). For each goal's
// workload it counts the arithmetic of one outer iteration (the matrix products' 2·m·n·k, from their shapes as they
// run: bench/profile.ts countProducts) and the other kernel calls, and measures in the same process
//   - this machine's sgemm rate (native kernels, one BLAS thread: a 1024³ product, the best case for OpenBLAS),
//   - the engine's cost of one kernel call (a 4-element add, no tape: dispatch and bookkeeping only),
//   - the workload's CPU ms per outer iteration (the cost model's clock, as timeGroup),
// and prints four floors per run and outer iteration: the products alone at the sgemm rate (no implementation on one
// core goes below it); the same products each timed alone at its own shape, repeated hot in cache (what this
// machine's product kernels do with the workload's thin shapes at best; a product's dispatch included); that plus
// today's number of other kernel calls at the measured dispatch cost; and that plus the bytes those calls read and
// write at this machine's copy rate for arrays in cache (no tfjs implementation with today's kernels, op count and
// passes over memory goes below it; the dense layers' bias and ReLU epilogue is left out, so it is still low).
// A goal below the first floor cannot be met on one core; below the last, not without fewer passes over memory.
//
//   node --import tsx bench/floors.ts [--shapes]      (--shapes: also each product shape's time and rate)
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../lib/backend';
import { resolveConfig } from '../lib/experiments/defaults';
import { withGroupStepper } from '../lib/experiments/estimate';
import { getExperiment } from '../lib/experiments/registry';
import type { TrainConfig } from '../lib/experiments/config';
import { countProducts, shapeFlops, type ProductShape } from './profile';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function cpuMs(fn: () => void): number {
  const s = process.cpuUsage();
  fn();
  const c = process.cpuUsage(s);
  return (c.user + c.system) / 1000;
}

/** GFLOP/s of a 1024 × 1024 × 1024 product (the fastest of 7, CPU time: a floor takes the best rate seen). */
function sgemmRate(): number {
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  // Not inside tf.tidy returning the values: tidy walks a returned typed array element by element (1.5 s here).
  const times = Array.from({ length: 8 }, () => cpuMs(() => tf.matMul(a, b).dispose()));
  tf.dispose([a, b]);
  return (2 * n ** 3) / (Math.min(...times.slice(1)) * 1e6);
}

/** CPU µs of one kernel call that does almost no arithmetic (a 4-element add outside any tape). */
function dispatchMicros(): number {
  const a = tf.ones([4]);
  const calls = 20_000;
  const times = Array.from({ length: 5 }, () => cpuMs(() => tf.tidy(() => {
    for (let i = 0; i < calls; i++) tf.add(a, a);
  })));
  a.dispose();
  return (median(times) * 1000) / calls;
}

/**
 * CPU ms of one product of this shape (all its batch entries), alone and repeated, so its operands stay in cache: the
 * best of 5 timings of enough repeats to take 5 ms. Through tf.matMul, so the same native kernels (or the small-dimension
 * loops) the training step uses, and one dispatch per product.
 */
function productMs(s: ProductShape): number {
  const a = tf.randomNormal(s.ta ? [s.batch, s.k, s.m] : [s.batch, s.m, s.k]);
  const b = tf.randomNormal(s.tb ? [s.batch, s.n, s.k] : [s.batch, s.k, s.n]);
  const repeat = (reps: number) => cpuMs(() => {
    for (let i = 0; i < reps; i++) tf.matMul(a, b, s.ta, s.tb).dispose();
  });
  let reps = 1;
  while (repeat(reps) < 5) reps *= 2;
  const best = Math.min(...Array.from({ length: 5 }, () => repeat(reps))) / reps;
  tf.dispose([a, b]);
  return best;
}

/**
 * GB/s of a copy between two 4 MB Float32Arrays (about a d = 2, R = 24 group's [R, B, h] arrays), hot in cache, bytes read
 * plus bytes written: the best of 7 timings of 50 copies. What an element-wise pass over such arrays costs at best.
 */
function copyRate(): number {
  const n = 1 << 20;
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  const times = Array.from({ length: 8 }, () => cpuMs(() => {
    for (let i = 0; i < 50; i++) dst.set(src);
  }));
  return (50 * 2 * 4 * n) / (Math.min(...times.slice(1)) * 1e6);
}

interface Measured {
  readonly runs: number;
  readonly msPerOuter: number;
  readonly flops: number;
  readonly otherCalls: number;
  readonly products: number;
  readonly otherBytes: number;
  readonly shapes: readonly ProductShape[];
}

function measure(config: TrainConfig, runs: number): Measured {
  return withGroupStepper([config], runs, (outer) => {
    // Warm-up as the cost model's (timeGroup): at least 3 iterations, more while they take under 1 s of CPU (the
    // first workload of the process also pays for the JIT of the loop's JavaScript).
    const w0 = process.cpuUsage();
    for (let k = 0; k < 20; k++) {
      outer();
      const c = process.cpuUsage(w0);
      if (k >= 2 && c.user + c.system > 1_000_000) break;
    }
    const count = countProducts(outer);
    const times = Array.from({ length: 7 }, () => cpuMs(outer));
    return { runs, msPerOuter: median(times), ...count };
  });
}

(async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const gflops = sgemmRate();
  const dispatchUs = dispatchMicros();
  const copyGBs = copyRate();
  console.log(`sgemm: ${gflops.toFixed(1)} GFLOP/s (1024³, one BLAS thread); one kernel call: ${dispatchUs.toFixed(2)} µs of engine work; copy: ${copyGBs.toFixed(1)} GB/s (4 MB, in cache, read + write)`);
  const diotm = getExperiment('diotm-table3').cells('paper').find((c) => c.config.method === 'diotm' && c.config.diotm?.regularizer === 'hjb');
  if (!diotm) throw new Error('diotm-table3 has no HJB cell at the paper scale');
  // The issue's goals, each as "R runs at most this many ms per run per outer iteration", given the single run.
  const tenHours = 10 * 3600 * 1000;
  const goals = [
    { name: 'OTM d = 2, h = 256', config: resolveConfig({ method: 'otm', pair: 'one-to-many', dim: 2 }), R: 24, goal: (one: number) => one / 10, says: 'R = 24 at 1/10 of one run' },
    { name: 'OTM d = 16, h = 1024', config: resolveConfig({ method: 'otm', pair: 'one-to-many', dim: 16 }), R: 3, goal: (one: number) => one / 2, says: 'R = 3 at 1/2 of one run' },
    { name: 'DIOTM 2-D (HJB), 36 cells', config: diotm.config, R: 1, goal: () => tenHours / (36 * diotm.config.iterations), says: '36 runs × 120K in 10 h' },
    { name: 'DIOTM 2-D (HJB), 108 runs', config: diotm.config, R: 1, goal: () => tenHours / (108 * diotm.config.iterations), says: "the sweep's 36 settings × 3 seeds in 10 h" },
  ];
  const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1).padStart(7);
  console.log(`\n${'workload'.padEnd(28)} ${'R'.padStart(3)} ${'MFLOP/run'.padStart(10)} ${'calls'.padStart(6)} ${'ms/run'.padStart(7)} ${'floor:prod'.padStart(10)} ${'shapes'.padStart(7)} ${'+calls'.padStart(7)} ${'+bytes'.padStart(7)} ${'goal'.padStart(7)}  goal`);
  for (const g of goals) {
    const one = measure(g.config, 1);
    const group = g.R > 1 ? measure(g.config, g.R) : one;
    const target = g.goal(one.msPerOuter);
    for (const m of g.R > 1 ? [one, group] : [one]) {
      const perRunFlops = m.flops / m.runs;
      const productFloor = perRunFlops / (gflops * 1e6);
      const shapeMs = m.shapes.map(productMs);
      const shapeFloor = m.shapes.reduce((sum, s, i) => sum + s.calls * shapeMs[i], 0) / m.runs;
      if (process.argv.includes('--shapes'))
        m.shapes.forEach((s, i) => console.log(`  ${g.name}, R = ${m.runs}: ${s.batch} × [${s.m}, ${s.k}]·[${s.k}, ${s.n}]${s.ta ? ' (a transposed)' : ''}${s.tb ? ' (b transposed)' : ''}, ${s.calls} calls: ${(shapeMs[i] * 1000).toFixed(0)} µs each, ${(shapeFlops(s) / (shapeMs[i] * 1e6)).toFixed(1)} GFLOP/s`));
      const callFloor = shapeFloor + (m.otherCalls * dispatchUs) / 1000 / m.runs;
      const byteFloor = callFloor + m.otherBytes / (copyGBs * 1e6) / m.runs;
      const isGoalRow = m === group;
      console.log(
        `${g.name.padEnd(28)} ${String(m.runs).padStart(3)} ${(perRunFlops / 1e6).toFixed(1).padStart(10)} ${String(m.otherCalls).padStart(6)} ${ms(m.msPerOuter / m.runs)} ${ms(productFloor)} ${ms(shapeFloor)} ${ms(callFloor)} ${ms(byteFloor)} ${isGoalRow ? ms(target) : ''.padStart(7)}  ${isGoalRow ? `${g.says}: ${target < productFloor / 2 ? 'below the products alone on both cores' : target < productFloor ? 'below the products alone on one core' : target < shapeFloor ? "below this machine's products at their shapes" : target < callFloor ? "below today's op count at the dispatch cost" : target < byteFloor ? "below today's passes over memory at the copy rate" : 'above every floor'}` : ''}`,
      );
    }
  }
  console.log('\nms/run: CPU ms per run per outer iteration (median of 7); floor:prod: the products at the sgemm rate; shapes: each product timed alone at its shape, hot in cache; +calls: that plus the other kernel calls at the dispatch cost; +bytes: that plus their bytes at the copy rate.');
})();
