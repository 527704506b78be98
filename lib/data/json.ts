/** Narrowing helpers for JSON read from files (no `any`): each names the file and the field when it fails. */
import { UserError } from '../errors';

export type JsonObject = { readonly [key: string]: unknown };

export function asObject(v: unknown, where: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UserError(`${where}: expected an object, got ${JSON.stringify(v)?.slice(0, 60)}`);
  return v as JsonObject;
}

export function field(o: JsonObject, key: string, where: string): unknown {
  if (!(key in o)) throw new UserError(`${where}: field '${key}' is missing`);
  return o[key];
}

export function objectField(o: JsonObject, key: string, where: string): JsonObject {
  return asObject(field(o, key, where), `${where}.${key}`);
}

export function numberField(o: JsonObject, key: string, where: string): number {
  const v = field(o, key, where);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${where}.${key}: expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

export function stringField(o: JsonObject, key: string, where: string): string {
  const v = field(o, key, where);
  if (typeof v !== 'string') throw new UserError(`${where}.${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

export function numberArrayField(o: JsonObject, key: string, where: string): number[] {
  const v = field(o, key, where);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new UserError(`${where}.${key}: expected an array of finite numbers`);
  }
  return v as number[];
}

export function arrayField(o: JsonObject, key: string, where: string): unknown[] {
  const v = field(o, key, where);
  if (!Array.isArray(v)) throw new UserError(`${where}.${key}: expected an array`);
  return v;
}
