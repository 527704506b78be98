import type { FlagSpecs, ParsedArgs } from './args';
import { flagNumber, flagString } from './args';
import { UserError } from '../errors';
import { checkSettings, type CellSettings } from '../experiments/settings';
import { CONFIG_FLAGS, parseHidden } from './config-flags';

/** The settings a researcher may change for every cell of an experiment (lib/experiments/settings.ts), as flags. */
export const SETTINGS_FLAGS: FlagSpecs = {
  iterations: CONFIG_FLAGS.iterations,
  'inner-steps': CONFIG_FLAGS['inner-steps'],
  lr: CONFIG_FLAGS.lr,
  'batch-size': CONFIG_FLAGS['batch-size'],
  hidden: CONFIG_FLAGS.hidden,
  seeds: { kind: 'string', value: 'S,S,…', help: 'run every cell with these seeds, e.g. 0,1,2,3,4' },
};

function parseSeeds(s: string): number[] {
  const parts = s.split(',').map((p) => p.trim());
  const seeds = parts.map(Number);
  if (parts.some((p) => p === '') || seeds.some((v) => !Number.isInteger(v) || v < 0)) throw new UserError(`--seeds ${s}: expected non-negative integers separated by commas, e.g. 0,1,2`);
  return seeds;
}

/** The settings given as flags; none given, {} (the registered cells). */
export function settingsFromFlags(a: ParsedArgs): CellSettings {
  const hidden = flagString(a, 'hidden');
  const seeds = flagString(a, 'seeds');
  return checkSettings(
    {
      iterations: flagNumber(a, 'iterations'),
      innerSteps: flagNumber(a, 'inner-steps'),
      lr: flagNumber(a, 'lr'),
      batchSize: flagNumber(a, 'batch-size'),
      hidden: hidden === undefined ? undefined : parseHidden(hidden),
      seeds: seeds === undefined ? undefined : parseSeeds(seeds),
    },
    'flags',
  );
}
