import { createHash } from 'node:crypto';
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

/**
 * The fields a resolved configuration must have (TrainConfig above), by object: the same schema with these
 * required validates what a run used (config.json), where a partial layer (a file, flags) may leave any out.
 */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  '': ['method', 'dim', 'seed', 'iterations', 'innerSteps', 'batchSize', 'lr', 'betas', 'alpha', 'lambda', 'potential', 'map', 'checkpointEvery', 'logEvery', 'eval'],
  potential: ['kind', 'hidden', 'activation'],
  map: ['kind', 'hidden', 'activation', 'noiseDim', 'noiseStd'],
  smoothing: ['schedule', 'sigmaMax', 'sigmaMin', 'period'],
  not: ['gamma', 'gammaWarmup', 'zSize'],
  diotm: ['regularizer', 'width'],
  eval: ['n', 'floor', 'plotSamples'],
};

function resolvedSchema(): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(schema)) as { $id?: string; required?: string[]; properties: Record<string, { required?: string[] }> };
  delete copy.$id;
  for (const [key, fields] of Object.entries(REQUIRED)) {
    if (key === '') copy.required = [...fields];
    else copy.properties[key].required = [...fields];
  }
  return copy;
}
const validateResolved = ajv.compile<TrainConfig>(resolvedSchema());

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
    case 'required':
      return `config field ${path === '(top level)' ? '' : path}/${(e.params as { missingProperty: string }).missingProperty}: missing (a resolved configuration has every field)`;
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

function schemaError(errorsIn: readonly ErrorObject[] | null | undefined, data: unknown, origin: string): UserError {
  const errors = (errorsIn ?? []).filter((e) => e.keyword !== 'if');
  const first = errors.length ? describe(errors[0], data) : 'invalid configuration';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new UserError(`${origin}: ${first}${more}`);
}

/**
 * The shape of one layer of a configuration from outside (a file, flags, a notebook) before it is merged with
 * the defaults: train-config.schema.json with every field optional. Throws a UserError whose one line names the
 * field path, the bad value and what is allowed. The configuration itself is validated by validateTrainConfig.
 */
export function validateConfigInput(data: unknown, origin = 'config'): TrainConfigInput {
  if (validate(data)) return data;
  throw schemaError(validate.errors, data, origin);
}

/**
 * The one validation point of a training configuration: every TrainConfig the library runs, evaluates or reads
 * back from a run folder (config.json) passes here. It checks the schema with every field present, then the
 * rules that tie fields together. Throws a UserError with one line.
 */
export function validateTrainConfig(data: unknown, origin = 'config'): TrainConfig {
  if (!validateResolved(data)) throw schemaError(validateResolved.errors, data, origin);
  const c = data;
  if (c.pair !== undefined && (c.source !== undefined || c.target !== undefined)) {
    throw new UserError(
      `${origin}: a named pair (${c.pair}) and ${c.source !== undefined ? `a source (${c.source})` : `a target (${c.target})`} both name the data; give a pair, or a source and a target (a side of a pair is written ${c.pair}:source), not both`,
    );
  }
  if (c.pair === undefined && (c.source === undefined || c.target === undefined)) {
    throw new UserError(`${origin}: no data given: set a named pair (--pair, e.g. one-to-many) or both --source and --target (CSV files)`);
  }
  if (c.method === 'otp' && !c.smoothing) throw new UserError(`${origin}: config field /smoothing: missing; OTP needs its noise schedule`);
  if (c.method === 'not' && !c.not) throw new UserError(`${origin}: config field /not: missing; NOT needs its settings`);
  if (c.method === 'diotm' && !c.diotm) throw new UserError(`${origin}: config field /diotm: missing; DIOTM needs its settings`);
  if (c.smoothing && c.smoothing.sigmaMin > c.smoothing.sigmaMax) {
    throw new UserError(`${origin}: config field /smoothing/sigmaMin: ${c.smoothing.sigmaMin} is larger than sigmaMax ${c.smoothing.sigmaMax}`);
  }
  if (c.method === 'not' && c.map.noiseDim === 0) {
    throw new UserError(`${origin}: config field /map/noiseDim: 0 is not allowed for NOT, whose map is stochastic T(x, z)`);
  }
  return c;
}

/** Hash of what determines a run's result (not its logging or checkpoint cadence, nor its evaluation). */
export function configHash(c: TrainConfig): string {
  const { checkpointEvery: _c, logEvery: _l, eval: _e, ...rest } = c;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

export { schema as trainConfigSchema };
