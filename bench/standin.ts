import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../lib/random';
import { adamUpdate } from '../lib/backend/kernels';
import type { BenchConfig } from './configs';

/**
 * A stand-in for the project's training loop, written the plain way (variableGrads, tf.matMul, bias add,
 * relu), so that kernels can be measured before lib/solvers exists. One `outer()` is one outer iteration of
 * OTP's Algorithm 1: one Adam step on V, then K_T Adam steps on T. Batches come from a pool of pre-drawn
 * Gaussian batches, cycled, uploaded with tf.tensor2d at every step (bench/torch_step.py does the same).
 */
export interface OuterRunner {
  outer(): void;
  dispose(): void;
}

/** An implementation of the outer iteration that bench/run.ts can time; the project's solver plugs in here. */
export interface BenchImpl {
  readonly name: string;
  create(cfg: BenchConfig, seed: number): OuterRunner;
}

interface Mlp {
  readonly vars: tf.Variable[];
  apply(x: tf.Tensor2D): tf.Tensor2D;
}

/** Linear(in, h) → ReLU → Linear(h, out), initialised like torch.nn.Linear (U(±1/√fan_in)). */
function mlp(rng: Rng, input: number, hidden: number, output: number, name: string): Mlp {
  const uniform = (n: number, fanIn: number): Float32Array => rng.fillUniform(new Float32Array(n), -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
  const w1 = tf.variable(tf.tensor2d(uniform(input * hidden, input), [input, hidden]), true, `${name}/w1`);
  const b1 = tf.variable(tf.tensor1d(uniform(hidden, input)), true, `${name}/b1`);
  const w2 = tf.variable(tf.tensor2d(uniform(hidden * output, hidden), [hidden, output]), true, `${name}/w2`);
  const b2 = tf.variable(tf.tensor1d(uniform(output, hidden)), true, `${name}/b2`);
  return {
    vars: [w1, b1, w2, b2],
    apply: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2),
  };
}

type Optimizer = { step(grads: tf.NamedTensorMap): void; dispose(): void };

/** Adam as composed tfjs ops (torch's formula), scalars built once. */
class ComposedAdam implements Optimizer {
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly b1: tf.Scalar;
  private readonly b2: tf.Scalar;
  private readonly oneMinusB1: tf.Scalar;
  private readonly oneMinusB2: tf.Scalar;
  private readonly eps: tf.Scalar;

  constructor(private readonly vars: tf.Variable[], private readonly cfg: BenchConfig) {
    this.m = vars.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = vars.map((p) => tf.variable(tf.zerosLike(p), false));
    this.b1 = tf.scalar(cfg.beta1);
    this.b2 = tf.scalar(cfg.beta2);
    this.oneMinusB1 = tf.scalar(1 - cfg.beta1);
    this.oneMinusB2 = tf.scalar(1 - cfg.beta2);
    this.eps = tf.scalar(cfg.epsilon);
  }

  step(grads: tf.NamedTensorMap): void {
    this.t++;
    const c1 = 1 / (1 - this.cfg.beta1 ** this.t);
    const c2 = 1 / (1 - this.cfg.beta2 ** this.t);
    tf.tidy(() => {
      const stepSize = tf.scalar(-this.cfg.lr * c1);
      const c2s = tf.scalar(c2);
      this.vars.forEach((p, i) => {
        const g = grads[p.name];
        const m = tf.add(tf.mul(this.b1, this.m[i]), tf.mul(this.oneMinusB1, g));
        const v = tf.add(tf.mul(this.b2, this.v[i]), tf.mul(this.oneMinusB2, tf.square(g)));
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.assign(tf.add(p, tf.mul(stepSize, tf.div(m, tf.add(tf.sqrt(tf.mul(v, c2s)), this.eps)))));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, this.b1, this.b2, this.oneMinusB1, this.oneMinusB2, this.eps]);
  }
}

/** Adam through lib/backend/kernels' fused update. */
class FusedAdam implements Optimizer {
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(private readonly vars: tf.Variable[], private readonly cfg: BenchConfig) {
    this.m = vars.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = vars.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  step(grads: tf.NamedTensorMap): void {
    this.t++;
    const { lr, beta1, beta2, epsilon } = this.cfg;
    this.vars.forEach((p, i) => adamUpdate(p, grads[p.name], this.m[i], this.v[i], { lr, beta1, beta2, epsilon, step: this.t }));
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

function makeRunner(cfg: BenchConfig, seed: number, fused: boolean): OuterRunner {
  const rng = new Rng(seed);
  const T = mlp(rng, cfg.d, cfg.h, cfg.d, `T${seed}`);
  const V = mlp(rng, cfg.d, cfg.h, 1, `V${seed}`);
  const optT: Optimizer = fused ? new FusedAdam(T.vars, cfg) : new ComposedAdam(T.vars, cfg);
  const optV: Optimizer = fused ? new FusedAdam(V.vars, cfg) : new ComposedAdam(V.vars, cfg);
  const pool = 8;
  const n = cfg.batch * cfg.d;
  const xs = Array.from({ length: pool }, () => rng.fillNormal(new Float32Array(n)));
  const ys = Array.from({ length: pool }, () => rng.fillNormal(new Float32Array(n), 1, 1));
  let k = 0;
  const next = (p: Float32Array[]): tf.Tensor2D => tf.tensor2d(p[++k % pool], [cfg.batch, cfg.d]);
  const alpha = tf.scalar(cfg.alpha);

  const potentialStep = (): void => {
    const x = next(xs);
    const y = next(ys);
    const tx = tf.tidy(() => T.apply(x));
    const { value, grads } = tf.variableGrads(() => tf.sub(tf.mean(V.apply(tx)), tf.mean(V.apply(y))), V.vars);
    optV.step(grads);
    tf.dispose([x, y, tx, value, grads]);
  };
  const mapStep = (): void => {
    const x = next(xs);
    const { value, grads } = tf.variableGrads(() => {
      const tx = T.apply(x);
      const cost = tf.mul(alpha, tf.sum(tf.square(tf.sub(x, tx)), 1));
      return tf.mean(tf.sub(cost, tf.reshape(V.apply(tx), [-1])));
    }, T.vars);
    optT.step(grads);
    tf.dispose([x, value, grads]);
  };
  return {
    outer(): void {
      potentialStep();
      for (let j = 0; j < cfg.kT; j++) mapStep();
    },
    dispose(): void {
      optT.dispose();
      optV.dispose();
      tf.dispose([...T.vars, ...V.vars, alpha]);
    },
  };
}

export const STANDIN: BenchImpl = { name: 'standin', create: (cfg, seed) => makeRunner(cfg, seed, false) };
export const STANDIN_FUSED_ADAM: BenchImpl = { name: 'standin+fusedAdam', create: (cfg, seed) => makeRunner(cfg, seed, true) };
