import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './cli';

/** The JupyterLab that `bash environment/setup.sh` installs (.jupyter-env/venv). */
export const LAB_VENV = join(ROOT, '.jupyter-env', 'venv');
const JUPYTER_LAB = join(LAB_VENV, 'bin', 'jupyter-lab');
const KERNELS = join(ROOT, '.jupyter-env', 'share', 'jupyter');

/** Why a JupyterLab test cannot run here, or null. */
export function labSkipReason(): string | null {
  if (!existsSync(JUPYTER_LAB)) return `${JUPYTER_LAB} not found (bash environment/setup.sh installs JupyterLab; OTBOOK_SKIP_LAB=1 skips it)`;
  if (!existsSync(join(KERNELS, 'kernels', 'tslab', 'kernel.json'))) return 'the tslab kernel is not registered (bash environment/setup.sh)';
  return null;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; a race with another process is possible but harmless in a test). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Always off in tests: the news prompt (no network here) and the debugger, which tslab does not support and
 * which reports 'No active debugger session' as page errors.
 */
const QUIET = ['@jupyterlab/apputils-extension:announcements', '@jupyterlab/debugger-extension'];

export interface LabServer {
  readonly url: string;
  readonly token: string;
  readonly root: string;
  /** Turns JupyterLab extensions off (or on again) for pages loaded from now on (labconfig/page_config.json). */
  setDisabledExtensions(names: readonly string[]): void;
  /** Stops the server and its kernels (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** The server's output so far, for failure messages. */
  log(): string;
}

/**
 * Starts JupyterLab (with Notebook 7 on the same server) on 127.0.0.1, a free port and a random token, serving
 * `root`. Its configuration, data and runtime folders are fresh folders under `home`, so neither the user's
 * settings nor a previous run leak in; JUPYTER_PATH adds this checkout's kernel. `env` is passed to the kernels.
 */
export async function startLab(root: string, home: string, env: NodeJS.ProcessEnv = {}): Promise<LabServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const config = join(home, 'config');
  for (const d of [config, join(home, 'data'), join(home, 'runtime'), join(config, 'labconfig')]) mkdirSync(d, { recursive: true });
  const child: ChildProcess = spawn(
    JUPYTER_LAB,
    [
      `--ServerApp.root_dir=${root}`,
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      '--ServerApp.open_browser=False',
      '--allow-root',
      // No network here: no update check, no news.
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
      '--LabApp.news_url=None',
    ],
    {
      env: {
        ...process.env,
        ...env,
        JUPYTER_PATH: KERNELS,
        JUPYTER_CONFIG_DIR: config,
        JUPYTER_DATA_DIR: join(home, 'data'),
        JUPYTER_RUNTIME_DIR: join(home, 'runtime'),
        JUPYTERLAB_SETTINGS_DIR: join(home, 'lab-settings'),
        JUPYTERLAB_WORKSPACES_DIR: join(home, 'lab-workspaces'),
        IPYTHONDIR: join(home, 'ipython'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so stop() reaches the kernels it started
    },
  );
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const stop = async (): Promise<void> => {
    if (!running || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const t0 = Date.now();
  for (;;) {
    if (!running) throw new Error(`JupyterLab exited before serving:\n${out.slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - t0 > 60_000) {
      await stop();
      throw new Error(`JupyterLab did not answer within 60 s:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const server: LabServer = {
    url,
    token,
    root,
    setDisabledExtensions(names) {
      const off = [...QUIET, ...names];
      writeFileSync(join(config, 'labconfig', 'page_config.json'), JSON.stringify({ disabledExtensions: Object.fromEntries(off.map((n) => [n, true])) }));
    },
    stop,
    log: () => out,
  };
  server.setDisabledExtensions([]);
  return server;
}
