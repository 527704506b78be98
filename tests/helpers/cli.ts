import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'otbook.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `otbook …` (the compiled dist/, built by `npm test` before the tests run). */
export function otbook(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, OTBOOK_PROGRESS: 'lines', ...env }, cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `otbook …` and sends SIGINT (or `signal`) as soon as `ready()` holds; resolves with its exit. */
export function otbookInterrupted(args: readonly string[], ready: () => boolean, env: NodeJS.ProcessEnv = {}, signal: NodeJS.Signals = 'SIGINT'): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, OTBOOK_PROGRESS: 'lines', ...env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setInterval(() => {
      if (ready()) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 20);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `otbook …` with a time limit (a hang fails the test instead of stalling the suite). */
export function otbookWithin(seconds: number, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult & { readonly seconds: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, OTBOOK_PROGRESS: 'lines', ...env }, cwd: ROOT, timeout: seconds * 1000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - t0) / 1000 };
}

/** A running `otbook …`: its process and its end. */
export interface RunningOtbook {
  readonly pid: number;
  kill(signal: NodeJS.Signals): void;
  readonly done: Promise<CliResult>;
}

export function startOtbook(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningOtbook {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, OTBOOK_PROGRESS: 'lines', ...env }, cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { pid: child.pid ?? -1, kill: (s) => child.kill(s), done };
}

/** Waits until `ready()` holds (polling every 20 ms), or fails after `seconds`. */
export async function waitFor(ready: () => boolean, seconds: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > seconds * 1000) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A user fault: exit code 2 and exactly one line on stderr, 'otbook: error: …' matching `pattern`, without a stack
 * trace or a control character (a NUL byte once slipped through).
 */
export function expectUserFault(r: CliResult, pattern: RegExp, what = ''): void {
  assert.equal(r.code, 2, `${what}: exit code ${r.code}\n${r.stderr}`);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  assert.equal(lines.length, 1, `${what}: one line expected on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^otbook: error: /, what);
  assert.match(lines[0], pattern, what);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: a stack trace`);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(lines[0], /[\u0000-\u001f]/, `${what}: a control character`);
}
