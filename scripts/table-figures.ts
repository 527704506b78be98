/**
 * The figures of OTP Tables 1, 3 and 4 from whatever runs exist (results/ first, then the runs shipped in
 * data/runs), beside the published values (data/paper): how a report fills the typed inputs of lib/plots'
 * table1Figure, table3Figure and table4Figure from its cells.
 *
 *   node --import tsx scripts/table-figures.ts [--scale paper|quick|smoke] [--out DIR]
 *
 * With a fresh clone and --scale paper (the default) Table 1 shows the 18 paper-scale cells shipped in data/runs;
 * tables with no runs at that scale are skipped with a line saying so. Writes DIR/<table>.{png,svg,html}
 * (default figures/tables).
 */
import { join } from 'node:path';
import { UserError } from '../lib/errors';
import { isScale, type Scale } from '../lib/experiments/scale';
import { loadPublished, publishedValue, type PublishedTable } from '../lib/experiments/published';
import { readResults, type CellResult } from '../lib/experiments/sweep';
import { paths } from '../lib/paths';
import { closeBrowser, save, table1Figure, table3Figure, table4Figure, type Table1Floor, type Table1Point, type Table3Point, type Table4Point } from '../lib/plots';

const PAIR_TITLES: Readonly<Record<string, string>> = { perpendicular: 'Perpendicular', 'one-to-many': 'One-to-Many' };

function args(): { scale: Scale; out: string } {
  const a = process.argv.slice(2);
  let scale: Scale = 'paper';
  let out = join(paths.figures(), 'tables');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--scale' && isScale(a[i + 1] ?? '')) scale = a[++i] as Scale;
    else if (a[i] === '--out' && a[i + 1]) out = a[++i];
    else throw new UserError(`table-figures: argument '${a[i]}' is not allowed; use --scale paper|quick|smoke and --out DIR`);
  }
  return { scale, out };
}

/** A cell's runs grouped over seeds: finished runs only (a diverged seed has no metric to draw). */
function bySeeds(results: readonly CellResult[], factors: readonly string[]): Map<string, CellResult[]> {
  const groups = new Map<string, CellResult[]>();
  for (const r of results) {
    if (r.status !== 'completed' || !r.metrics) continue;
    const key = factors.map((f) => String(r.factors[f])).join('|');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return groups;
}

const paperOf = (table: PublishedTable, where: Record<string, string | number>, metric: string): number | null => {
  const v = publishedValue(table, where, metric);
  return typeof v === 'number' ? v : null;
};

function read(experiment: string, scale: Scale): CellResult[] {
  return readResults(experiment, scale, [join(paths.results(), experiment, scale), join(paths.shippedRuns(), experiment, scale)]);
}

function table1(scale: Scale): { points: Table1Point[]; floors: Table1Floor[] } {
  const published = loadPublished('otp-table1');
  const points: Table1Point[] = [];
  const floors: Table1Floor[] = [];
  for (const runs of bySeeds(read('table1', scale), ['method', 'pair', 'dim']).values()) {
    const { method, pair, dim } = runs[0].factors;
    const where = { method: String(method), pair: String(pair), dim: Number(dim) };
    points.push({ method: where.method, pair: PAIR_TITLES[where.pair] ?? where.pair, dim: where.dim, metric: 'D_target', ours: runs.map((r) => r.metrics?.dTarget ?? NaN), paper: paperOf(published, where, 'dTarget') });
    points.push({ method: where.method, pair: PAIR_TITLES[where.pair] ?? where.pair, dim: where.dim, metric: 'D_cost', ours: runs.flatMap((r) => (r.metrics?.dCost !== undefined ? [r.metrics.dCost] : [])), paper: paperOf(published, where, 'dCost') });
    if (where.method === 'OTP') floors.push({ pair: PAIR_TITLES[where.pair] ?? where.pair, dim: where.dim, values: runs.flatMap((r) => (r.metrics?.floor !== undefined ? [r.metrics.floor] : [])) });
  }
  return { points, floors };
}

function table3(scale: Scale): Table3Point[] {
  const published = loadPublished('otp-table3');
  return [...bySeeds(read('table3', scale), ['method', 'pair', 'dim']).values()].map((runs) => {
    const where = { method: String(runs[0].factors.method), pair: String(runs[0].factors.pair), dim: Number(runs[0].factors.dim) };
    return { method: where.method, pair: PAIR_TITLES[where.pair] ?? where.pair, dim: where.dim, ours: runs.map((r) => r.metrics?.dTarget ?? NaN), paper: paperOf(published, where, 'dTarget') };
  });
}

function table4(scale: Scale): Table4Point[] {
  const published = loadPublished('otp-table4');
  // Our solver without smoothing is compared with MMv2:R, the closest published one (as the report does).
  const paperName = (method: string) => (method === 'OTP' ? 'OTP' : 'MMv2:R');
  return [...bySeeds(read('table4', scale), ['method', 'dim']).values()].map((runs) => {
    const method = String(runs[0].factors.method);
    const dim = Number(runs[0].factors.dim);
    return { method: method === 'OTP' ? 'OTP' : `${method} [paper: MMv2:R]`, dim, ours: runs.flatMap((r) => (r.metrics?.l2uvp !== undefined ? [r.metrics.l2uvp] : [])), paper: paperOf(published, { method: paperName(method), dim }, 'l2uvp') };
  });
}

async function main(): Promise<void> {
  const { scale, out } = args();
  const t1 = table1(scale);
  const jobs: Array<[string, () => ReturnType<typeof table1Figure> | null]> = [
    ['table1', () => (t1.points.length ? table1Figure(t1.points, t1.floors, `OTP Table 1, ${scale} scale`) : null)],
    ['table3', () => (table3(scale).length ? table3Figure(table3(scale), t1.floors, `OTP Table 3, ${scale} scale`) : null)],
    ['table4', () => (table4(scale).length ? table4Figure(table4(scale), `OTP Table 4, ${scale} scale`) : null)],
  ];
  for (const [name, build] of jobs) {
    const fig = build();
    if (!fig) {
      process.stdout.write(`${name}: no finished runs at the ${scale} scale in results/ or data/runs; skipped\n`);
      continue;
    }
    const files = await save(fig, `${name}-${scale}`, { dir: out });
    process.stdout.write(`${name}: ${Object.values(files).join(', ')}\n`);
  }
  await closeBrowser();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof UserError ? e.message : String(e)}\n`);
  process.exit(e instanceof UserError ? 2 : 1);
});
