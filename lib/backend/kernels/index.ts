import { registerKernelPatch } from '../select';
import { installJsAdamKernel } from './adam';
import { installSecondOrderGradientFixes } from './gradients';
import { installNativeKernels, nativeKernelsInstalled } from './native';
import { installWasmIdentityPatch, installWasmMatMulPatch } from './wasm';

export {
  ADAM_UPDATE_KERNEL,
  adamUpdate,
  adamUpdateComposed,
  adamImplementation,
  installJsAdamKernel,
  uninstallAdamKernel,
} from './adam';
export type { AdamUpdateAttrs, AdamImplementation } from './adam';
export { loadNative, installNativeKernels, uninstallNativeKernels, nativeKernelsInstalled, NATIVE_ADDON_PATH, NATIVE_KERNEL_NAMES } from './native';
export type { NativeAddon } from './native';
export { installSecondOrderGradientFixes, uninstallSecondOrderGradientFixes } from './gradients';
export {
  installWasmMatMulPatch, uninstallWasmMatMulPatch, wasmMatMulPatchInstalled, installWasmIdentityPatch,
  uninstallWasmIdentityPatch,
} from './wasm';

/** Names under which the patches appear in backendInfo().kernels. */
export const KERNEL_PATCHES = {
  wasmMatMul: 'wasm:matmul-explicit-transpose',
  wasmIdentity: 'wasm:identity-shared',
  wasmAdam: 'wasm:fused-adam-js',
  native: 'cpu:native-openblas',
  cpuAdam: 'cpu:fused-adam-js',
  gradients: 'gradients:second-order-fixes',
} as const;

let registered = false;

/**
 * Registers otbook's faster kernels with selectBackend (lib/backend/select.ts), which installs those that
 * apply right after it has chosen a backend. Call once before selectBackend(); later calls do nothing.
 * Results are the same with and without them (tests/backend compare them); OTBOOK_NATIVE=0 keeps the
 * native addon out.
 */
export function installDefaultKernelPatches(): void {
  if (registered) return;
  registered = true;
  registerKernelPatch(KERNEL_PATCHES.wasmMatMul, (b) => b === 'wasm', installWasmMatMulPatch);
  registerKernelPatch(KERNEL_PATCHES.wasmIdentity, (b) => b === 'wasm', installWasmIdentityPatch);
  registerKernelPatch(KERNEL_PATCHES.wasmAdam, (b) => b === 'wasm', () => installJsAdamKernel('wasm'));
  registerKernelPatch(KERNEL_PATCHES.native, (b) => b === 'cpu', installNativeKernels);
  registerKernelPatch(KERNEL_PATCHES.cpuAdam, (b) => b === 'cpu', () => !nativeKernelsInstalled() && installJsAdamKernel('cpu'));
  registerKernelPatch(KERNEL_PATCHES.gradients, () => true, installSecondOrderGradientFixes);
}
