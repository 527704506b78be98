import { writeFileSync } from 'node:fs';
import type { Command } from '../command';
import { flagNumber, flagString, requireFlag } from '../args';
import { UserError } from '../../errors';
import { selectBackend } from '../../backend';
import { loadCsvPoints } from '../../data/csv';
import { loadRunPlan } from '../../experiments/build';
import { readRunConfig } from '../../experiments/runner';
import { Rng } from '../../random';
import { samplePoints } from '../../solvers';

export const command: Command = {
  name: 'map',
  summary: 'transport your points with a learned map (or draw K plan samples per point)',
  usage: 'otbook map --model DIR --input in.csv --output out.csv [--samples K] [--seed S]',
  flags: {
    model: { kind: 'string', value: 'DIR', help: 'a run folder written by otbook train' },
    input: { kind: 'string', value: 'CSV', help: 'points to transport, one per row' },
    output: { kind: 'string', value: 'CSV', help: 'where to write T(x) (with --samples K: K rows per input point)' },
    samples: { kind: 'integer', value: 'K', help: 'plan samples per point (stochastic methods: OTM-s, OTP, NOT, DIOTM)' },
    seed: { kind: 'integer', value: 'S', help: 'seed of the plan noise (default 0)' },
  },
  async run(args) {
    const dir = requireFlag(flagString(args, 'model'), 'model', 'map');
    const input = requireFlag(flagString(args, 'input'), 'input', 'map');
    const output = requireFlag(flagString(args, 'output'), 'output', 'map');
    const k = flagNumber(args, 'samples') ?? 1;
    if (k < 1) throw new UserError(`--samples ${k}: must be at least 1`);
    await selectBackend();
    const config = readRunConfig(dir);
    const x = loadCsvPoints(input, { expectedDim: config.dim, name: input });
    const plan = loadRunPlan(config, dir);
    try {
      // Rows i·K … i·K + K − 1 are the samples of input point i.
      const t = await samplePoints(plan, x, k, new Rng(flagNumber(args, 'seed') ?? 0));
      const header = [...(k > 1 ? ['input_row'] : []), ...Array.from({ length: x.d }, (_, j) => `y${j + 1}`)].join(',');
      const lines = [header];
      for (let r = 0; r < t.n; r++) {
        const row = Array.from(t.data.subarray(r * t.d, (r + 1) * t.d), (v) => String(v));
        lines.push((k > 1 ? [String(Math.floor(r / k) + 1), ...row] : row).join(','));
      }
      writeFileSync(output, `${lines.join('\n')}\n`);
      process.stdout.write(`otbook map: ${x.n} point(s)${k > 1 ? ` × ${k} samples` : ''} → ${output}\n`);
      return 0;
    } finally {
      plan.dispose();
    }
  },
};
