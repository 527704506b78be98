import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { repoRoot } from './paths';

const commits = new Map<string, string | null>();

/**
 * The git commit of the otbook checkout at `root`, with ' (modified)' when tracked files differed from it; null
 * outside a git checkout or without git. Read once per process and root: the code a process runs is the code it
 * loaded, so a later edit does not change what its results were computed with. Why it is recorded: the package
 * version alone does not say which kernels computed a result (a change of summation order moves the last digits).
 */
export function otbookCommit(root: string = repoRoot()): string | null {
  const known = commits.get(root);
  if (known !== undefined) return known;
  const git = (args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8', timeout: 10_000 });
  const head = git(['rev-parse', '--show-toplevel', 'HEAD']);
  const [top, hash] = (head.status === 0 ? head.stdout : '').trim().split('\n');
  // Only the checkout that is otbook itself: a copy of otbook inside another project's repository is not its commit.
  let commit: string | null = null;
  if (top && hash && /^[0-9a-f]{40}$/.test(hash) && realPath(top) === realPath(root)) {
    const status = git(['status', '--porcelain', '--untracked-files=no']);
    commit = status.status === 0 && status.stdout.trim() !== '' ? `${hash} (modified)` : hash;
  }
  commits.set(root, commit);
  return commit;
}

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Versions of the packages a result depends on, and otbook's git commit where it runs from a checkout; recorded in every result file. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node };
  const commit = otbookCommit();
  if (commit) out['otbook-commit'] = commit;
  for (const pkg of ['otbook', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    try {
      const path = pkg === 'otbook' ? '../package.json' : `${pkg}/package.json`;
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      out[pkg] = (require(path) as { version: string }).version;
    } catch {
      /* not installed */
    }
  }
  return out;
}

/** The machine a result was measured on: CPU model and count, memory, OS, and the BLAS library loaded (if any). */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  /** The BLAS shared library this process has loaded (e.g. 'libopenblasp-r0.3.21.so'), or 'none loaded'. */
  readonly blas: string;
}

/** Reads MachineInfo now. The BLAS entry is read from /proc/self/maps, so call it after the backend is selected. */
export function machineInfo(): MachineInfo {
  let blas = 'none loaded';
  try {
    const libs = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop() ?? '')
      .filter((p) => /blas/i.test(p));
    if (libs.length) blas = libs[0].split('/').pop() ?? libs[0];
  } catch {
    blas = 'unknown (no /proc/self/maps)';
  }
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    blas,
  };
}
