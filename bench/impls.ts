import { STANDIN, STANDIN_FUSED_ADAM, type BenchImpl } from './standin';

/**
 * The implementations bench/run.ts times. The project's solver plugs in by adding a BenchImpl whose
 * create(cfg, seed) builds its networks and optimizer (lib/nets, lib/solvers) and returns { outer, dispose },
 * where outer() runs one outer iteration of OTP's Algorithm 1 (1 potential step + cfg.kT map steps).
 */
export const IMPLS: readonly BenchImpl[] = [STANDIN, STANDIN_FUSED_ADAM];
