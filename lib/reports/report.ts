import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Verdict } from '../verdicts/types';
import type { Scale } from '../experiments/scale';
import type { PointCloud } from '../points';
import type { RunSamples } from '../experiments/evaluate';
import type { CellResult } from '../experiments/sweep';
import type { Evidence } from '../verdicts/evidence';
import type { EvidenceLevel } from '../experiments/scale';
import { transportTraces, type Figure, type Panel } from '../plots';
import { comparisonTable, tableText, COMPARISON_DISPLAY, type ComparisonRow } from '../tables';
import { repoRoot } from '../paths';

/** A result table: paper beside ours, one row per (cell, metric). */
export interface ReportTable {
  readonly name: string;
  readonly caption: string;
  readonly rows: readonly ComparisonRow[];
}

export interface ReportFigure {
  readonly name: string;
  readonly caption: string;
  readonly figure: Figure;
}

/**
 * What a report is built from. `results` are the runs of the scale asked for (the tables' "ours" column and
 * the figures); `evidence` holds every level's runs, from which the verdicts take the strongest present.
 */
export interface ReportInput {
  readonly scale: Scale;
  readonly results: readonly CellResult[];
  readonly evidence: Evidence;
  /**
   * Judge the claims on these levels only (`otbook report --level`); every level is still read, so that a reduced
   * level's agreement with the paper level can be measured. Undefined: all levels.
   */
  readonly levels?: readonly EvidenceLevel[];
  /** Where runs without a recorded folder live (samples for figures); null when only metrics are read. */
  readonly resultsDir: string | null;
}

/** An experiment's report, registered with it (lib/reports/index.ts lists them). */
export interface ExperimentReport {
  /** The experiment (lib/experiments/registry.ts) whose runs it reads, or the report's own name when it reads none. */
  readonly experiment: string;
  /** False for a report computed without training runs (OTP Fig. 1): no evidence is read for it. */
  readonly readsRuns?: boolean;
  build(input: ReportInput): Report | Promise<Report>;
}

/** What a notebook shows and `otbook report` prints: tables, figures and verdicts on the paper's claims. */
export interface Report {
  readonly experiment: string;
  readonly scale: Scale;
  readonly tables: readonly ReportTable[];
  readonly figures: readonly ReportFigure[];
  readonly verdicts: readonly Verdict[];
  /** What the reader must know to read the numbers (sample sizes, departures from the paper). */
  readonly notes: readonly string[];
  /** The settings changed from the registered cells', in words (lib/experiments/settings.ts); absent when none. */
  readonly settings?: string;
}

/** The folder of a run: an evidence run's own path, else `from`/<id>, else <fallback>/<id>; null when unknown. */
export function runFolder(r: CellResult, fallback: string | null = null): string | null {
  if ('path' in r && typeof r.path === 'string' && r.status !== 'missing') return join(repoRoot(), r.path);
  if (r.from) return join(r.from, r.id);
  return fallback ? join(fallback, r.id) : null;
}

/** The figure columns of a finished cell (samples.json), as point clouds in those columns. */
export interface CellSamples {
  readonly columns: readonly number[];
  readonly x: PointCloud;
  readonly smoothed?: PointCloud;
  readonly transported: PointCloud;
  readonly target: PointCloud;
}

function cloud(rows: number[][]): PointCloud {
  const d = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(r, i * d));
  return { n: rows.length, d, data };
}

/** samples.json of a run's folder (runFolder), or null when it has none (not run, or shipped without samples). */
export function loadCellSamples(run: CellResult | undefined, fallbackDir: string | null = null): CellSamples | null {
  const dir = run && run.status === 'completed' ? runFolder(run, fallbackDir) : null;
  const f = dir ? join(dir, 'samples.json') : '';
  if (!dir || !existsSync(f)) return null;
  const s = JSON.parse(readFileSync(f, 'utf8')) as RunSamples;
  return {
    columns: s.columns,
    x: cloud(s.x),
    smoothed: s.smoothed ? cloud(s.smoothed) : undefined,
    transported: cloud(s.transported),
    target: cloud(s.target),
  };
}

