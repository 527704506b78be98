import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of the loss log: values at a logged iteration (map terms averaged over its K_T steps). */
export interface LogRow {
  readonly iteration: number;
  readonly seconds: number;
  readonly values: Readonly<Record<string, number>>;
}

/** DIR/loss.csv: iteration, seconds, then one column per logged value. */
export const LOSS_FILE = 'loss.csv';

function line(row: LogRow, cols: readonly string[]): string {
  return [row.iteration, row.seconds.toFixed(3), ...cols.map((c) => row.values[c])].join(',');
}

/** The rows of a run's loss log up to iteration `upTo` (none when there is no log). */
export function readLossLog(runDir: string, upTo: number): LogRow[] {
  const f = join(runDir, LOSS_FILE);
  if (!existsSync(f)) return [];
  const [head, ...lines] = readFileSync(f, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines
    .map((l) => l.split(',').map(Number))
    .filter((v) => v[0] <= upTo)
    .map((v) => ({
      iteration: v[0],
      seconds: v[1],
      values: Object.fromEntries(cols.slice(2).map((c, i) => [c, v[i + 2]])),
    }));
}

/** Rewrites the log with exactly these rows (a resumed run drops rows logged after its checkpoint). */
export function writeLossLog(runDir: string, rows: readonly LogRow[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0].values);
  writeFileSync(join(runDir, LOSS_FILE), `${[['iteration', 'seconds', ...cols].join(','), ...rows.map((r) => line(r, cols))].join('\n')}\n`);
}

/** Appends a row; the first row of a run (`header`) starts the file with its column names. */
export function appendLossRow(runDir: string, row: LogRow, header: boolean): void {
  const cols = Object.keys(row.values);
  const f = join(runDir, LOSS_FILE);
  if (header || !existsSync(f)) writeFileSync(f, `${['iteration', 'seconds', ...cols].join(',')}\n`);
  appendFileSync(f, `${line(row, cols)}\n`);
}
