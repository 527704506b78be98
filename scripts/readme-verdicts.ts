/**
 * Rewrites the generated sections of README.md (the table of verdicts) and data/runs/README.md (the shipped runs'
 * wall times) from committed files only: data/paper and the runs shipped in data/runs.
 *
 *   node --import tsx scripts/readme-verdicts.ts           # rewrite both
 *   node --import tsx scripts/readme-verdicts.ts --check   # exit 1 if either is out of date
 *
 * Run it after shipping runs (data/runs) or changing a claim; tests/verdicts/readme-verdicts.test.ts checks it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths, repoRoot } from '../lib/paths';
import { buildReport, reportNames } from '../lib/reports';
import { README_EVIDENCE, replaceMarked, verdictTableMarkdown, wallTimesMarkdown } from '../lib/reports/readme';

export async function generated(): Promise<Array<{ file: string; text: string }>> {
  const readme = join(repoRoot(), 'README.md');
  const runs = join(paths.shippedRuns(), 'README.md');
  const table = await verdictTableMarkdown((name) => buildReport(name, 'paper', null, README_EVIDENCE), reportNames());
  return [
    { file: readme, text: replaceMarked(readFileSync(readme, 'utf8'), 'verdicts', table) },
    { file: runs, text: replaceMarked(readFileSync(runs, 'utf8'), 'wall-times', wallTimesMarkdown()) },
  ];
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { file, text } of await generated()) {
    if (readFileSync(file, 'utf8') === text) continue;
    stale++;
    if (check) process.stderr.write(`${file}: its generated section is out of date; run node --import tsx scripts/readme-verdicts.ts\n`);
    else writeFileSync(file, text);
  }
  if (check && stale) process.exitCode = 1;
}

if (require.main === module) void main();
