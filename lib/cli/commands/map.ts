import type { Command } from '../command';
import { flagBool, flagNumber, flagString, requireFlag } from '../args';
import { UserError } from '../../errors';
import { selectBackend } from '../../backend';
import { loadCsvPoints } from '../../data/csv';
import { loadRunPlan } from '../../experiments/build';
import { checkRunCheckpoint, usableRun, withRunCheckpoint } from '../../experiments/run-folder';
import { Rng } from '../../random';
import { samplePoints } from '../../solvers';
import { checkOutputFile, writeCsvRows } from '../output-file';

/** Output values (points × samples × dimension) one call may produce: 2^25, 128 MiB of float32 and about 0.5 GB of CSV. */
export const MAX_MAP_VALUES = 2 ** 25;

/** The largest seed of the plan noise (lib/random takes 32-bit seeds). */
const MAX_SEED = 2 ** 32 - 1;

export const command: Command = {
  name: 'map',
  summary: 'transport your points with a learned map (or draw K plan samples per point)',
  usage: 'otbook map --model DIR --input in.csv --output out.csv [--samples K] [--seed S] [--force]',
  flags: {
    model: { kind: 'string', value: 'DIR', help: 'a run folder written by otbook train' },
    input: { kind: 'string', value: 'CSV', help: 'points to transport, one per row' },
    output: { kind: 'string', value: 'CSV', help: 'where to write T(x) (with --samples K: K rows per input point); a new file unless --force' },
    samples: { kind: 'integer', value: 'K', help: `plan samples per point (stochastic methods: OTM-s, OTP, NOT, DIOTM); points × K × d at most ${MAX_MAP_VALUES}` },
    seed: { kind: 'integer', value: 'S', help: `seed of the plan noise, 0 to ${MAX_SEED} (default 0)` },
    force: { kind: 'boolean', help: 'replace --output when it exists' },
  },
  async run(args) {
    const dir = requireFlag(flagString(args, 'model'), 'model', 'map');
    const input = requireFlag(flagString(args, 'input'), 'input', 'map');
    const output = requireFlag(flagString(args, 'output'), 'output', 'map');
    const k = flagNumber(args, 'samples') ?? 1;
    if (k < 1) throw new UserError(`--samples ${k}: must be at least 1`);
    const seed = flagNumber(args, 'seed') ?? 0;
    if (seed < 0 || seed > MAX_SEED) throw new UserError(`--seed ${seed}: must be from 0 to ${MAX_SEED} (the random generator takes 32-bit seeds)`);
    checkOutputFile(output, { input, force: flagBool(args, 'force'), flag: '--output' });
    const { config } = usableRun(dir, 'apply');
    const x = loadCsvPoints(input, { expectedDim: config.dim, name: `--input ${input}`, maxPoints: Math.floor(MAX_MAP_VALUES / config.dim) });
    if (x.n * k * x.d > MAX_MAP_VALUES) {
      throw new UserError(`--samples ${k}: ${x.n} points × ${k} samples × dimension ${x.d} = ${x.n * k * x.d} output values; at most ${MAX_MAP_VALUES} per call (use fewer samples, or split --input)`);
    }
    checkRunCheckpoint(dir, config);
    await selectBackend();
    const plan = withRunCheckpoint(dir, () => loadRunPlan(config, dir));
    try {
      // Rows i·K … i·K + K − 1 are the samples of input point i.
      const t = await samplePoints(plan, x, k, new Rng(seed));
      const bad = t.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new UserError(`${dir}: the learned map gives a non-finite value (for input row ${Math.floor(bad / x.d / k) + 1}); its weights are not usable, so nothing was written`);
      }
      const header = [...(k > 1 ? ['input_row'] : []), ...Array.from({ length: x.d }, (_, j) => `y${j + 1}`)];
      writeCsvRows(output, header, t.n, (r) => {
        const row = Array.from(t.data.subarray(r * t.d, (r + 1) * t.d), (v) => String(v));
        return (k > 1 ? [String(Math.floor(r / k) + 1), ...row] : row).join(',');
      });
      process.stdout.write(`otbook map: ${x.n} point(s)${k > 1 ? ` × ${k} samples` : ''} → ${output}\n`);
      return 0;
    } finally {
      plan.dispose();
    }
  },
};
