import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../errors';
import { paths } from '../paths';
import { configHash, validateTrainConfig, type TrainConfig } from './config';
import { scaledPeriod } from './defaults';
import type { Cell } from './registry';
import type { Scale } from './scale';

/**
 * Settings a researcher may change for every cell of an experiment at once (a notebook's settings cell, or
 * `otbook run <experiment> --iterations …`). A field left undefined keeps each cell's own value; a field set to the
 * value every cell already has changes nothing, so unedited settings give the registered cells exactly (the same
 * configurations and hashes as the runs shipped in data/runs).
 */
export interface CellSettings {
  /** Outer iterations K (OTP's period P, the log and checkpoint cadences scale with it). */
  iterations?: number;
  /** Map steps per potential step, K_T. */
  innerSteps?: number;
  /** Adam's learning rate. */
  lr?: number;
  batchSize?: number;
  /** Hidden widths of both networks. */
  hidden?: number[];
  /** The seeds each cell runs with. */
  seeds?: number[];
}

export const SETTING_NAMES = ['iterations', 'innerSteps', 'lr', 'batchSize', 'hidden', 'seeds'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

const positiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const integerList = (v: unknown, min: number): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= min);

/** Settings as given (a notebook's object, a JSON string of a worker's flags), checked: one line per bad value. */
export function checkSettings(raw: unknown, origin = 'settings'): CellSettings {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${origin}: expected an object of settings (${SETTING_NAMES.join(', ')}); got ${JSON.stringify(raw)}`);
  const s = raw as Record<string, unknown>;
  for (const k of Object.keys(s)) {
    if (!(SETTING_NAMES as readonly string[]).includes(k)) throw new UserError(`${origin}: unknown setting '${k}'; settings: ${SETTING_NAMES.join(', ')}`);
  }
  const bad = (k: string, allowed: string) => new UserError(`${origin}: ${k} ${JSON.stringify(s[k])} is not allowed; use ${allowed}`);
  for (const k of ['iterations', 'innerSteps', 'batchSize'] as const) if (s[k] !== undefined && !positiveInteger(s[k])) throw bad(k, 'a positive integer');
  if (s.lr !== undefined && !(typeof s.lr === 'number' && Number.isFinite(s.lr) && s.lr > 0)) throw bad('lr', 'a positive number, e.g. 1e-4');
  if (s.hidden !== undefined && !integerList(s.hidden, 1)) throw bad('hidden', 'a list of positive widths, e.g. [1024] or [256, 256]');
  if (s.seeds !== undefined && !(integerList(s.seeds, 0) && new Set(s.seeds).size === s.seeds.length)) throw bad('seeds', 'a list of distinct non-negative integers, e.g. [0, 1, 2]');
  const out: CellSettings = {};
  for (const k of SETTING_NAMES) if (s[k] !== undefined) (out as Record<string, unknown>)[k] = s[k];
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A cell's configuration with the settings applied (seeds aside). */
function applyToConfig(config: TrainConfig, s: CellSettings, cellId: string): TrainConfig {
  let c: TrainConfig = { ...config };
  if (s.iterations !== undefined && s.iterations !== config.iterations) {
    const k = s.iterations;
    const scale = (every: number) => scaledPeriod(every, config.iterations, k);
    c = {
      ...c,
      iterations: k,
      logEvery: scale(config.logEvery),
      checkpointEvery: scale(config.checkpointEvery),
      // OTP Eq. 38: the same number of σ levels over the shorter or longer run (as `otbook train` scales P).
      ...(config.smoothing && config.smoothing.schedule !== 'constant' ? { smoothing: { ...config.smoothing, period: scale(config.smoothing.period) } } : {}),
      ...(config.not ? { not: { ...config.not, gammaWarmup: Math.round((config.not.gammaWarmup * k) / config.iterations) } } : {}),
    };
  }
  if (s.innerSteps !== undefined) c.innerSteps = s.innerSteps;
  if (s.lr !== undefined) c.lr = s.lr;
  if (s.batchSize !== undefined) c.batchSize = s.batchSize;
  if (s.hidden !== undefined && !same(s.hidden, config.potential.hidden)) c = { ...c, potential: { ...c.potential, hidden: [...s.hidden] }, map: { ...c.map, hidden: [...s.hidden] } };
  // Unchanged, the cell keeps its own object: its hash (over the serialised fields, in their order) cannot move.
  return same(c, config) ? config : validateTrainConfig(c, `settings of cell ${cellId}`);
}

const seedOf = (cell: Cell) => Number(cell.factors.seed ?? cell.config.seed);
const withoutSeed = (id: string) => id.replace(/-s\d+$/, '');

/**
 * The cells of an experiment with the settings applied. Seeds: each cell is run with every seed listed (a
 * registered cell of that seed is used as it is; a new seed copies the cell of the lowest registered seed).
 */
export function applySettings(cells: readonly Cell[], settings: CellSettings = {}): Cell[] {
  const s = checkSettings(settings);
  let seeded: Cell[] = [...cells];
  if (s.seeds) {
    const rows = new Map<string, Cell[]>();
    for (const c of cells) rows.set(withoutSeed(c.id), [...(rows.get(withoutSeed(c.id)) ?? []), c]);
    seeded = [...rows].flatMap(([row, group]) => {
      const base = [...group].sort((a, b) => seedOf(a) - seedOf(b))[0];
      return (s.seeds ?? []).map((seed) => group.find((c) => seedOf(c) === seed) ?? { id: `${row}-s${seed}`, factors: { ...base.factors, seed }, config: { ...base.config, seed } });
    });
  }
  return seeded.map((c) => ({ ...c, config: applyToConfig(c.config, s, c.id) }));
}

/** Whether the settings change anything: a cell added, dropped, or run with another configuration. */
export function settingsChange(cells: readonly Cell[], settings: CellSettings = {}): boolean {
  const edited = applySettings(cells, settings);
  const before = new Map(cells.map((c) => [c.id, configHash(c.config)]));
  return edited.length !== cells.length || edited.some((c) => before.get(c.id) !== configHash(c.config));
}

/** Whether only the seeds changed (the hyperparameters are the registered ones, so the evidence level stays). */
export function onlySeedsChange(cells: readonly Cell[], settings: CellSettings = {}): boolean {
  const { seeds: _seeds, ...rest } = checkSettings(settings);
  return !settingsChange(cells, rest);
}

/** The values of a setting over the cells: one value when they agree, else every distinct value. */
export function settingValues(cells: readonly Cell[], name: SettingName): unknown[] {
  const of = (c: Cell): unknown => {
    switch (name) {
      case 'iterations':
        return c.config.iterations;
      case 'innerSteps':
        return c.config.innerSteps;
      case 'lr':
        return c.config.lr;
      case 'batchSize':
        return c.config.batchSize;
      case 'hidden':
        return c.config.potential.hidden;
      case 'seeds':
        return seedOf(c);
    }
  };
  if (name === 'seeds') return [[...new Set(cells.map(of) as number[])].sort((a, b) => a - b)];
  const seen = new Map<string, unknown>();
  for (const c of cells) seen.set(JSON.stringify(of(c)), of(c));
  return [...seen.values()];
}

/**
 * The settings of an experiment's cells as an object a reader may edit: each field holds the value every cell
 * shares, and is left undefined where the cells differ (e.g. iterations by dimension); setting it then applies
 * the one value to every cell.
 */
export function currentSettings(cells: readonly Cell[]): CellSettings {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const values = settingValues(cells, name);
    if (values.length === 1) out[name] = JSON.parse(JSON.stringify(values[0])) as unknown;
  }
  return out as CellSettings;
}

const shownValue = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/** The settings that change something, in words: 'iterations 500 instead of 1000 / 600; lr 0.0003 instead of 0.001' ('' when none). */
export function describeSettings(cells: readonly Cell[], settings: CellSettings = {}): string {
  const s = checkSettings(settings);
  return SETTING_NAMES.filter((k) => s[k] !== undefined && settingsChange(cells, { [k]: s[k] }))
    .map((k) => `${k} ${shownValue(s[k])} instead of ${settingValues(cells, k).map(shownValue).join(' / ')}`)
    .join('; ');
}

/**
 * Where runs of changed settings live: results/<experiment>/<scale>-settings-<hash of their configurations>, so
 * they never mix with the registered cells' runs, and the same settings find their runs again.
 */
export function settingsResultsDir(experiment: string, scale: Scale, cells: readonly Cell[], settings: CellSettings = {}): string {
  const base = join(paths.results(), experiment, scale);
  if (!settingsChange(cells, settings)) return base;
  const hashes = applySettings(cells, settings).map((c) => `${c.id}:${configHash(c.config)}`).sort();
  return `${base}-settings-${createHash('sha256').update(hashes.join('\n')).digest('hex').slice(0, 8)}`;
}

/**
 * The settings as `otbook run` flags (how a sweep hands them to its worker processes, and how a notebook prints
 * its command); given the cells, only the settings that change them.
 */
export function settingsFlags(settings: CellSettings = {}, cells?: readonly Cell[]): string[] {
  const given = checkSettings(settings);
  const s: CellSettings = cells ? Object.fromEntries(Object.entries(given).filter(([k, v]) => settingsChange(cells, { [k]: v as unknown }))) : given;
  const flags: string[] = [];
  if (s.iterations !== undefined) flags.push('--iterations', String(s.iterations));
  if (s.innerSteps !== undefined) flags.push('--inner-steps', String(s.innerSteps));
  if (s.lr !== undefined) flags.push('--lr', String(s.lr));
  if (s.batchSize !== undefined) flags.push('--batch-size', String(s.batchSize));
  if (s.hidden !== undefined) flags.push('--hidden', s.hidden.join(','));
  if (s.seeds !== undefined) flags.push('--seeds', s.seeds.join(','));
  return flags;
}
