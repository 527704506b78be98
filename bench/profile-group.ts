// Time per kernel of one batched group of a sweep cell, as the cost model times it (timeGroup: warm-up, then the
// median of a few outer iterations), plus the output-buffer pool's counters. This is how issue 15's profile was read
// (bench/README.md):
//
//   node --import tsx bench/profile-group.ts EXPERIMENT CELL_INDEX R     e.g. table1 0 24, diotm-table3 80 1
//
// For where the time goes below the kernels (OpenBLAS's own functions, the native loops), run the same command under
// `perf record -F 1000 -D 4000 node --perf-basic-prof …` and read it with `perf report --sort dso,sym`.
import { selectBackend } from '../lib/backend';
import { nativePool } from '../lib/backend/kernels/native';
import { timeGroup } from '../lib/experiments/estimate';
import { getExperiment } from '../lib/experiments/registry';
import { profileKernelsAsync } from './profile';

(async () => {
  const [experiment = 'table1', index = '0', runs = '1'] = process.argv.slice(2);
  await selectBackend({ force: 'cpu', announce: false });
  const cell = getExperiment(experiment).cells('paper')[Number(index)];
  if (!cell) throw new Error(`${experiment} has no cell ${index} at the paper scale`);
  let msPerOuter = 0;
  const times = await profileKernelsAsync(async () => (msPerOuter = await timeGroup([cell.config], Number(runs))));
  const total = times.reduce((s, e) => s + e.ms, 0);
  console.log(`${cell.id}, group of ${runs}: ${msPerOuter.toFixed(1)} ms CPU per outer iteration (timeGroup); ${total.toFixed(0)} ms in kernels over the whole timing`);
  for (const e of times.slice(0, 20)) console.log(`${e.kernel.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms ${String(e.calls).padStart(7)} calls ${((e.ms / e.calls) * 1000).toFixed(1).padStart(8)} µs/call`);
  const { taken, reused } = nativePool.stats;
  console.log(`output-buffer pool: ${reused} of ${taken} native outputs reused`);
})();
