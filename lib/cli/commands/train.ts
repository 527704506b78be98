import type { Command } from '../command';
import { flagBool, flagString, requireFlag } from '../args';
import { CONFIG_FLAGS, configFromFlags, readConfigFile } from '../config-flags';
import { describeSmoothing, resolveConfig } from '../../experiments/defaults';
import { runTraining, type RunOutcome } from '../../experiments/runner';
import { exitCodeOfStatus } from '../exit-codes';
import { withInterrupt } from '../signals';

/** The one line `otbook train` ends with: what the run did and measured, and where its results are. */
function summary({ record, kept }: RunOutcome, out: string, resume: boolean): string {
  const m = record.metrics;
  const parts = [`${record.status} after ${record.iterationsDone}/${record.iterations} iterations (${record.trainSeconds.toFixed(1)} s)`];
  if (kept) parts.push('the run had already ended: kept, nothing trained');
  else if (record.resumedFrom !== undefined) parts.push(`resumed from iteration ${record.resumedFrom}`);
  else if (resume) parts.push('no checkpoint to resume from: trained from iteration 0');
  if (record.interruptedIn === 'evaluation') parts.push('stopped during the evaluation; the trained checkpoint is kept and --resume evaluates it');
  if (record.divergedAt !== undefined) parts.push(`diverged at iteration ${record.divergedAt}`);
  if (m) {
    parts.push(`D_target ${m.dTarget.toPrecision(4)} (n = ${m.n}${m.floor !== undefined ? `, floor ${m.floor.toPrecision(3)}` : ''})`);
    if (m.dCost !== undefined) parts.push(`D_cost ${m.dCost.toPrecision(4)}`);
    if (m.l2uvp !== undefined) parts.push(`L2-UVP ${m.l2uvp.toFixed(2)}%, cos ${m.cos?.toFixed(3)}`);
  }
  return `otbook train: ${parts.join('; ')}; results in ${out}/metrics.json\n`;
}

export const command: Command = {
  name: 'train',
  summary: 'train one method on one pair (or your CSV point clouds) into a run folder',
  usage: 'otbook train [--config C] --out DIR [--resume | --force] [--method M --pair P | --source a.csv --target b.csv] [overrides]',
  flags: {
    ...CONFIG_FLAGS,
    out: { kind: 'string', value: 'DIR', help: 'run folder (config, loss log, checkpoints, metrics); a folder holding a run needs --resume or --force' },
    resume: { kind: 'boolean', help: "continue DIR's run from its last checkpoint (same configuration)" },
    force: { kind: 'boolean', help: 'replace the run DIR holds' },
  },
  async run(args) {
    const out = requireFlag(flagString(args, 'out'), 'out', 'train');
    const file = flagString(args, 'config');
    const resume = flagBool(args, 'resume');
    const config = resolveConfig(file ? readConfigFile(file) : undefined, configFromFlags(args));
    const schedule = describeSmoothing(config);
    if (schedule) process.stdout.write(`otbook train: OTP noise schedule: ${schedule}\n`);
    const outcome = await withInterrupt(`otbook train ${out}`, (signal) => runTraining(config, out, { resume, force: flagBool(args, 'force'), signal }));
    process.stdout.write(summary(outcome, out, resume));
    return exitCodeOfStatus(outcome.record.status);
  },
};
