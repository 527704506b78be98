import type { MachineInfo } from '../versions';
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { paths } from '../paths';
import type { BackendInfo } from '../backend';
import { UserError } from '../errors';
import { readCheckpoint, type TrainStatus } from '../solvers';
import { configHash, validateTrainConfig, type TrainConfig } from './config';
import type { RunMetrics } from './evaluate';

/**
 * A run folder (what `otbook train --out DIR` writes) and the promises made about it:
 * - it is created, or refused with one line, whatever the path (empty, a file, under a file, unwritable, /proc);
 * - one writer at a time: a lock file names its process (pid and start time), and a lock whose process is gone is
 *   taken over, so a killed run never leaves the folder stuck;
 * - a run is never replaced without `force`, nor continued without `resume`; a replaced run's records are removed
 *   (metrics first) before the new config is written, so a kill never leaves a new config beside old results;
 * - every record is written atomically (temporary file, then rename) and read back validated: a corrupt or
 *   foreign file is a UserError that names it, never a crash;
 * - temporary files of a writer that died are removed when the next writer takes the lock.
 */

/** DIR/metrics.json: what a run did and measured, with everything needed to trust and repeat it. */
export interface RunRecord {
  readonly status: TrainStatus;
  readonly method: string;
  readonly pair: string;
  readonly dim: number;
  readonly seed: number;
  readonly iterations: number;
  readonly iterationsDone: number;
  readonly divergedAt?: number;
  readonly resumedFrom?: number;
  /** Set when Ctrl-C stopped the evaluation after training had completed (the checkpoint is the trained one). */
  readonly interruptedIn?: 'evaluation';
  readonly trainSeconds: number;
  /** Set when the run trained in a group of this many runs (trainGroup); trainSeconds are then the group's. */
  readonly groupSize?: number;
  readonly configHash: string;
  readonly backend: BackendInfo;
  readonly versions: Record<string, string>;
  readonly metrics?: RunMetrics;
  readonly finishedAt: string;
  /**
   * The machine that trained the run, read when its record is written (the BLAS entry after the backend loaded it).
   * Records from before this field get one when shipped (campaign.ts), marked by `recorded`.
   */
  readonly machine?: MachineInfo & { readonly recorded?: string };
}

export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.json',
  samples: 'samples.json',
  loss: 'loss.csv',
  checkpoint: 'checkpoint.bin',
  /** Written in a copy of a shipped run (which has no checkpoint): where it was copied from. */
  origin: 'origin.json',
  lock: '.lock',
} as const;

/** The files of a run, in the order a replaced run loses them: its results first, its config last. */
const RUN_RECORDS = [RUN_FILES.metrics, RUN_FILES.samples, RUN_FILES.checkpoint, RUN_FILES.origin, RUN_FILES.loss, RUN_FILES.config] as const;

/** Temporary files of an atomic write (ours: NAME.tmp-PID), left behind only by a writer that was killed. */
const TEMPORARY = /\.tmp(-\d+)?$/;

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // eslint-disable-next-line no-control-regex
  return text.split('\n')[0].replace(/[\u0000-\u001f]/g, ' ').trim();
}

const WHY: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOENT: 'the file system does not allow it here',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

function why(e: unknown): string {
  return WHY[errorCode(e)] ?? firstLine(e);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    // ENOTDIR: a component of the path is a file; the walk up finds and names it.
    if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') return null;
    throw e;
  }
}

/**
 * Creates the folder `dir` and its missing parents for a command's output (`what` names the flag in messages).
 * One folder at a time, from the nearest existing one down: node's recursive mkdir loops forever where a parent
 * exists but refuses children (/proc). Every failure is a UserError of one line.
 */
export function ensureDirectory(dir: string, what: string): string {
  if (dir.trim() === '') throw new UserError(`${what}: the path is empty; give a folder, e.g. ${what} run1`);
  if (dir.includes('\0')) throw new UserError(`${what}: the path contains a NUL byte`);
  const abs = resolve(dir);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    let st: Stats | null;
    try {
      st = statOrNull(at);
    } catch (e) {
      throw new UserError(`${what} ${dir}: ${at} cannot be reached (${why(e)})`);
    }
    if (st) {
      if (!st.isDirectory()) throw new UserError(at === abs ? `${what} ${dir}: is a file, not a folder` : `${what} ${dir}: ${at} is a file, so no folder can be made under it`);
      break;
    }
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      if (errorCode(e) === 'EEXIST' && statOrNull(m)?.isDirectory()) continue; // made by another process meanwhile
      throw new UserError(`${what} ${dir}: cannot create ${m} (${why(e)})`);
    }
  }
  try {
    accessSync(abs, constants.W_OK);
  } catch (e) {
    throw new UserError(`${what} ${dir}: the folder is not writable (${why(e)})`);
  }
  return abs;
}

