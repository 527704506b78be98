/**
 * The import graph of lib/: which file imports which, by layer. `node --import tsx scripts/import-graph.ts` prints
 * the arrows between folders and every violation of the layering (tests/architecture/import-graph.test.ts asserts
 * there are none).
 *
 * Layers, bottom to top (../shared/DESIGN.md, docs/CONVENTIONS.md): a file may import its own layer and those below.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const LAYERS: ReadonlyArray<{ readonly name: string; readonly members: readonly string[] }> = [
  { name: 'ground', members: ['errors.ts', 'points.ts', 'linalg.ts', 'paths.ts', 'versions.ts', 'runs.ts', 'random', 'backend'] },
  { name: 'model', members: ['data', 'costs', 'nets', 'schedules'] },
  { name: 'solve', members: ['solvers', 'metrics', 'ot'] },
  { name: 'experiment', members: ['experiments'] },
  { name: 'judge and show', members: ['verdicts', 'reports', 'plots', 'tables'] },
  { name: 'outside', members: ['book', 'cli'] },
];

/** The package's export file sits above everything and imports every folder but the command line. */
const EXPORT_FILE = 'index.ts';

export interface Arrow {
  readonly from: string;
  readonly to: string;
}

const LIB = resolve(__dirname, '..', 'lib');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const c of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(c)) return c;
  return null;
}

/** Every relative import (static, dynamic, re-export, require) between files of lib/, as paths relative to lib/. */
export function importArrows(): Arrow[] {
  const arrows: Arrow[] = [];
  for (const file of walk(LIB)) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g)) {
      const target = resolveImport(file, m[1]);
      if (target) arrows.push({ from: relative(LIB, file), to: relative(LIB, target) });
    }
  }
  return arrows;
}

/** The unit of a file: its top folder (e.g. 'solvers'), or the file itself at the top of lib/. */
export function unitOf(path: string): string {
  return path.split('/')[0];
}

export function layerOf(path: string): number {
  const unit = unitOf(path);
  const i = LAYERS.findIndex((l) => l.members.includes(unit));
  if (i < 0) throw new Error(`lib/${path}: its folder '${unit}' belongs to no layer; add it to LAYERS in scripts/import-graph.ts`);
  return i;
}

/** Arrows from a lower layer to a higher one, and imports of lib/cli from outside it. */
export function layerViolations(arrows: readonly Arrow[]): string[] {
  const out: string[] = [];
  for (const a of arrows) {
    if (a.from === EXPORT_FILE) {
      if (unitOf(a.to) === 'cli') out.push(`lib/${a.from} → lib/${a.to}: the export file must not import the command line`);
      continue;
    }
    const [lf, lt] = [layerOf(a.from), layerOf(a.to)];
    if (unitOf(a.to) === 'cli' && unitOf(a.from) !== 'cli') out.push(`lib/${a.from} → lib/${a.to}: only lib/cli and bin/ may import lib/cli`);
    else if (lt > lf) out.push(`lib/${a.from} (${LAYERS[lf].name}) → lib/${a.to} (${LAYERS[lt].name}): imports a higher layer`);
  }
  return out;
}

/** Cycles in a directed graph given as arrows (each cycle once, as a path that returns to its start). */
export function cycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) if (a !== b) next.set(a, [...(next.get(a) ?? []), b]);
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of next.keys()) if (!state.has(n)) visit(n);
  return found;
}

function main(): void {
  const arrows = importArrows();
  const between = new Map<string, number>();
  for (const a of arrows) {
    const k = `${unitOf(a.from)} → ${unitOf(a.to)}`;
    if (unitOf(a.from) !== unitOf(a.to)) between.set(k, (between.get(k) ?? 0) + 1);
  }
  for (const [k, n] of [...between].sort()) process.stdout.write(`${k} (${n})\n`);
  const problems = [
    ...layerViolations(arrows),
    ...cycles(arrows.map((a) => [a.from, a.to] as const)).map((c) => `file cycle: ${c.join(' → ')}`),
    ...cycles(arrows.filter((a) => a.from !== EXPORT_FILE).map((a) => [unitOf(a.from), unitOf(a.to)] as const)).map((c) => `folder cycle: ${c.join(' → ')}`),
  ];
  process.stdout.write(problems.length ? `\n${problems.length} problems:\n${problems.join('\n')}\n` : '\nno layer violations, no cycles\n');
  process.exitCode = problems.length ? 1 : 0;
}

if (require.main === module) main();
