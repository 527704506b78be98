import type { Command } from '../command';
import { flagBool, flagString, requireFlag } from '../args';
import { CONFIG_FLAGS, configFromFlags, readConfigFile } from '../config-flags';
import { resolveConfig } from '../../experiments/defaults';
import { runTraining } from '../../experiments/runner';
import { exitCodeOfStatus } from '../exit-codes';
import { withInterrupt } from '../signals';

export const command: Command = {
  name: 'train',
  summary: 'train one method on one pair (or your CSV point clouds) into a run folder',
  usage: 'otbook train [--config C] --out DIR [--resume] [--method M --pair P | --source a.csv --target b.csv] [overrides]',
  flags: {
    ...CONFIG_FLAGS,
    out: { kind: 'string', value: 'DIR', help: 'run folder (config, loss log, checkpoints, metrics)' },
    resume: { kind: 'boolean', help: "continue from DIR's last checkpoint" },
  },
  async run(args) {
    const out = requireFlag(flagString(args, 'out'), 'out', 'train');
    const file = flagString(args, 'config');
    const config = resolveConfig(file ? readConfigFile(file) : undefined, configFromFlags(args));
    const { record } = await withInterrupt(`otbook train ${out}`, (signal) => runTraining(config, out, { resume: flagBool(args, 'resume'), signal }));
    const m = record.metrics;
    const parts = [`${record.status} after ${record.iterationsDone}/${record.iterations} iterations (${record.trainSeconds.toFixed(1)} s)`];
    if (record.divergedAt !== undefined) parts.push(`diverged at iteration ${record.divergedAt}`);
    if (m) {
      parts.push(`D_target ${m.dTarget.toPrecision(4)} (n = ${m.n}${m.floor !== undefined ? `, floor ${m.floor.toPrecision(3)}` : ''})`);
      if (m.dCost !== undefined) parts.push(`D_cost ${m.dCost.toPrecision(4)}`);
      if (m.l2uvp !== undefined) parts.push(`L2-UVP ${m.l2uvp.toFixed(2)}%, cos ${m.cos?.toFixed(3)}`);
    }
    process.stdout.write(`otbook train: ${parts.join('; ')}; results in ${out}/metrics.json\n`);
    return exitCodeOfStatus(record.status);
  },
};