/** Writes JSON atomically: a temporary file beside it, then a rename over the old one. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (e) {
    throw new UserError(`${path}: cannot be written (${why(e)})`);
  }
}

/** Reads a JSON file; a missing, unreadable or invalid one is a UserError naming it, with `hint` (what to do). */
export function readJsonFile(path: string, hint: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: ${errorCode(e) === 'ENOENT' ? 'missing' : `cannot be read (${why(e)})`}; ${hint}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${firstLine(e)}); ${hint}`);
  }
}

// ── Records ────────────────────────────────────────────────────────────────────────────────────────────────

const STATUSES: readonly string[] = ['completed', 'diverged', 'interrupted'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The run's configuration (DIR/config.json), validated like every configuration (validateTrainConfig). */
export function readRunConfig(dir: string): TrainConfig {
  const f = join(dir, RUN_FILES.config);
  if (!existsSync(f)) throw new UserError(`${dir} is not a run folder: ${RUN_FILES.config} is missing`);
  return validateTrainConfig(readJsonFile(f, 'restore it, or train the run again with --force'), f);
}

/** The run's record (DIR/metrics.json), or null when the run has not ended. A corrupt record is a UserError. */
export function readRunRecord(dir: string): RunRecord | null {
  const f = join(dir, RUN_FILES.metrics);
  if (!existsSync(f)) return null;
  const hint = 'delete it and run otbook train --resume (or otbook eval) to write it again';
  const raw = readJsonFile(f, hint);
  const bad = (field: string) => new UserError(`${f}: not a run record (field ${field}); ${hint}`);
  if (!isObject(raw)) throw bad('(top level)');
  if (typeof raw.status !== 'string' || !STATUSES.includes(raw.status)) throw bad('status');
  if (typeof raw.configHash !== 'string') throw bad('configHash');
  // The other fields are checked where present (records written by hand for tests carry only what they test).
  for (const k of ['dim', 'seed', 'iterations', 'iterationsDone', 'divergedAt', 'resumedFrom', 'trainSeconds', 'groupSize'] as const) if (raw[k] !== undefined && typeof raw[k] !== 'number') throw bad(k);
  if (raw.method !== undefined && typeof raw.method !== 'string') throw bad('method');
  if (!isObject(raw.backend)) throw bad('backend');
  if (raw.metrics !== undefined && (!isObject(raw.metrics) || typeof raw.metrics.dTarget !== 'number')) throw bad('metrics');
  return raw as unknown as RunRecord;
}

/** What an experiment's results folder says it holds (DIR/experiment.json). */
export interface ExperimentMeta {
  readonly name: string;
  readonly scale: string;
  readonly title?: string;
  readonly source?: string;
  readonly cells?: readonly string[];
  readonly mergedFrom?: readonly string[];
}

export function readExperimentMeta(dir: string): ExperimentMeta {
  const f = join(dir, 'experiment.json');
  if (!existsSync(f)) throw new UserError(`${dir} holds no experiment.json (not a results folder of otbook run)`);
  const raw = readJsonFile(f, 'run the experiment into this folder again (otbook run keeps finished cells) to rewrite it');
  if (!isObject(raw) || typeof raw.name !== 'string' || typeof raw.scale !== 'string') {
    throw new UserError(`${f}: not an experiment record (it needs a name and a scale); run the experiment into this folder again to rewrite it`);
  }
  return raw as unknown as ExperimentMeta;
}

/** The configuration hash a checkpoint was written with; a missing, empty, truncated or foreign file is a UserError. */
function checkpointHash(dir: string): string | undefined {
  const h = withRunCheckpoint(dir, () => readCheckpoint(dir)).meta.configHash;
  return typeof h === 'string' ? h : undefined;
}

/**
 * Checks, before any model is built, that DIR's checkpoint is there, readable, and was written by the run of
 * `config` (its configuration hash): what `otbook eval` and `otbook map` load.
 */
export function checkRunCheckpoint(dir: string, config: TrainConfig): void {
  const made = checkpointHash(dir);
  if (made !== undefined && made !== configHash(config)) {
    throw new UserError(`${join(dir, RUN_FILES.checkpoint)}: written by a run of configuration ${made}, but ${RUN_FILES.config} hashes to ${configHash(config)}; train the run again with --force`);
  }
}

/** Marks DIR as a copy of the shipped run `from` (origin.json), whose checkpoint was never shipped. */
export function markShippedCopy(dir: string, from: string): void {
  writeJsonAtomic(join(dir, RUN_FILES.origin), { shippedFrom: from });
}

/** The shipped run DIR was copied from (origin.json), or null. */
function shippedOrigin(dir: string): string | null {
  const f = join(dir, RUN_FILES.origin);
  if (!existsSync(f)) return null;
  try {
    const o = JSON.parse(readFileSync(f, 'utf8')) as { shippedFrom?: unknown };
    return typeof o.shippedFrom === 'string' ? o.shippedFrom : null;
  } catch {
    return null;
  }
}

/** Why DIR has no checkpoint, in one line: a shipped run (or a copy of one) never had one here. */
function missingCheckpoint(dir: string, f: string): string {
  const shipped = shippedOrigin(dir) ?? (isUnderShippedRuns(dir) ? dir : null);
  if (shipped !== null) {
    const what = shipped === dir ? 'this is a shipped run' : `this run is a copy of the shipped run ${shipped}`;
    return `${f}: missing; ${what}, and shipped runs keep their records but no checkpoint; train the configuration again to get its weights (otbook train --config ${join(dir, RUN_FILES.config)} --out NEW_DIR)`;
  }
  return `${f}: missing; the run has no trained weights (train it, or resume it with otbook train --resume)`;
}

/** Whether DIR lies under the shipped runs (data/runs, or OTBOOK_SHIPPED_RUNS). */
export function isUnderShippedRuns(dir: string): boolean {
  const rel = relative(resolve(paths.shippedRuns()), resolve(dir));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Runs `load` (which reads DIR's checkpoint into a model) and turns its failures into a UserError naming the file:
 * a missing, empty, truncated, corrupt or foreign checkpoint is bad input, not a bug.
 */
export function withRunCheckpoint<T>(dir: string, load: () => T): T {
  const f = join(dir, RUN_FILES.checkpoint);
  let size = -1;
  try {
    size = statSync(f).size;
  } catch {
    throw new UserError(missingCheckpoint(dir, f));
  }
  if (size === 0) throw new UserError(`${f}: empty (0 bytes); train the run again with --force`);
  try {
    return load();
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${f}: not a checkpoint of this run (${firstLine(e)}); train the run again with --force`);
  }
}

