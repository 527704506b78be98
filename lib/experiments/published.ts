import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import { paths } from '../paths';

/** A published value: the factors that locate it (method, pair, dim, …) and its metrics. */
export type PublishedValue = Readonly<Record<string, string | number | null>>;

/** data/paper/<id>.json: one published table, typed once, with its source. */
export interface PublishedTable {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly metrics: Readonly<Record<string, string>>;
  readonly values: readonly PublishedValue[];
  readonly notes?: string;
  readonly notRunHere?: string;
  readonly columns?: readonly string[];
  readonly rows?: ReadonlyArray<ReadonlyArray<string | number | null>>;
}

const schema = {
  type: 'object',
  required: ['id', 'title', 'source', 'metrics', 'values'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    source: { type: 'string' },
    metrics: { type: 'object', additionalProperties: { type: 'string' } },
    values: { type: 'array', items: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } } },
    notes: { type: 'string' },
    notRunHere: { type: 'string' },
    columns: { type: 'array', items: { type: 'string' } },
    rows: { type: 'array', items: { type: 'array', items: { type: ['string', 'number', 'null'] } } },
  },
} as const;
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

export function loadPublished(id: string): PublishedTable {
  const f = join(paths.paperData(), `${id}.json`);
  if (!existsSync(f)) throw new UserError(`no published table '${id}' (${f})`);
  const data: unknown = JSON.parse(readFileSync(f, 'utf8'));
  if (!validate(data)) throw new UserError(`${f}: ${validate.errors?.[0]?.instancePath ?? ''} ${validate.errors?.[0]?.message ?? 'invalid'}`);
  return data as unknown as PublishedTable;
}

/** The published value of `metric` at the cell matching every given factor, or undefined. */
export function publishedValue(table: PublishedTable, where: Readonly<Record<string, string | number>>, metric: string): number | string | undefined {
  const row = table.values.find((v) => Object.entries(where).every(([k, w]) => v[k] === w));
  const value = row?.[metric];
  return value === null ? undefined : value;
}
