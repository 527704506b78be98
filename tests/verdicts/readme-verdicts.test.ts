import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generated } from '../../scripts/readme-verdicts';
import { replaceMarked } from '../../lib/reports/readme';

// Building every report once (Fig. 1's Monte Carlo check takes most of the time): both tests read the same result.
const regenerated = generated();

test("the README's verdict table and data/runs/README.md's wall times are what the shipped runs give now", async () => {
  for (const { file, text } of await regenerated) {
    assert.equal(readFileSync(file, 'utf8'), text, `${file} is out of date: run node --import tsx scripts/readme-verdicts.ts`);
  }
});

test('the README table uses the four words only, and names an evidence level for every claim that was run', async () => {
  const readme = (await regenerated)[0].text;
  const section = readme.slice(readme.indexOf('<!-- verdicts:start -->'), readme.indexOf('<!-- verdicts:end -->'));
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| report') && !l.startsWith('|---'));
  assert.ok(rows.length >= 20, `${rows.length} rows`);
  for (const row of rows) {
    const [, , word, evidence] = row.split(' | ');
    assert.match(word, /^\*\*(reproduced|not reproduced|inconclusive \([^)]+\)|not run)\*\*$/, row);
    if (!word.includes('not run')) assert.match(evidence, /^(paper|reduced|quick) level; /, row);
  }
});

test('replaceMarked rewrites only between its markers, and refuses a text without them', () => {
  assert.equal(replaceMarked('a\n<!-- x:start -->\nold\n<!-- x:end -->\nb', 'x', 'new'), 'a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb');
  assert.throws(() => replaceMarked('no markers', 'x', 'new'), /no section <!-- x:start -->/);
});