/**
 * Refuses, with one line, a run whose weights are not a usable result: a diverged run (its weights are not
 * finite or meaningless) and a run whose record or checkpoint is missing. `action` says what was asked for.
 */
export function usableRun(dir: string, action: string): { config: TrainConfig; record: RunRecord | null } {
  const config = readRunConfig(dir);
  const record = readRunRecord(dir);
  if (record?.status === 'diverged') {
    throw new UserError(`${dir}: the run diverged${record.divergedAt !== undefined ? ` at iteration ${record.divergedAt}` : ''} (${RUN_FILES.metrics}); it has no map to ${action}; train again with a smaller --lr`);
  }
  if (record && record.configHash !== configHash(config)) {
    throw new UserError(`${dir}: ${RUN_FILES.config} was changed after the run (its hash ${configHash(config)} is not the ${record.configHash} of ${RUN_FILES.metrics}); restore it, or train again with --force`);
  }
  return { config, record };
}

// ── The lock ───────────────────────────────────────────────────────────────────────────────────────────────

interface LockOwner {
  readonly pid: number;
  /** The process's start time (Linux: clock ticks after boot, /proc/PID/stat), so a reused pid is not mistaken for it. */
  readonly started: string | null;
  readonly host: string;
  readonly since: string;
}

/** A process's start time, or null where /proc is not available. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // another machine's process: we cannot tell, so it holds the lock
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if (errorCode(e) === 'ESRCH') return false;
  }
  const started = processStartTime(owner.pid);
  return !(owner.started !== null && started !== null && started !== owner.started);
}

/** The process of this machine that holds DIR's lock (a run training now), or null: no lock, a stale one, another machine's. */
export function runFolderHolder(dir: string): { readonly pid: number; readonly since: string } | null {
  const owner = readOwner(join(dir, RUN_FILES.lock));
  if (typeof owner !== 'object' || owner.host !== hostname() || !isAlive(owner)) return null;
  return { pid: owner.pid, since: owner.since };
}

/** A process's parent pid and the script it runs (argv[1], resolved against its working directory), from /proc; null where unreadable. */
function processScript(pid: number): { readonly ppid: number; readonly script: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    if (!Number.isInteger(ppid) || !argv[1]) return null;
    const script = resolve(cwd, argv[1]);
    // The same file under another name (a symlinked bin, as npx starts it) is the same script.
    return { ppid, script: existsSync(script) ? realpathSync(script) : script };
  } catch {
    return null;
  }
}

