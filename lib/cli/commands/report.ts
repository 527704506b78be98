import { join } from 'node:path';
import type { Command } from '../command';
import { flagString } from '../args';
import { EVIDENCE_LEVELS, SCALES, type EvidenceLevel, type Scale } from '../../experiments/scale';
import { bookContext } from '../../book/context';
import { paths } from '../../paths';
import { buildReport, reportNames, reportText, YOUR_DATA } from '../../reports';
import { publishReport } from '../../book/publish';
import { closeBrowser } from '../../plots';
import { getExperiment } from '../../experiments/registry';
import { settingsResultsDir } from '../../experiments/settings';
import { SETTINGS_FLAGS, settingsFromFlags } from '../settings-flags';

export const command: Command = {
  name: 'report',
  summary: "print an experiment's comparison with the paper and its verdicts; save its figures and tables",
  usage: `otbook report <${[...reportNames(), YOUR_DATA].join('|')}> [--scale S] [--level L] [--results DIR] [--figures DIR] [settings]`,
  flags: {
    scale: { kind: 'string', value: 'SCALE', help: "scale of the runs the tables show (default quick); verdicts use every evidence level present", choices: SCALES },
    level: { kind: 'string', value: 'LEVEL', help: 'judge the claims on runs of this evidence level only (default: the strongest present per cell)', choices: EVIDENCE_LEVELS },
    results: { kind: 'string', value: 'DIR', help: 'results folder (default results/<experiment>/<scale>)' },
    figures: { kind: 'string', value: 'DIR', help: 'where to save figures and CSV tables (default figures/report-<experiment>)' },
    // The settings `otbook run` was given: the report then reads only their runs (default folder results/<e>/<s>-settings-<hash>).
    ...SETTINGS_FLAGS,
  },
  async run(args) {
    const experiment = args.positionals[0] ?? '';
    const scale = (flagString(args, 'scale') ?? 'quick') as Scale;
    const settings = settingsFromFlags(args);
    const edited = Object.keys(settings).length > 0;
    const dir = flagString(args, 'results') ?? (edited ? settingsResultsDir(experiment, scale, getExperiment(experiment).cells(scale), settings) : join(paths.results(), experiment, scale));
    const level = flagString(args, 'level') as EvidenceLevel | undefined;
    const report = await buildReport(experiment, scale, dir, { ...(level ? { levels: [level] } : {}), ...(edited ? { settings } : {}) });
    const figures = flagString(args, 'figures');
    if (figures) process.env.OTBOOK_FIGURES_DIR = figures;
    const ctx = bookContext(`report-${experiment}`);
    try {
      await publishReport(report, ctx, { show: false });
    } finally {
      await closeBrowser();
    }
    process.stdout.write(reportText(report));
    process.stdout.write(`figures and tables: ${ctx.figuresDir}\n`);
    return 0;
  },
};