/**
 * A panel of x (blue), y (orange), x̃ (green, OTP) and T(x) (red) with segments x → T(x), in two of the
 * data's coordinates (0-based, in the data's own numbering; App. E.1's 'axes 1 and 33' at d = 64 are [0, 32]).
 */
export function transportPanel(s: CellSamples | null, title: string, axes: readonly [number, number] = [0, 1], segments = 60): Panel {
  if (!s) return { title: `${title} (not run)`, traces: [] };
  const a = s.columns.indexOf(axes[0]);
  const b = s.columns.indexOf(axes[1]);
  if (a < 0 || b < 0) return { title: `${title} (axes ${axes.join(', ')} not kept)`, traces: [] };
  const traces = transportTraces(
    { source: s.x, target: s.target, mapped: s.transported, noised: s.smoothed },
    { axes: [a, b], segments, maxPoints: 600, showlegend: true },
  );
  return { title, traces, xTitle: `x[${axes[0] + 1}]`, yTitle: `x[${axes[1] + 1}]` };
}

export function cellById(results: readonly CellResult[], id: string): CellResult | undefined {
  return results.find((r) => r.id === id);
}

/** Runs listed by folder: 'data/runs/table1/paper: d16-one-to-many-otm-s0, d16-one-to-many-otm-s1'. */
export function formatRuns(runs: readonly string[]): string {
  const by = new Map<string, string[]>();
  for (const r of runs) {
    const dir = dirname(r);
    by.set(dir, [...(by.get(dir) ?? []), basename(r)]);
  }
  return [...by].map(([dir, names]) => `${dir}: ${names.join(', ')}`).join('; ') || 'none';
}

/** The verdict's headline: 'INCONCLUSIVE (within noise), paper level'. */
export function verdictHeadline(v: Verdict): string {
  return `${v.verdict.toUpperCase()}${v.reason && v.verdict === 'inconclusive' ? ` (${v.reason})` : ''}${v.level ? `, ${v.level} level` : ''}`;
}

/** A verdict as text: the word, the level, the test, each cell's numbers and the runs used. */
export function verdictText(v: Verdict): string {
  const lines = [`• ${verdictHeadline(v)}: ${v.claim}`, `  coverage: ${v.coverage}`];
  if (v.verdict === 'not run' && v.reason) lines.push(`  why: ${v.reason}`);
  if (v.paper) lines.push(`  paper: ${v.paper}`);
  lines.push(`  test: ${v.test}`);
  for (const c of v.cells) {
    lines.push(`  - ${c.cell}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''}${c.level ? `, ${c.level} level` : ''}`);
    if (c.ours && c.ours !== '—') lines.push(`    ours: ${c.ours}`);
    // A cell not run says why where it shows numbers (one side ran); otherwise its line already says it all.
    if (c.verdict !== 'not run' || (c.ours && c.ours !== '—')) lines.push(`    ${c.test}`);
  }
  lines.push(`  runs used: ${formatRuns(v.runs)}`);
  return lines.join('\n');
}

/** The report as text (the `otbook report` command). */
export function reportText(report: Report): string {
  const parts = [`${report.experiment} (tables: scale ${report.scale}; verdicts: the strongest evidence level present per cell)`];
  for (const t of report.tables) parts.push(`\n${t.caption}\n${t.rows.length ? tableText(comparisonTable(t.rows), { columns: COMPARISON_DISPLAY }) : '(no rows)'}`);
  parts.push('\nVerdicts (docs/VERDICTS.md gives the rule):');
  for (const v of report.verdicts) parts.push(verdictText(v));
  if (report.notes.length) parts.push(`\nNotes:\n${report.notes.map((n) => `- ${n}`).join('\n')}`);
  return `${parts.join('\n')}\n`;
}
