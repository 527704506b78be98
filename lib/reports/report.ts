import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../verdicts/types';
import type { Scale } from '../experiments/scale';
import type { PointCloud } from '../points';
import type { RunSamples } from '../experiments/evaluate';
import type { CellResult } from '../experiments/sweep';
import { transportTraces, type Figure, type Panel } from '../plots';
import { comparisonTable, tableText, COMPARISON_DISPLAY, type ComparisonRow } from '../tables';

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

/** What a notebook shows and `otbook report` prints: tables, figures and verdicts on the paper's claims. */
export interface Report {
  readonly experiment: string;
  readonly scale: Scale;
  readonly tables: readonly ReportTable[];
  readonly figures: readonly ReportFigure[];
  readonly verdicts: readonly Verdict[];
  /** What the reader must know to read the numbers (sample sizes, departures from the paper). */
  readonly notes: readonly string[];
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

export function loadCellSamples(resultsDir: string, cellId: string): CellSamples | null {
  const f = join(resultsDir, cellId, 'samples.json');
  if (!existsSync(f)) return null;
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

/** The report as text (the `otbook report` command). */
export function reportText(report: Report): string {
  const parts = [`${report.experiment} (scale ${report.scale})`];
  for (const t of report.tables) parts.push(`\n${t.caption}\n${tableText(comparisonTable(t.rows), { columns: COMPARISON_DISPLAY })}`);
  parts.push('\nVerdicts:');
  for (const v of report.verdicts) parts.push(`• ${v.verdict.toUpperCase()}: ${v.claim}\n  ${v.detail}`);
  if (report.notes.length) parts.push(`\nNotes:\n${report.notes.map((n) => `- ${n}`).join('\n')}`);
  return `${parts.join('\n')}\n`;
}
