import type { Command } from '../command';
import { flagNumber, flagString, requireFlag } from '../args';
import { evaluateSavedRun } from '../../experiments/runner';

export const command: Command = {
  name: 'eval',
  summary: "recompute a trained run's metrics from its checkpoint",
  usage: 'otbook eval --model DIR [--n N]',
  flags: {
    model: { kind: 'string', value: 'DIR', help: 'a run folder written by otbook train' },
    n: { kind: 'integer', value: 'N', help: 'samples per side for D_target and its floor (exact OT)' },
  },
  async run(args) {
    const dir = requireFlag(flagString(args, 'model'), 'model', 'eval');
    const record = await evaluateSavedRun(dir, flagNumber(args, 'n'));
    process.stdout.write(`${JSON.stringify(record.metrics, null, 2)}\n`);
    return 0;
  },
};