/**
 * The process to interrupt to stop the run that `pid` trains: `pid` itself, or the otbook process that started it as
 * a worker (the parent running the same script: a sweep's --jobs workers), which passes the interrupt on to every
 * worker and starts no further cell. Interrupting a worker alone would let its parent start the next group.
 */
export function trainingRoot(pid: number): number {
  let root = pid;
  for (let own = processScript(pid); own; ) {
    const parent = processScript(own.ppid);
    if (!parent || parent.script !== own.script) break;
    root = own.ppid;
    own = parent;
  }
  return root;
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return errorCode(e) === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { pid: o.pid, started: o.started ?? null, host: o.host, since: String(o.since ?? '') };
  } catch {
    /* fall through */
  }
  return 'unreadable';
}

const sameOwner = (a: LockOwner | 'gone' | 'unreadable', b: LockOwner) => typeof a === 'object' && a.pid === b.pid && a.started === b.started && a.since === b.since && a.host === b.host;

/**
 * Removes a lock judged stale. Another process may have judged it stale too, taken it over and written its own
 * lock meanwhile: the lock is moved aside first, and put back if what was moved is not the stale one.
 */
function breakStaleLock(path: string, stale: LockOwner | null): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // already gone: someone else broke it
  }
  const moved = readOwner(aside);
  if (stale !== null && !sameOwner(moved, stale)) {
    try {
      linkSync(aside, path);
    } catch {
      /* a new lock exists: it wins */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* nothing to clean */
  }
}

/** An unreadable lock younger than this is being written by its owner; older, its owner died while writing it. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

export interface RunLock {
  readonly dir: string;
  /** Removes the lock (only if it is still this process's). */
  release(): void;
}

/**
 * Takes DIR's lock for this process, or refuses with one line naming the process that holds it. A lock whose
 * process has ended (killed, crashed), or whose pid now belongs to another process, is taken over. Having the
 * lock, the folder's leftover temporary files (of a killed writer) are removed.
 */
export function lockRunFolder(dir: string, what = dir): RunLock {
  const path = join(dir, RUN_FILES.lock);
  const me: LockOwner = { pid: process.pid, started: processStartTime(process.pid), host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw new UserError(`${what}: cannot write in the folder (${why(e)})`);
      const owner = readOwner(path);
      if (owner === 'gone') continue;
      if (owner === 'unreadable') {
        const age = Date.now() - (statOrNull(path)?.mtimeMs ?? 0);
        if (age < UNREADABLE_LOCK_GRACE_MS) throw new UserError(`${what}: in use by another otbook process (its lock ${path} is being written)`);
        breakStaleLock(path, null);
        continue;
      }
      if (isAlive(owner)) {
        const remote = owner.host !== me.host ? ` on ${owner.host} (if no otbook runs there, delete ${path})` : '';
        throw new UserError(`${what}: in use by another otbook process (pid ${owner.pid}${remote}, since ${owner.since}); wait for it to end, or stop it`);
      }
      breakStaleLock(path, owner);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    removeTemporaryFiles(dir);
    return {
      dir,
      release() {
        if (sameOwner(readOwner(path), me)) {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        }
      },
    };
  }
  throw new UserError(`${what}: could not take the lock ${path}; other processes keep taking it`);
}

/** Temporary files in a locked folder are a killed writer's (every writer holds the lock): remove them. */
function removeTemporaryFiles(dir: string): void {
  for (const f of readdirSync(dir)) {
    if (!TEMPORARY.test(f)) continue;
    try {
      unlinkSync(join(dir, f));
    } catch {
      /* gone meanwhile */
    }
  }
}

// ── Opening a run folder for training ──────────────────────────────────────────────────────────────────────

export interface OpenOptions {
  /** Continue the run in the folder (same configuration) from its checkpoint. */
  readonly resume?: boolean;
  /** Replace whatever run the folder holds. */
  readonly force?: boolean;
}

/** A run folder opened for training: locked, checked, and either finished already or ready to (re)start. */
export interface OpenedRun {
  readonly lock: RunLock;
  /** The run is over (completed or diverged) with this configuration: nothing to train. */
  readonly finished?: RunRecord;
  /** Training continues from DIR's checkpoint (else it starts at iteration 0). */
  readonly resumeFromCheckpoint: boolean;
}

function holdsRun(dir: string): boolean {
  return RUN_RECORDS.some((f) => existsSync(join(dir, f)));
}

