import { join, relative } from 'node:path';
import { applySettings, type CellSettings } from '../experiments/settings';
import { runTraining, type RunOutcome } from '../experiments/runner';
import { repoRoot } from '../paths';
import { exactW2OfData, yourDataCells, yourDataDir, type DataW2, type YourData } from '../reports/your-data';
import { withProgressDisplay, type BookContext } from './context';
import { showSettings } from './settings';

/**
 * Notebook 09's steps, each one the command line offers (`otbook w2`, `otbook train`, `otbook report your-data`):
 * the notebook shows what it runs and prints the commands that do the same from a shell.
 */

const shown = (p: string) => {
  const rel = relative(repoRoot(), p);
  return rel && !rel.startsWith('..') ? rel : p;
};

/** The exact W2² of the data, printed with the command that computes it (`otbook w2`). */
export function dataW2(ctx: BookContext, data: YourData): DataW2 {
  const w2 = exactW2OfData(data);
  process.stdout.write(`${w2.text}\nThe same from a shell: otbook w2 --source ${shown(data.source)} --target ${shown(data.target)}\n`);
  return w2;
}

/** The settings of notebook 09's runs (this scale's beside the paper's) as a table, and as an object to edit. */
export function yourDataSettings(ctx: BookContext, data: YourData): CellSettings {
  const cells = yourDataCells(data, ctx.scale);
  return showSettings(`Settings of the ${cells.length} runs on your data`, ctx.scale, cells, yourDataCells(data, 'paper'));
}

/** The folder the runs of these data and settings train into (results/your-data/<scale>-<hash>). */
export function yourDataResults(ctx: BookContext, data: YourData, settings: CellSettings = {}): string {
  return yourDataDir(ctx.scale, applySettings(yourDataCells(data, ctx.scale), settings));
}

/**
 * Trains OTM and OTP on the data (each run as `otbook train --config <its config.json> --out DIR --resume` would:
 * a finished run is kept, an interrupted one resumes), under the notebook's progress display; returns the folder.
 */
export async function trainYourData(ctx: BookContext, data: YourData, settings: CellSettings = {}): Promise<string> {
  const cells = applySettings(yourDataCells(data, ctx.scale), settings);
  const dir = yourDataDir(ctx.scale, cells);
  const c0 = cells[0];
  process.stdout.write(
    `Training ${cells.length} runs into ${shown(dir)}. Each is one command, e.g.\n  otbook train --method ${c0.config.method} --source ${shown(data.source)} --target ${shown(data.target)} --seed ${c0.config.seed} --iterations ${c0.config.iterations} --inner-steps ${c0.config.innerSteps} --lr ${c0.config.lr} --out ${shown(join(dir, c0.id))} --resume\n`,
  );
  const outcomes = await withProgressDisplay({ title: `your data (${ctx.scale})`, cells: cells.length, jobs: 1 }, async (progress, signal) => {
    const done: RunOutcome[] = [];
    for (const cell of cells) {
      if (signal.aborted) break;
      const t0 = Date.now();
      progress({ kind: 'cell-start', cell: cell.id });
      const outcome = await runTraining(cell.config, join(dir, cell.id), {
        resume: true,
        quiet: true,
        signal,
        onProgress: (p) => progress({ kind: 'iteration', cell: cell.id, iteration: p.iteration, total: p.total, itPerSecond: p.itPerSecond, etaSeconds: p.etaSeconds }),
      });
      progress({ kind: 'cell-end', cell: cell.id, status: outcome.record.status, trained: !outcome.kept, seconds: (Date.now() - t0) / 1000 });
      done.push(outcome);
    }
    return done;
  });
  process.stdout.write(`your data: ${outcomes.filter((o) => o.record.status === 'completed').length}/${cells.length} runs completed; results in ${shown(dir)}\n`);
  return dir;
}
