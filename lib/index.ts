/**
 * otbook: neural optimal transport in TypeScript, organised by concept (OTT-JAX/POT style).
 *
 *   import { data, ot, solvers, experiments, plots } from 'otbook';
 *
 * backend      choosing the tensor backend (tfjs-node-gpu, tfjs-node, wasm, cpu)
 * random       the seeded, serializable Rng every random draw comes from
 * data         samplers of the papers' pairs, Gaussians, mixtures, CSV point clouds, MNIST, the W2 benchmark
 * costs        quadratic and γ-weak costs (the α and ½ conventions are documented there)
 * schedules    OTP's noise schedules (Eq. 38, 39, constant) and smoothing maps (Eq. 21)
 * nets         MLP, stochastic map, ICNN potential, time-conditioned potential, residual map
 * solvers      the one training loop (Algorithm 1) and each method's losses: OTM, OTM-s, OTP, NOT, DIOTM
 * ot           exact discrete OT (assignment, network simplex) and log-domain Sinkhorn
 * metrics      D_cost, D_target and its floor, L2-UVP, cos, mode shares, closed forms
 * plots        Plotly figures: show (inline in notebooks), save (PNG/SVG/HTML through Chromium)
 * tables       result tables (danfojs-node): shown in notebooks, saved as CSV
 * experiments  configs (JSON Schema), paper experiments at smoke/quick/paper scale, runner, shards
 * verdicts     the rule that turns runs into a verdict on a claim
 * reports      each experiment's comparison with the paper: tables, figures, verdicts (`otbook report`)
 * book         the notebook runner behind `otbook book`
 */
export * as backend from './backend';
export * as random from './random';
export * as data from './data';
export * as costs from './costs';
export * as schedules from './schedules';
export * as nets from './nets';
export * as solvers from './solvers';
export * as ot from './ot';
export * as metrics from './metrics';
export * as plots from './plots';
export * as tables from './tables';
export * as experiments from './experiments';
export * as book from './book';
export * as verdicts from './verdicts';
export * as reports from './reports';
export { versions } from './versions';
export { UserError } from './errors';
