import { getPair } from '../lib/data';
import { mlpMap, mlpPotential } from '../lib/nets';
import { Rng } from '../lib/random';
import { createStepper, otmMethod, disposeMethod } from '../lib/solvers';
import type { BenchConfig } from './configs';
import type { BenchImpl } from './standin';

/**
 * The project's own solver, exactly as the book runs it: lib/nets networks, the OTM method's losses and
 * lib/solvers' OuterIteration (the body of `train`), with fresh batches drawn from lib/data samplers by the
 * run's Rng at every step from the One-to-Many pair (the stand-in and torch_step.py cycle a pool of pre-drawn
 * Gaussian batches instead, so ours also pays for sampling).
 */
export const SOLVER: BenchImpl = {
  name: 'otbook-solver',
  create(cfg: BenchConfig, seed: number) {
    const rng = new Rng(seed);
    const method = otmMethod(
      { potential: mlpPotential(rng, cfg.d, [cfg.h]), map: mlpMap(rng, cfg.d, { hidden: [cfg.h] }) },
      { alpha: cfg.alpha, r1: 0 },
    );
    // The book's workload: the App. E.1 One-to-Many pair at this dimension.
    const { source, target } = getPair('one-to-many', { dim: cfg.d });
    const stepper = createStepper(method, [{ source, target, seed }], {
      innerSteps: cfg.kT,
      batchSize: cfg.batch,
      adam: { lr: cfg.lr, betas: [cfg.beta1, cfg.beta2], eps: cfg.epsilon },
    });
    return {
      outer: () => stepper.outer(),
      dispose() {
        stepper.dispose();
        disposeMethod(method);
      },
    };
  },
};
