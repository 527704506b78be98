import type { Command } from '../command';
import { flagBool, flagNumber, flagString, requireFlag } from '../args';
import { UserError } from '../../errors';
import { EXIT } from '../exit-codes';
import { withInterrupt } from '../signals';
import type { Scale } from '../../experiments/scale';
import { getExperiment, listExperiments } from '../../experiments/registry';
import { parseCellList, parseShard, SCALE_FLAG } from '../cell-flags';
import { runExperiment } from '../../experiments/sweep';
import { estimateExperiment, formatEstimate } from '../../experiments/estimate';
import { applySettings } from '../../experiments/settings';
import { SETTINGS_FLAGS, settingsFromFlags } from '../settings-flags';

export const command: Command = {
  name: 'run',
  summary: "run a paper experiment's grid headless (the notebooks' code path), optionally one shard of it",
  usage: 'otbook run <experiment> [--scale smoke|quick|paper] [--cells ID,...] [--shard i/n] [--jobs N] [settings] --out DIR | --dry-run | --list',
  flags: {
    scale: SCALE_FLAG,
    cells: { kind: 'string', value: 'ID,...', help: 'run only these cells (ids as --dry-run lists them)' },
    shard: { kind: 'string', value: 'i/n', help: 'run only slice i of n of the cells (for array jobs)' },
    jobs: { kind: 'integer', value: 'N', help: 'worker processes on this machine (default 1)' },
    out: { kind: 'string', value: 'DIR', help: 'results folder (one sub-folder per cell)' },
    'dry-run': { kind: 'boolean', help: 'print the cells, their batched groups and an honest time estimate, run nothing' },
    list: { kind: 'boolean', help: 'list the experiments' },
    queue: { kind: 'boolean', help: '(used by --jobs workers) take only cells not claimed by another worker' },
    // Settings changed for every cell (a notebook's settings cell): the runs differ from the paper's; use a fresh --out.
    ...SETTINGS_FLAGS,
  },
  async run(args) {
    if (flagBool(args, 'list')) {
      for (const e of listExperiments()) process.stdout.write(`${e.name.padEnd(14)} ${e.title}  [${e.source}]\n`);
      return EXIT.ok;
    }
    const name = args.positionals[0];
    if (!name) throw new UserError('run: name an experiment (otbook run --list shows them)');
    if (args.positionals.length > 1) throw new UserError(`run: one experiment at a time; got ${args.positionals.join(' ')}`);
    const experiment = getExperiment(name);
    const scale = (flagString(args, 'scale') ?? 'quick') as Scale;
    const shardFlag = flagString(args, 'shard');
    const shard = shardFlag ? parseShard(shardFlag) : undefined;
    const cellsFlag = flagString(args, 'cells');
    const cells = cellsFlag !== undefined ? parseCellList(cellsFlag) : undefined;
    const jobs = flagNumber(args, 'jobs') ?? 1;
    if (jobs < 1) throw new UserError(`--jobs ${jobs}: must be at least 1`);
    const settings = settingsFromFlags(args);
    if (flagBool(args, 'dry-run')) {
      const estimate = await estimateExperiment({ ...experiment, cells: (s) => applySettings(experiment.cells(s), settings) }, scale, { shard, cells, jobs });
      process.stdout.write(formatEstimate(estimate));
      return EXIT.ok;
    }
    const out = requireFlag(flagString(args, 'out'), 'out', 'run');
    const results = await withInterrupt(`otbook run ${name}`, (signal) => runExperiment(name, { scale, out, shard, cells, jobs, queue: flagBool(args, 'queue'), signal, settings }));
    if (results.some((r) => r.status === 'interrupted')) return EXIT.interrupted;
    const failed = results.filter((r) => r.status !== 'completed');
    process.stdout.write(`otbook run ${name}: ${results.length - failed.length}/${results.length} cells completed${failed.length ? ` (${failed.map((f) => `${f.id}: ${f.status}`).join(', ')})` : ''}; results in ${out}\n`);
    return failed.some((f) => f.status === 'diverged') ? EXIT.diverged : failed.length ? EXIT.internal : EXIT.ok;
  },
};
