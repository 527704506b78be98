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
