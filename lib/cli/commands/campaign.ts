import type { Command } from '../command';
import { flagBool, flagNumber, flagString } from '../args';
import { UserError } from '../../errors';
import { EXIT } from '../exit-codes';
import { withInterrupt } from '../signals';
import { campaignProcesses, campaignStatus, formatProcesses, formatStatus, measuredRates, measureUnmeasured, planCells, readCampaignPlan, runCampaign, shipCampaign, stopCampaign } from '../../experiments/campaign';

const ACTIONS = ['status', 'run', 'stop', 'ship'] as const;

export const command: Command = {
  name: 'campaign',
  summary: 'the paper-scale campaign: status of its plan, run it in the background, stop it, ship finished runs to data/runs',
  usage: 'otbook campaign status [--measure] | run [--tiers NAME,...] [--jobs N] | stop | ship [--dry-run]   [--plan FILE]',
  flags: {
    plan: { kind: 'string', value: 'FILE', help: 'the plan (default data/campaign/plan.json)' },
    tiers: { kind: 'string', value: 'NAME,...', help: 'run: only these tiers, in the plan order' },
    jobs: { kind: 'integer', value: 'N', help: 'run: worker processes (default 1: leave a core for your own work)' },
    'dry-run': { kind: 'boolean', help: 'ship: list what would be copied, copy nothing' },
    measure: { kind: 'boolean', help: 'status: time a few iterations of every shape no finished run measures yet' },
  },
  async run(args) {
    const action = args.positionals[0];
    if (!action || !(ACTIONS as readonly string[]).includes(action) || args.positionals.length > 1) {
      throw new UserError(`campaign: give one action: ${ACTIONS.join(', ')}${action ? ` (got ${args.positionals.join(' ')})` : ''}`);
    }
    const plan = readCampaignPlan(flagString(args, 'plan'));
    if (action === 'status') {
      const cells = planCells(plan);
      const rates = flagBool(args, 'measure') ? await measureUnmeasured(cells) : measuredRates(cells);
      process.stdout.write(`${plan.title}\n${formatStatus(campaignStatus(plan, cells, rates))}${formatProcesses(campaignProcesses(cells))}`);
      return EXIT.ok;
    }
    if (action === 'stop') {
      const stopped = stopCampaign(planCells(plan));
      for (const p of stopped) process.stdout.write(`interrupted process ${p.pid} (training ${p.cells.length} run(s): ${p.cells.join(', ')})\n`);
      process.stdout.write(stopped.length ? 'otbook campaign stop: each run saves its checkpoint and its process exits; `otbook campaign run` resumes them\n' : 'otbook campaign stop: no process trains a cell of the plan now\n');
      return EXIT.ok;
    }
    if (action === 'ship') {
      const shipped = shipCampaign(plan, { dryRun: flagBool(args, 'dry-run') });
      for (const s of shipped) process.stdout.write(`${s.experiment}/${s.scale}/${s.id}${s.bytes ? ` (${(s.bytes / 1024).toFixed(0)} KB)` : ''}\n`);
      process.stdout.write(`otbook campaign ship: ${shipped.length} run(s) ${flagBool(args, 'dry-run') ? 'would be copied' : 'copied'} into data/runs\n`);
      return EXIT.ok;
    }
    const jobs = flagNumber(args, 'jobs') ?? 1;
    if (jobs < 1) throw new UserError(`--jobs ${jobs}: must be at least 1`);
    const tiersFlag = flagString(args, 'tiers');
    const tiers = tiersFlag?.split(',').map((t) => t.trim()).filter(Boolean);
    const results = await withInterrupt('otbook campaign run', (signal) => runCampaign(plan, { jobs, tiers, signal }));
    process.stdout.write(formatStatus(campaignStatus(plan)));
    if (results.some((r) => r.status === 'interrupted')) return EXIT.interrupted;
    return results.some((r) => r.status === 'diverged') ? EXIT.diverged : EXIT.ok;
  },
};
