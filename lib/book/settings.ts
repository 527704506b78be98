import { relative } from 'node:path';
import { getExperiment, type Cell } from '../experiments/registry';
import { currentSettings, describeSettings, settingsFlags, settingsResultsDir, settingValues, SETTING_NAMES, type CellSettings, type SettingName } from '../experiments/settings';
import { repoRoot } from '../paths';
import { loadDanfo, showTable } from '../tables';
import type { Scale } from '../experiments/scale';

/** What these functions need of a notebook's context (BookContext): its scale. */
interface AtScale {
  readonly scale: Scale;
}

/** What each setting is, for the settings table. */
const MEANING: Readonly<Record<SettingName, string>> = {
  iterations: 'outer iterations K (OTP: the noise period P scales with K)',
  innerSteps: 'map steps per potential step, K_T',
  lr: "Adam's learning rate",
  batchSize: 'batch size',
  hidden: 'hidden widths of both networks',
  seeds: 'seeds each cell runs with',
};

const shown = (values: readonly unknown[]) => values.map((v) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v))).join(' / ');

/**
 * The settings of an experiment's cells in a notebook: shows a table of each setting at this scale and at the
 * paper's (several values where cells differ, e.g. iterations by dimension), and returns them as an object the
 * reader may edit before the cells that train (`settings.iterations = 2000`). Unedited, it gives the registered
 * cells exactly; edited, runBookExperiment trains only the cells whose configuration changed, into their own
 * folder, and the report says that its verdicts rest on settings other than the paper's.
 */
export function settings(ctx: AtScale, experiment: string): CellSettings {
  const cells = getExperiment(experiment).cells(ctx.scale);
  return showSettings(`Settings of ${experiment}'s ${cells.length} cells`, ctx.scale, cells, getExperiment(experiment).cells('paper'));
}

/** The settings table of some cells beside the paper's; returns the settings as an object to edit. */
export function showSettings(title: string, scale: string, cells: readonly Cell[], paper: readonly Cell[]): CellSettings {
  const dfd = loadDanfo();
  const table = new dfd.DataFrame({
    setting: [...SETTING_NAMES],
    [`${scale} scale (this run)`]: SETTING_NAMES.map((k) => shown(settingValues(cells, k))),
    'paper scale': SETTING_NAMES.map((k) => shown(settingValues(paper, k))),
    meaning: SETTING_NAMES.map((k) => MEANING[k]),
  });
  showTable(table, { title: `${title} (several values: they differ between cells; a value set here applies to every cell)` });
  return currentSettings(cells);
}

/** The settings that change the experiment's cells, in words ('' when none): what a notebook prints before training. */
export function changedSettings(ctx: AtScale, experiment: string, edited: CellSettings = {}): string {
  return describeSettings(getExperiment(experiment).cells(ctx.scale), edited);
}

/** Where the runs of these settings live: the scale's own folder unedited, else results/<e>/<scale>-settings-<hash>. */
export function settingsDir(ctx: AtScale, experiment: string, edited: CellSettings = {}): string {
  return settingsResultsDir(experiment, ctx.scale, getExperiment(experiment).cells(ctx.scale), edited);
}

/** The command line that trains the same cells: `otbook run <e> --scale s [changed settings] --out DIR`. */
export function runCommand(ctx: AtScale, experiment: string, edited: CellSettings = {}): string {
  const flags = settingsFlags(edited, getExperiment(experiment).cells(ctx.scale));
  const out = relative(repoRoot(), settingsDir(ctx, experiment, edited));
  return ['otbook run', experiment, '--scale', ctx.scale, ...flags, '--out', out].join(' ');
}
