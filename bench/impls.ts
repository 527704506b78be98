import { SOLVER } from './solver';
import { STANDIN, STANDIN_FUSED_ADAM, type BenchImpl } from './standin';

/**
 * The implementations bench/run.ts times: the project's solver (bench/solver.ts: lib/solvers' OuterIteration,
 * the body of `train`) and the hand-written stand-ins used to develop the kernels. Each create(cfg, seed) returns
 * { outer, dispose }, where outer() runs one outer iteration of OTP's Algorithm 1 (1 potential step + cfg.kT map steps).
 */
export const IMPLS: readonly BenchImpl[] = [SOLVER, STANDIN, STANDIN_FUSED_ADAM];
