import { existsSync, readFileSync } from 'node:fs';
import type { FlagSpecs, ParsedArgs } from './args';
import { flagNumber, flagString } from './args';
import { UserError } from '../errors';
import { validateConfigInput, type TrainConfigInput } from '../experiments/config';
import { METHOD_NAMES } from '../solvers/method';

/** The common fields of a training config, as flags (they override the config file). */
export const CONFIG_FLAGS: FlagSpecs = {
  config: { kind: 'string', value: 'FILE', help: 'JSON config (lib/experiments/train-config.schema.json)' },
  method: { kind: 'string', value: 'NAME', help: 'method', choices: METHOD_NAMES },
  pair: { kind: 'string', value: 'NAME', help: 'named pair of the papers, e.g. one-to-many, g8g (sets both sides)' },
  source: { kind: 'string', value: 'CSV', help: 'source points: a CSV file, or PAIR:source' },
  target: { kind: 'string', value: 'CSV', help: 'target points: a CSV file, or PAIR:target' },
  dim: { kind: 'integer', value: 'D', help: 'dimension' },
  iterations: { kind: 'integer', value: 'K', help: 'outer iterations' },
  'inner-steps': { kind: 'integer', value: 'KT', help: 'map steps per potential step' },
  'batch-size': { kind: 'integer', value: 'B', help: 'batch size' },
  lr: { kind: 'number', value: 'LR', help: 'Adam learning rate' },
  alpha: { kind: 'number', value: 'A', help: 'cost α‖x − y‖²' },
  lambda: { kind: 'number', value: 'L', help: 'R1 weight (semi-dual) or regularizer weight (diotm)' },
  hidden: { kind: 'string', value: 'W[,W…]', help: 'hidden widths of both networks, e.g. 1024 or 256,256' },
  'sigma-max': { kind: 'number', value: 'S', help: 'OTP: initial noise level σ_max' },
  'sigma-min': { kind: 'number', value: 'S', help: 'OTP: final noise level σ_min' },
  'sigma-period': { kind: 'integer', value: 'P', help: 'OTP: iterations per noise level (Eq. 38; scale it with --iterations)' },
  'checkpoint-every': { kind: 'integer', value: 'N', help: 'write a checkpoint every N iterations' },
  seed: { kind: 'integer', value: 'S', help: 'random seed' },
};

export function readConfigFile(path: string): TrainConfigInput {
  if (!existsSync(path)) throw new UserError(`--config ${path}: file not found`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`--config ${path}: not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  return validateConfigInput(raw, path);
}

export function parseHidden(s: string): number[] {
  const parts = s.split(',').map((p) => p.trim());
  const widths = parts.map(Number);
  if (parts.some((p) => p === '') || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new UserError(`--hidden ${s}: expected positive integers separated by commas, e.g. 1024 or 256,256`);
  }
  return widths;
}

function optional<K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> {
  return v === undefined ? {} : ({ [key]: v } as Partial<Record<K, number>>);
}

/** The flags given, as a partial config: typed by the flag parser, checked with the rest by validateTrainConfig. */
export function configFromFlags(a: ParsedArgs): TrainConfigInput {
  const c: TrainConfigInput = {};
  const method = flagString(a, 'method');
  if (method) c.method = method as TrainConfigInput['method'];
  for (const k of ['pair', 'source', 'target'] as const) {
    const v = flagString(a, k);
    if (v !== undefined) c[k] = v;
  }
  const num: Array<[string, keyof TrainConfigInput]> = [
    ['dim', 'dim'],
    ['iterations', 'iterations'],
    ['inner-steps', 'innerSteps'],
    ['batch-size', 'batchSize'],
    ['lr', 'lr'],
    ['alpha', 'alpha'],
    ['lambda', 'lambda'],
    ['checkpoint-every', 'checkpointEvery'],
    ['seed', 'seed'],
  ];
  for (const [flag, key] of num) {
    const v = flagNumber(a, flag);
    if (v !== undefined) (c as Record<string, unknown>)[key] = v;
  }
  const hidden = flagString(a, 'hidden');
  if (hidden) {
    const h = parseHidden(hidden);
    c.potential = { hidden: h };
    c.map = { hidden: h };
  }
  const smoothing = {
    ...optional('sigmaMax', flagNumber(a, 'sigma-max')),
    ...optional('sigmaMin', flagNumber(a, 'sigma-min')),
    ...optional('period', flagNumber(a, 'sigma-period')),
  };
  if (Object.keys(smoothing).length) c.smoothing = smoothing;
  return c;
}
