import { installDefaultKernelPatches } from './kernels';

// Registers otbook's faster kernels; selectBackend installs those that apply to the backend it chooses.
installDefaultKernelPatches();

export {
  selectBackend,
  backendInfo,
  availableBackends,
  describeBackend,
  registerKernelPatch,
  BackendUnavailableError,
  BACKEND_CHOICES,
} from './select';
export type { BackendChoice, BackendInfo, SelectOptions } from './select';
export { adamUpdate, adamUpdateComposed, adamImplementation, ADAM_UPDATE_KERNEL, loadNative, KERNEL_PATCHES } from './kernels';
export type { AdamUpdateAttrs, AdamImplementation } from './kernels';
