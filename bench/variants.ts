import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  installJsAdamKernel, installNativeKernels, installWasmIdentityPatch, installWasmMatMulPatch, loadNative,
  uninstallAdamKernel, uninstallNativeKernels, uninstallWasmIdentityPatch, uninstallWasmMatMulPatch,
} from '../lib/backend/kernels';

/**
 * The backend variants that bench/run.ts compares in one process, switching between them block by block
 * (kernel patches can be installed and removed at run time).
 */
export interface Variant {
  /** As reported in results.json's `backend`. */
  readonly name: string;
  readonly threads: number;
  /** Whether the fused Adam kernel is part of this variant (false: the composed fallback runs). */
  readonly fusedAdam: boolean;
  /** Makes this variant current; false when it cannot run here. */
  activate(): Promise<boolean>;
}

function wasmLoadable(): boolean {
  try {
    require('@tensorflow/tfjs-backend-wasm');
    return true;
  } catch {
    return false;
  }
}

async function use(backend: string): Promise<boolean> {
  if (backend === 'wasm' && !wasmLoadable()) return false;
  if (tf.getBackend() === backend) return true;
  const ok = await tf.setBackend(backend);
  await tf.ready();
  return ok;
}

export function variants(opts: { blasThreads: number[]; pureCpu: boolean }): Variant[] {
  const list: Variant[] = [
    {
      name: 'wasm',
      threads: 1,
      fusedAdam: false,
      async activate() {
        if (!(await use('wasm'))) return false;
        uninstallWasmMatMulPatch();
        uninstallWasmIdentityPatch();
        uninstallAdamKernel('wasm');
        return true;
      },
    },
    {
      name: 'wasm+patches',
      threads: 1,
      fusedAdam: true,
      async activate() {
        if (!(await use('wasm'))) return false;
        installJsAdamKernel('wasm');
        return installWasmMatMulPatch() && installWasmIdentityPatch();
      },
    },
  ];
  for (const t of opts.blasThreads) {
    list.push({
      name: 'cpu+native',
      threads: t,
      fusedAdam: true,
      async activate() {
        const { addon } = loadNative();
        if (!addon || !(await use('cpu'))) return false;
        addon.setNumThreads(t);
        return installNativeKernels();
      },
    });
  }
  if (opts.pureCpu) {
    list.push({
      name: 'cpu',
      threads: 1,
      fusedAdam: true,
      async activate() {
        if (!(await use('cpu'))) return false;
        uninstallNativeKernels();
        return installJsAdamKernel('cpu');
      },
    });
  }
  return list;
}
