import { UserError } from '../errors';

/** Declarative flags of one subcommand. */
export type FlagKind = 'string' | 'number' | 'integer' | 'boolean';
export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  /** Short placeholder shown in help, e.g. 'FILE'. */
  readonly value?: string;
  /** Restricts string values. */
  readonly choices?: readonly string[];
}
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  /** Flags given, keyed by their long name without dashes (e.g. 'inner-steps'). */
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly positionals: readonly string[];
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name`. Unknown flags, missing values and values of
 * the wrong kind are UserErrors that name the flag and what is allowed.
 */
export function parseArgs(argv: readonly string[], specs: FlagSpecs, command: string): ParsedArgs {
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
      throw new UserError(`otbook ${command}: unknown flag --${name}; allowed: ${known}`);
    }
    let raw: string | undefined;
    if (spec.kind === 'boolean') {
      if (eq >= 0) raw = a.slice(eq + 1);
      flags[name] = raw === undefined ? true : parseBoolean(raw, name, command);
      continue;
    }
    if (eq >= 0) raw = a.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) {
        throw new UserError(`otbook ${command}: flag --${name} needs a value (${spec.value ?? spec.kind})`);
      }
      i++;
    }
    flags[name] = convert(raw, spec, name, command);
  }
  return { flags, positionals };
}

function parseBoolean(raw: string, name: string, command: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new UserError(`otbook ${command}: --${name}=${raw} is not a boolean (true or false)`);
}

function convert(raw: string, spec: FlagSpec, name: string, command: string): FlagValue {
  switch (spec.kind) {
    case 'string':
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new UserError(`otbook ${command}: --${name} ${raw} is not allowed; choose one of: ${spec.choices.join(', ')}`);
      }
      return raw;
    case 'number':
    case 'integer': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) {
        throw new UserError(`otbook ${command}: --${name} ${raw} is not a finite number`);
      }
      if (spec.kind === 'integer' && !Number.isInteger(v)) {
        throw new UserError(`otbook ${command}: --${name} ${raw} is not an integer`);
      }
      return v;
    }
    default:
      return parseBoolean(raw, name, command);
  }
}

export function formatHelp(command: string, summary: string, usage: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([k, s]) => {
    const left = `  --${k}${s.kind === 'boolean' ? '' : ` ${s.value ?? s.kind.toUpperCase()}`}`;
    const choices = s.choices ? ` (${s.choices.join('|')})` : '';
    return `${left.padEnd(30)} ${s.help}${choices}`;
  });
  return `otbook ${command}: ${summary}\n\nusage: ${usage}\n\n${rows.join('\n')}\n`;
}

/** Typed accessors for parsed flags. */
export function flagString(a: ParsedArgs, name: string): string | undefined {
  const v = a.flags[name];
  return typeof v === 'string' ? v : undefined;
}
export function flagNumber(a: ParsedArgs, name: string): number | undefined {
  const v = a.flags[name];
  return typeof v === 'number' ? v : undefined;
}
export function flagBool(a: ParsedArgs, name: string): boolean {
  return a.flags[name] === true;
}
export function requireFlag<T>(value: T | undefined, name: string, command: string): T {
  if (value === undefined) throw new UserError(`otbook ${command}: --${name} is required`);
  return value;
}
