// Issue 15's two ratio goals (bench/README.md): R = 1 against R = 24 at d = 2, h = 256 and R = 1 against R = 3 at
// d = 16, h = 1024, by the sweeps' cost-model clock (timeGroup: CPU ms per outer iteration), interleaved in one
// process so that both sides of each ratio see the same load. `node --import tsx bench/goals.ts [repeats]`.
import { selectBackend } from '../lib/backend';
import { resolveConfig } from '../lib/experiments/defaults';
import { timeGroup } from '../lib/experiments/estimate';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
(async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const shapes = [
    { name: 'd=2/h=256', config: resolveConfig({ method: 'otm', pair: 'one-to-many', dim: 2 }), R: 24 },
    { name: 'd=16/h=1024', config: resolveConfig({ method: 'otm', pair: 'one-to-many', dim: 16 }), R: 3 },
  ];
  const t: Record<string, number[]> = {};
  const repeats = Math.max(1, Number(process.argv[2] ?? 5));
  for (let rep = 0; rep < repeats; rep++) {
    for (const s of shapes) {
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
  }
})();