function describeRun(dir: string): string {
  try {
    const r = readRunRecord(dir);
    if (r) return `a ${r.status} run (${r.iterationsDone}/${r.iterations} iterations)`;
  } catch {
    return 'a run with an unreadable record';
  }
  return 'an unfinished run';
}

/** Removes a run's files, results first, so that at every moment what is left is consistent. */
function invalidateRun(dir: string): void {
  for (const f of RUN_RECORDS) {
    try {
      unlinkSync(join(dir, f));
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw new UserError(`${join(dir, f)}: cannot be removed (${why(e)})`);
    }
  }
}

/** The checks of --resume; returns whether training continues from the checkpoint, or the finished record. */
function checkResume(dir: string, config: TrainConfig): { finished?: RunRecord; fromCheckpoint: boolean } {
  const hash = configHash(config);
  const configFile = join(dir, RUN_FILES.config);
  const hasCheckpoint = existsSync(join(dir, RUN_FILES.checkpoint));
  if (!existsSync(configFile)) {
    if (holdsRun(dir)) throw new UserError(`cannot resume in ${dir}: it holds run files but no ${RUN_FILES.config}; use --force to start again`);
    return { fromCheckpoint: false };
  }
  const old = readRunConfig(dir);
  const oldHash = configHash(old);
  if (oldHash !== hash) {
    throw new UserError(`cannot resume in ${dir}: it holds a run with another configuration (${oldHash} ≠ ${hash}); use a new --out, or --force to replace it`);
  }
  const record = readRunRecord(dir);
  if (record && record.configHash !== hash) {
    throw new UserError(
      `cannot resume in ${dir}: ${RUN_FILES.config} was changed after the run started (${RUN_FILES.metrics} records configuration ${record.configHash}, ${RUN_FILES.config} now hashes to ${hash}); restore it, or use --force to start again with it`,
    );
  }
  const made = hasCheckpoint ? checkpointHash(dir) : undefined;
  if (made !== undefined && made !== hash) {
    throw new UserError(
      `cannot resume in ${dir}: ${RUN_FILES.checkpoint} was made with configuration ${made} but ${RUN_FILES.config} hashes to ${hash} (config.json edited, or a checkpoint of another run); restore the one that belongs, or use --force to start again`,
    );
  }
  if (record && (record.status === 'completed' || record.status === 'diverged') && !record.interruptedIn) return { finished: record, fromCheckpoint: false };
  if (record && record.iterationsDone > 0 && !hasCheckpoint) {
    throw new UserError(`cannot resume in ${dir}: ${RUN_FILES.metrics} says ${record.iterationsDone} iterations were done, but ${RUN_FILES.checkpoint} is missing; use --force to start again`);
  }
  return { fromCheckpoint: hasCheckpoint };
}

/**
 * Opens DIR for training `config`: creates and locks it, then
 * - with `resume`: continues the run it holds (same configuration, checked against config.json, metrics.json
 *   and the checkpoint), returns it as finished when it has ended, or starts afresh when DIR holds no run;
 * - with `force`: removes the run it holds;
 * - otherwise refuses a DIR that holds a run.
 * A fresh run's config.json is written after the old records are gone. The caller releases the lock.
 */
export function openRunFolder(dir: string, config: TrainConfig, options: OpenOptions = {}): OpenedRun {
  if (options.resume && options.force) throw new UserError('--resume continues the run in the folder and --force replaces it: give one of them');
  ensureDirectory(dir, '--out');
  const lock = lockRunFolder(dir, `--out ${dir}`);
  try {
    if (options.resume) {
      const { finished, fromCheckpoint } = checkResume(dir, config);
      if (finished) return { lock, finished, resumeFromCheckpoint: false };
      if (fromCheckpoint) return { lock, resumeFromCheckpoint: true };
    } else if (holdsRun(dir) && !options.force) {
      throw new UserError(`--out ${dir} already holds ${describeRun(dir)}; use --resume to continue it, --force to replace it, or another --out`);
    }
    invalidateRun(dir);
    writeJsonAtomic(join(dir, RUN_FILES.config), config);
    return { lock, resumeFromCheckpoint: false };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Copies a finished run's files into another folder (a sweep reusing a run, a merge). */
export function copyRunFolder(from: string, to: string): void {
  if (resolve(from) === resolve(to)) return;
  ensureDirectory(to, 'copy of a run');
  for (const f of readdirSync(from)) {
    if (f === RUN_FILES.lock || TEMPORARY.test(f)) continue;
    copyFileSync(join(from, f), join(to, f));
  }
}
