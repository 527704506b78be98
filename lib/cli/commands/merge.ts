import type { Command } from '../command';
import { flagString, requireFlag } from '../args';
import { mergeShards } from '../../experiments/merge';

export const command: Command = {
  name: 'merge',
  summary: 'combine the results folders of several shards into one table',
  usage: 'otbook merge DIR... --out MERGED',
  flags: { out: { kind: 'string', value: 'DIR', help: 'folder for the merged results' } },
  async run(args) {
    const out = requireFlag(flagString(args, 'out'), 'out', 'merge');
    const { experiment, scale, results } = mergeShards(args.positionals, out);
    const missing = results.filter((r) => r.status === 'missing');
    process.stdout.write(
      `otbook merge: ${experiment} (${scale}): ${results.length - missing.length}/${results.length} cells from ${args.positionals.length} folder(s) → ${out}/results.json\n`,
    );
    if (missing.length) process.stdout.write(`missing cells: ${missing.map((m) => m.id).join(', ')}\n`);
    return missing.length ? 2 : 0;
  },
};
