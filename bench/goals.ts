// Issue 15's two ratio goals (bench/README.md): R = 1 against R = 24 at d = 2, h = 256 and R = 1 against R = 3 at
// d = 16, h = 1024, by the sweeps' cost-model clock (timeGroup: CPU ms per outer iteration), interleaved in one
// process so that both sides of each ratio see the same load.
//
//   node --import tsx bench/goals.ts [repeats] [--baseline DIR]
//
// --baseline DIR adds "today's single run" of the issue: the same outer iteration (App. E.1's OTM on One-to-Many,
// bench/solver.ts) in a checkout of the commit before batching (a618daa), with its own native build, timed by the
// same clock in a child process between the repeats here, beside this checkout's bench/solver.ts timed the same way.
// The child harness reads about 1.4× the in-process time for the same code (measured with DIR = this checkout), so
// the goal's ratio is chained from two like-for-like ratios: baseline / this tree (both in children), times this
// tree's R = 1 / R (both in process). Make the baseline checkout with
//   git worktree add /tmp/otbook-a618daa a618daa && cd /tmp/otbook-a618daa && ln -s <this checkout>/node_modules && node native/build.js
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { selectBackend } from '../lib/backend';
import { resolveConfig } from '../lib/experiments/defaults';
import { timeGroup } from '../lib/experiments/estimate';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** CPU ms per outer iteration of bench/solver.ts in `dir` (warm-up and repeats as timeGroup's). */
function baselineMs(dir: string, d: number, h: number): number {
  const script = `
    const { selectBackend } = require('./lib/backend');
    const { SOLVER } = require('./bench/solver');
    const { benchConfig } = require('./bench/configs');
    (async () => {
      await selectBackend({ force: 'cpu', announce: false });
      const run = SOLVER.create(benchConfig(${d}, ${h}), 0);
      const w0 = process.cpuUsage();
      for (let k = 0; k < 10; k++) { run.outer(); const c = process.cpuUsage(w0); if (k >= 1 && c.user + c.system > 500000) break; }
      const times = []; const t0 = performance.now();
      while (times.length < 3 || (times.length < 8 && performance.now() - t0 < 2000)) {
        const s = process.cpuUsage(); run.outer(); const c = process.cpuUsage(s); times.push((c.user + c.system) / 1000);
      }
      times.sort((p, q) => p - q);
      process.stdout.write(String(times[times.length >> 1]));
      run.dispose();
    })();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: dir, encoding: 'utf8' });
  const ms = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`baseline in ${dir} failed: ${r.stderr.slice(-400)}`);
  return ms;
}

(async () => {
  const args = process.argv.slice(2);
  const at = args.indexOf('--baseline');
  const baseline = at >= 0 ? path.resolve(args[at + 1] ?? '') : null;
  if (at >= 0) args.splice(at, 2);
  await selectBackend({ force: 'cpu', announce: false });
  const shapes = [
    { name: 'd=2/h=256', d: 2, h: 256, config: resolveConfig({ method: 'otm', pair: 'one-to-many', dim: 2 }), R: 24 },
    { name: 'd=16/h=1024', d: 16, h: 1024, config: resolveConfig({ method: 'otm', pair: 'one-to-many', dim: 16 }), R: 3 },
  ];
  const t: Record<string, number[]> = {};
  const repeats = Math.max(1, Number(args[0] ?? 5));
  for (let rep = 0; rep < repeats; rep++) {
    for (const s of shapes) {
      if (baseline) {
        (t[`${s.name} base`] ??= []).push(baselineMs(baseline, s.d, s.h));
        (t[`${s.name} here`] ??= []).push(baselineMs(process.cwd(), s.d, s.h));
      }
      for (const R of [1, s.R]) {
        const ms = await timeGroup([s.config], R);
        (t[`${s.name} R=${R}`] ??= []).push(ms / R);
      }
    }
    process.stderr.write(`rep ${rep + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, +v[v.length - 1].toFixed(2)])))}\n`);
  }
  for (const s of shapes) {
    const one = t[`${s.name} R=1`], many = t[`${s.name} R=${s.R}`];
    const ratios = one.map((o, i) => o / many[i]);
    console.log(`${s.name}: per run per outer, R=1 median ${median(one).toFixed(2)} ms, R=${s.R} median ${median(many).toFixed(2)} ms; ratio per rep ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ratio ${median(ratios).toFixed(2)}`);
    const base = t[`${s.name} base`], here = t[`${s.name} here`];
    if (base && here) {
      const oldOverNew = base.map((b, i) => b / here[i]);
      const chained = oldOverNew.map((r, i) => r * ratios[i]);
      console.log(`  baseline (${baseline}) single run ${median(base).toFixed(2)} ms against this tree's ${median(here).toFixed(2)} ms by the same child harness: ratio per rep ${oldOverNew.map((r) => r.toFixed(2)).join(', ')} (median ${median(oldOverNew).toFixed(2)}); the goal's ratio, baseline single run / this tree's R=${s.R} per run, chained: ${chained.map((r) => r.toFixed(2)).join(', ')} (median ${median(chained).toFixed(2)})`);
    }
  }
})();
