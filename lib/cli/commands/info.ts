import type { Command } from '../command';
import { flagBool } from '../args';
import { selectBackend, availableBackends } from '../../backend';
import { versions } from '../../versions';

export const command: Command = {
  name: 'info',
  summary: 'show the tensor backend, installed backends and package versions',
  usage: 'otbook info [--json]',
  flags: { json: { kind: 'boolean', help: 'print as JSON' } },
  async run(args) {
    const backend = await selectBackend({ announce: false });
    const info = { backend, installedBackends: availableBackends(), versions: versions() };
    if (flagBool(args, 'json')) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    else {
      process.stdout.write(`backend: ${backend.choice} (${backend.package} ${backend.packageVersion})\n`);
      process.stdout.write(`installed backends: ${info.installedBackends.join(', ')}\n`);
      process.stdout.write(`kernels replaced: ${backend.kernels.join(', ') || 'none'}\n`);
      for (const [k, v] of Object.entries(info.versions)) process.stdout.write(`${k}: ${v}\n`);
    }
    return 0;
  },
};
