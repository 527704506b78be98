import type { Potential, TransportMap } from '../nets';
import type { Method } from './method';
import { mapPlan } from './plan';
import { semiDualMapLoss, semiDualPotentialLoss, type SemiDualOptions } from './semi-dual';

export interface SemiDualNets {
  readonly potential: Potential;
  readonly map: TransportMap;
  [name: string]: Potential | TransportMap;
}

/**
 * OTM (Rout et al. 2022; Fan et al. 2022): semi-dual neural OT with a deterministic map T(x), and OTM-s, the
 * same with a stochastic map T(x, z) (OTP Eq. 19). The potential may be an MLP or the ICNN of OTP Eq. 40.
 */
export function otmMethod(nets: SemiDualNets, options: SemiDualOptions): Method<SemiDualNets> {
  const { potential, map } = nets;
  const name = map.noiseDim > 0 ? 'otm-s' : 'otm';
  return {
    name,
    runs: map.runs,
    nets,
    potentialParams: potential.params,
    mapParams: map.params,
    mapStepUsesTarget: false,
    potentialLoss: (batch, ctx) => semiDualPotentialLoss(potential, map, batch, ctx, options),
    mapLoss: (batch, ctx) => semiDualMapLoss(potential, map, batch, ctx, options),
    plan: (run = 0) => mapPlan(name, map.select(run)),
  };
}
