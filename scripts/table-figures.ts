/**
 * The figures of OTP Tables 1, 3 and 4 from whatever runs exist (results/ first, then the runs shipped in
 * data/runs), beside the published values (data/paper): the figure each table's report draws from its own rows
 * (lib/reports/table1.ts, table3.ts, table4.ts), saved without the rest of the report.
 *
 *   node --import tsx scripts/table-figures.ts [--scale paper|quick|smoke] [--out DIR]
 *
 * With a fresh clone and --scale paper (the default) Table 1 shows the paper-scale cells shipped in data/runs;
 * tables with no finished runs at that scale are skipped with a line saying so. Writes DIR/<table>-<scale>.{png,svg,html}
 * (default figures/tables).
 */
import { join } from 'node:path';
import { UserError } from '../lib/errors';
import { isScale, type Scale } from '../lib/experiments/scale';
import { paths } from '../lib/paths';
import { closeBrowser, save } from '../lib/plots';
import { buildReport } from '../lib/reports';

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

async function main(): Promise<void> {
  const { scale, out } = args();
  for (const table of ['table1', 'table3', 'table4']) {
    const report = await buildReport(table, scale);
    const figure = report.figures.find((f) => f.name === `${table}-figure`);
    if (!figure || !report.tables[0]?.rows.some((r) => r.ours.length > 0)) {
      process.stdout.write(`${table}: no finished runs at the ${scale} scale in results/ or data/runs; skipped\n`);
      continue;
    }
    const files = await save(figure.figure, `${table}-${scale}`, { dir: out });
    process.stdout.write(`${table}: ${Object.values(files).join(', ')}\n`);
  }
  await closeBrowser();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof UserError ? e.message : String(e)}\n`);
  process.exit(e instanceof UserError ? 2 : 1);
});
