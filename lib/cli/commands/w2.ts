import type { Command } from '../command';
import { existsSync } from 'node:fs';
import { flagBool, flagNumber, flagString, requireFlag } from '../args';
import { exactW2OfData } from '../../reports/your-data';

const PAIR_SIDE = /^[a-z0-9-]+:(source|target)$/;
import { UserError } from '../../errors';
import { countCsvRows, loadCsvPoints, loadCsvWeights } from '../../data/csv';
import { MAX_COST_ENTRIES, exactW2Squared } from '../../ot/exact';

export const command: Command = {
  name: 'w2',
  summary: 'exact squared 2-Wasserstein distance W2² between two point clouds (CSV files)',
  usage: 'otbook w2 --source a.csv --target b.csv [--source-weights wa.csv] [--target-weights wb.csv] [--json] | --source PAIR:source --target PAIR:target [--n N] [--seed S]',
  flags: {
    source: { kind: 'string', value: 'FILE', help: 'source points: one point per line, coordinates separated by commas (optional header line)' },
    target: { kind: 'string', value: 'FILE', help: 'target points, same dimension as the source' },
    'source-weights': { kind: 'string', value: 'FILE', help: 'one non-negative weight per source point (normalised to sum 1); default uniform' },
    'target-weights': { kind: 'string', value: 'FILE', help: 'one non-negative weight per target point; default uniform' },
    json: { kind: 'boolean', help: 'print {cost, n, m, solver, seconds} as JSON' },
    n: { kind: 'integer', value: 'N', help: "points drawn from a named pair's side (default 1000)" },
    seed: { kind: 'integer', value: 'S', help: "seed of those draws (default 0)" },
  },
  async run(args) {
    if (args.positionals.length > 0) {
      throw new UserError(`otbook w2: unexpected argument '${args.positionals[0]}'; give files with --source and --target`);
    }
    const sourcePath = requireFlag(flagString(args, 'source'), 'source', 'w2');
    const targetPath = requireFlag(flagString(args, 'target'), 'target', 'w2');
    // A named pair's side (notebook 09's other kind of data): n points drawn from it, as exactW2OfData does there.
    if ([sourcePath, targetPath].some((s) => PAIR_SIDE.test(s) && !existsSync(s))) {
      if (flagString(args, 'source-weights') !== undefined || flagString(args, 'target-weights') !== undefined) throw new UserError('otbook w2: weights go with CSV files only, not with a named pair\'s side');
      const n = flagNumber(args, 'n') ?? 1000;
      if (n < 1) throw new UserError(`--n ${n}: must be at least 1`);
      const w2 = exactW2OfData({ source: sourcePath, target: targetPath }, { n, seed: flagNumber(args, 'seed') ?? 0 });
      process.stdout.write(flagBool(args, 'json') ? `${JSON.stringify({ cost: w2.cost, n: w2.n, m: w2.m, solver: w2.solver, sampled: w2.sampled })}\n` : `${w2.text}\n`);
      return 0;
    }
    // The exact solver's cost matrix bounds n × m: count the rows (no parsing) and refuse before reading values.
    const rowsA = countCsvRows(sourcePath);
    const rowsB = countCsvRows(targetPath);
    if (rowsA * rowsB > MAX_COST_ENTRIES) {
      throw new UserError(
        `otbook w2: ${sourcePath} has ${rowsA} points and ${targetPath} has ${rowsB}: the exact solver needs an n × m cost matrix of ${((rowsA * rowsB * 8) / 2 ** 30).toFixed(1)} GiB; at most ${MAX_COST_ENTRIES} entries (e.g. 8192 × 8192) are allowed`,
      );
    }
    const source = loadCsvPoints(sourcePath, { maxPoints: rowsA });
    const target = loadCsvPoints(targetPath, { maxPoints: rowsB });
    if (target.d !== source.d) {
      throw new UserError(`otbook w2: ${sourcePath} has points of dimension ${source.d} but ${targetPath} has dimension ${target.d}; they must agree`);
    }
    const sw = flagString(args, 'source-weights');
    const tw = flagString(args, 'target-weights');
    const result = exactW2Squared(source, target, {
      sourceWeights: sw === undefined ? undefined : loadCsvWeights(sw, source.n),
      targetWeights: tw === undefined ? undefined : loadCsvWeights(tw, target.n),
    });
    const { cost, n, m, solver, seconds } = result;
    if (flagBool(args, 'json')) process.stdout.write(`${JSON.stringify({ cost, n, m, solver, seconds })}\n`);
    else process.stdout.write(`W2² = ${cost}  (n = ${n}, m = ${m}, d = ${source.d}, solver: ${solver}, ${seconds.toFixed(3)} s)\n`);
    return 0;
  },
};
