import Ajv, { type ErrorObject } from 'ajv';
import { UserError } from '../errors';
import type { ActivationName } from '../nets';
import type { MethodName } from '../solvers';
import type { DiotmRegularizer } from '../solvers/diotm';
import schema from './train-config.schema.json';

/** A training configuration as a file may give it: every field optional (defaults fill the rest). */
export interface TrainConfigInput {
  method?: MethodName;
  pair?: string;
  source?: string;
  target?: string;
  dim?: number;
  imageSize?: number;
  seed?: number;
  iterations?: number;
  innerSteps?: number;
  batchSize?: number;
  lr?: number;
  betas?: [number, number];
  alpha?: number;
  lambda?: number;
  potential?: Partial<PotentialConfig>;
  map?: Partial<MapConfig>;
  smoothing?: Partial<SmoothingConfig>;
  not?: Partial<NotConfig>;
  diotm?: Partial<DiotmConfig>;
  checkpointEvery?: number;
  logEvery?: number;
  eval?: Partial<EvalConfig>;
}

export interface PotentialConfig {
  kind: 'mlp' | 'icnn' | 'time-mlp';
  hidden: number[];
  activation: ActivationName;
}
export interface MapConfig {
  kind: 'mlp' | 'residual';
  hidden: number[];
  activation: ActivationName;
  noiseDim: number;
  noiseStd: number;
}
export interface SmoothingConfig {
  schedule: 'linear' | 'vp' | 'constant';
  form?: 'gaussian' | 'variance-preserving';
  sigmaMax: number;
  sigmaMin: number;
  period: number;
}
export interface NotConfig {
  gamma: number;
  gammaWarmup: number;
  zSize: number;
}
export interface DiotmConfig {
  regularizer: DiotmRegularizer;
  width: number;
}
export interface EvalConfig {
  /** Samples for D_target and its estimation floor (exact OT), stated in every result. */
  n: number;
  floor: boolean;
  /** Points kept for figures (x, x̃, T(x)). */
  plotSamples: number;
}

/** A fully resolved configuration: what a run actually used (written to DIR/config.json). */
export interface TrainConfig {
  method: MethodName;
  pair?: string;
  source?: string;
  target?: string;
  dim: number;
  imageSize?: number;
  seed: number;
  iterations: number;
  innerSteps: number;
  batchSize: number;
  lr: number;
  betas: [number, number];
  alpha: number;
  lambda: number;
  potential: PotentialConfig;
  map: MapConfig;
  smoothing?: SmoothingConfig;
  not?: NotConfig;
  diotm?: DiotmConfig;
  checkpointEvery: number;
  logEvery: number;
  eval: EvalConfig;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile<TrainConfigInput>(schema);

function describe(e: ErrorObject, data: unknown): string {
  const path = e.instancePath || '(top level)';
  const value = valueAt(data, e.instancePath);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(propertiesAt(e.schemaPath));
      return `config field ${path === '(top level)' ? '' : path}/${extra}: unknown field; allowed here: ${allowed.join(', ')}`;
    }
    case 'enum':
      return `config field ${path}:${shown} is not allowed; choose one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'type':
      return `config field ${path}:${shown} is not ${(e.params as { type: string }).type === 'integer' ? 'an integer' : `a ${(e.params as { type: string }).type}`}`;
    default:
      return `config field ${path}:${shown} is not allowed: ${e.message ?? e.keyword}`;
  }
}

function valueAt(data: unknown, pointer: string): unknown {
  let v: unknown = data;
  for (const part of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function propertiesAt(schemaPath: string): Record<string, unknown> {
  // schemaPath looks like '#/properties/potential/additionalProperties'
  let s: unknown = schema;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) s = (s as Record<string, unknown>)[part];
  return ((s as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;
}

/**
 * Validates a configuration from outside (a file, flags, a notebook) against train-config.schema.json.
 * Throws a UserError whose one line names the field path, the bad value and what is allowed.
 */
export function validateConfigInput(data: unknown, origin = 'config'): TrainConfigInput {
  if (validate(data)) return data;
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  const first = errors.length ? describe(errors[0], data) : 'invalid configuration';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  throw new UserError(`${origin}: ${first}${more}`);
}

export { schema as trainConfigSchema };
