import { join } from 'node:path';
import type { Command } from '../command';
import { flagString } from '../args';
import { SCALES, type Scale } from '../../experiments/scale';
import { bookContext } from '../../book/context';
import { paths } from '../../paths';
import { buildReport, reportNames, reportText } from '../../reports';
import { publishReport } from '../../book/publish';
import { closeBrowser } from '../../plots';

export const command: Command = {
  name: 'report',
  summary: "print an experiment's comparison with the paper and its verdicts; save its figures and tables",
  usage: `otbook report <${reportNames().join('|')}> [--scale S] [--results DIR] [--figures DIR]`,
  flags: {
    scale: { kind: 'string', value: 'SCALE', help: 'scale of the results to read (default quick)', choices: SCALES },
    results: { kind: 'string', value: 'DIR', help: 'results folder (default results/<experiment>/<scale>)' },
    figures: { kind: 'string', value: 'DIR', help: 'where to save figures and CSV tables (default figures/report-<experiment>)' },
  },
  async run(args) {
    const experiment = args.positionals[0] ?? '';
    const scale = (flagString(args, 'scale') ?? 'quick') as Scale;
    const dir = flagString(args, 'results') ?? join(paths.results(), experiment, scale);
    const report = await buildReport(experiment, scale, dir);
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
