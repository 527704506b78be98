import type { Command } from '../command';
import { flagNumber, flagString, requireFlag } from '../args';
import { evaluateSavedRun } from '../../experiments/runner';
import { withInterrupt } from '../signals';

export const command: Command = {
  name: 'eval',
  summary: "recompute a trained run's metrics from its checkpoint",
  usage: 'otbook eval --model DIR [--n N]',
  flags: {
    model: { kind: 'string', value: 'DIR', help: 'a run folder written by otbook train (completed)' },
    n: { kind: 'integer', value: 'N', help: 'samples per side for D_target and its floor (exact OT), 2 to 8192' },
  },
  async run(args) {
    const dir = requireFlag(flagString(args, 'model'), 'model', 'eval');
    const n = flagNumber(args, 'n');
    const record = await withInterrupt(`otbook eval ${dir}`, (signal) => evaluateSavedRun(dir, n, { signal }));
    process.stdout.write(`${JSON.stringify(record.metrics, null, 2)}\n`);
    return 0;
  },
};
