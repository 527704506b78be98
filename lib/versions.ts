import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';

/** Versions of the packages a result depends on; recorded in every result file. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node };
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
