#!/usr/bin/env node
// Runs every tests/**/*.test.ts with node's built-in test runner through tsx.
// OTBOOK_TEST_FILTER=substring runs only matching files.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const filter = process.env.OTBOOK_TEST_FILTER ?? '';
const files = walk('tests').filter((f) => f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no test files match '${filter}'`);
  process.exit(1);
}
console.log(`running ${files.length} test files: ${files.map((f) => relative('tests', f)).join(' ')}`);
const t0 = Date.now();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
console.log(`tests finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(r.status ?? 1);
