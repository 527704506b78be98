import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's CommonJS bundle registers no gradient functions (its dist/register_all_gradients.js is an ES
// module that Node cannot require). The umbrella package's CommonJS bundle registers them all into the same
// global registry; it is loaded for that side effect only (ops are always imported from tfjs-core).
import '@tensorflow/tfjs';
import { loadNative } from './kernels/native';

/**
 * Choosing the tensor backend. Order of preference: tfjs-node-gpu (CUDA), tfjs-node (libtensorflow),
 * then cpu with otbook's native OpenBLAS kernels when they are built, else wasm (XNNPACK, SIMD), else cpu (plain JS). tfjs-node and tfjs-node-gpu are optionalDependencies: their install
 * downloads libtensorflow, which fails on machines without internet, and npm then drops them.
 * `OTBOOK_BACKEND` forces one choice; forcing one that is not installed is an error, never a silent fallback.
 */
export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];

export interface BackendInfo {
  /** Our name of the choice. */
  readonly choice: BackendChoice;
  /** tfjs's own backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly tfjsBackend: string;
  /** The npm package that provides it and its version. */
  readonly package: string;
  readonly packageVersion: string;
  readonly tfjsCoreVersion: string;
  /** How the choice was made. */
  readonly reason: 'forced by OTBOOK_BACKEND' | 'best available';
  /** Kernels that otbook replaced with faster implementations on this backend (issue: speed). */
  readonly kernels: readonly string[];
  /** Backends that were tried before this one and why they were skipped. */
  readonly skipped: readonly string[];
}

const PACKAGE_OF: Record<BackendChoice, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

export class BackendUnavailableError extends Error {}

/**
 * With the native OpenBLAS kernels built (native/), cpu beats wasm at every benchmark configuration
 * (bench/run.ts: 1.6–4.2× faster, at about PyTorch's speed), so it moves ahead of wasm.
 */
function preferenceOrder(): readonly BackendChoice[] {
  return loadNative().addon ? ['node-gpu', 'node', 'cpu', 'wasm'] : BACKEND_CHOICES;
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;
const kernelPatches: Array<{ name: string; applies: (b: BackendChoice) => boolean; install: () => boolean }> = [];

/**
 * Registers an optional faster kernel set, installed right after the backend is chosen when `applies` holds.
 * `install` returns false when it cannot run here (for example, the native addon was not built).
 */
export function registerKernelPatch(name: string, applies: (b: BackendChoice) => boolean, install: () => boolean): void {
  kernelPatches.push({ name, applies, install });
}

function packageVersion(pkg: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The wasm backend's Emscripten glue installs process-wide 'uncaughtException' and 'unhandledRejection'
 * handlers that rethrow from inside its minified source, so any later uncaught error prints tens of
 * kilobytes of that source. They only serve Emscripten's exit() emulation, which tfjs does not use.
 * Returns a function that removes the handlers added since this call.
 */
function removeHandlersAddedSince(): () => void {
  const uncaught = new Set(process.listeners('uncaughtException'));
  const rejection = new Set(process.listeners('unhandledRejection'));
  return () => {
    for (const l of process.listeners('uncaughtException')) if (!uncaught.has(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!rejection.has(l)) process.removeListener('unhandledRejection', l);
  };
}

function tryLoad(choice: BackendChoice): string | null {
  try {
    const cleanup = removeHandlersAddedSince();
    try {
      require(PACKAGE_OF[choice]);
    } finally {
      cleanup();
    }
    return null;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return `${PACKAGE_OF[choice]} not loadable (${msg})`;
  }
}

const TFJS_NAME: Record<BackendChoice, string> = { 'node-gpu': 'tensorflow', node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

async function activate(choice: BackendChoice): Promise<void> {
  // The cpu backend prints a multi-line banner on first use; our one-line announcement says the same.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  const cleanup = removeHandlersAddedSince();
  try {
    const ok = await tf.setBackend(TFJS_NAME[choice]);
    if (!ok) throw new BackendUnavailableError(`backend ${choice} failed to initialise`);
    await tf.ready();
  } finally {
    cleanup();
  }
}

function parseForced(value: string | undefined): BackendChoice | null {
  if (value === undefined || value === '') return null;
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new BackendUnavailableError(
    `OTBOOK_BACKEND=${value} is not a backend; allowed: ${BACKEND_CHOICES.join(', ')}`,
  );
}

export interface SelectOptions {
  /** Overrides OTBOOK_BACKEND. */
  readonly force?: BackendChoice;
  /** Print the choice to stderr (once per process). Default true. */
  readonly announce?: boolean;
}

/** Chooses, initialises and reports the backend. Idempotent: later calls return the first choice. */
export function selectBackend(options: SelectOptions = {}): Promise<BackendInfo> {
  if (current) return Promise.resolve(current);
  if (!pending) pending = doSelect(options);
  return pending;
}

async function doSelect(options: SelectOptions): Promise<BackendInfo> {
  const forced = options.force ?? parseForced(process.env.OTBOOK_BACKEND);
  const skipped: string[] = [];
  let choice: BackendChoice | null = null;
  if (forced) {
    const why = tryLoad(forced);
    if (why) {
      pending = null;
      throw new BackendUnavailableError(
        `OTBOOK_BACKEND=${forced} was requested, but ${why}. Installed alternatives: ${availableBackends().join(', ')}`,
      );
    }
    await activate(forced);
    choice = forced;
  } else {
    for (const c of preferenceOrder()) {
      const why = tryLoad(c);
      if (why) {
        skipped.push(why);
        continue;
      }
      try {
        await activate(c);
        choice = c;
        break;
      } catch (e) {
        skipped.push(`${c}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  if (!choice) throw new BackendUnavailableError(`no tensor backend could be initialised: ${skipped.join('; ')}`);
  const kernels: string[] = [];
  for (const p of kernelPatches) if (p.applies(choice) && p.install()) kernels.push(p.name);
  current = {
    choice,
    tfjsBackend: tf.getBackend(),
    package: PACKAGE_OF[choice],
    packageVersion: packageVersion(PACKAGE_OF[choice]),
    tfjsCoreVersion: tf.version_core,
    reason: forced ? 'forced by OTBOOK_BACKEND' : 'best available',
    kernels,
    skipped,
  };
  if (options.announce ?? true) process.stderr.write(`otbook: ${describeBackend(current)}\n`);
  return current;
}

/** The backend chosen so far, or null before selectBackend() resolved. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/** Packages of the backends whose module loads here. */
export function availableBackends(): BackendChoice[] {
  return BACKEND_CHOICES.filter((c) => {
    try {
      require.resolve(PACKAGE_OF[c]);
      return true;
    } catch {
      return false;
    }
  });
}

export function describeBackend(b: BackendInfo): string {
  const k = b.kernels.length ? `; faster kernels: ${b.kernels.join(', ')}` : '';
  return `tensor backend ${b.choice} (${b.package} ${b.packageVersion}, tfjs-core ${b.tfjsCoreVersion}, ${b.reason}${k})`;
}
