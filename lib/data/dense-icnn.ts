/**
 * The DenseICNN potential of the Wasserstein-2 benchmark (Korotin et al. 2021), evaluated in float64 exactly as
 * /work/shared/w2bench/README.md writes it: value ψ_v(x) and analytic gradient ∇ψ_v(x) (reverse mode).
 */

export interface QuadraticLayer {
  /** Q_l, shape [d, r, h] row-major. */
  readonly q: Float64Array;
  /** W_l, shape [h, d]. */
  readonly w: Float64Array;
  /** b_l, shape [h]. */
  readonly b: Float64Array;
  readonly h: number;
}

export interface DenseIcnnWeights {
  readonly dim: number;
  readonly rank: number;
  /** The three quadratic layers l = 0, 1, 2. */
  readonly quadratic: readonly [QuadraticLayer, QuadraticLayer, QuadraticLayer];
  /** C1 = convex_layers.0.weight [h1, h0]; C2 = convex_layers.1.weight [h2, h1]. */
  readonly c1: Float64Array;
  readonly c2: Float64Array;
  /** final_layer.weight [1, h2]. */
  readonly final: Float64Array;
  readonly strongConvexity: number;
  readonly celuAlpha: number;
}

function celu(t: number, alpha: number): number {
  return t > 0 ? t : alpha * (Math.exp(t / alpha) - 1);
}

function celuPrime(t: number, alpha: number): number {
  return t > 0 ? 1 : Math.exp(t / alpha);
}

/** Reusable work buffers of one network (evaluation is single-threaded, so one set per network suffices). */
export class DenseIcnn {
  private readonly p: Float64Array[];
  private readonly qOut: Float64Array[];
  private readonly a1: Float64Array;
  private readonly z1: Float64Array;
  private readonly a2: Float64Array;
  private readonly g: Float64Array[];
  private readonly pg: Float64Array[];

  constructor(readonly weights: DenseIcnnWeights) {
    const r = weights.rank;
    this.p = weights.quadratic.map((l) => new Float64Array(r * l.h));
    this.qOut = weights.quadratic.map((l) => new Float64Array(l.h));
    this.a1 = new Float64Array(weights.quadratic[1].h);
    this.z1 = new Float64Array(weights.quadratic[1].h);
    this.a2 = new Float64Array(weights.quadratic[2].h);
    this.g = weights.quadratic.map((l) => new Float64Array(l.h));
    this.pg = weights.quadratic.map((l) => new Float64Array(r * l.h));
  }

  /** q_l(x)_j = Σ_a (Σ_i x_i Q_l[i][a][j])² + (W_l x)_j + b_l[j]; keeps p_{l,a} for the backward pass. */
  private quadraticLayer(l: number, x: Float64Array, off: number): void {
    const { q, w, b, h } = this.weights.quadratic[l];
    const d = this.weights.dim;
    const r = this.weights.rank;
    const p = this.p[l];
    const out = this.qOut[l];
    p.fill(0);
    for (let i = 0; i < d; i++) {
      const xi = x[off + i];
      for (let a = 0; a < r; a++) {
        const base = (i * r + a) * h;
        const pa = a * h;
        for (let j = 0; j < h; j++) p[pa + j] += xi * q[base + j];
      }
    }
    for (let j = 0; j < h; j++) {
      let s = b[j];
      for (let a = 0; a < r; a++) s += p[a * h + j] ** 2;
      const row = j * d;
      for (let i = 0; i < d; i++) s += w[row + i] * x[off + i];
      out[j] = s;
    }
  }

  /** Forward pass; returns ψ_v(x) for the point x[off .. off + d). */
  private forward(x: Float64Array, off: number): number {
    const { c1, c2, final, celuAlpha: alpha, strongConvexity } = this.weights;
    const [l0, l1, l2] = this.weights.quadratic;
    const d = this.weights.dim;
    for (let l = 0; l < 3; l++) this.quadraticLayer(l, x, off);
    const z0 = this.qOut[0]; // no activation on the first layer
    for (let j = 0; j < l1.h; j++) {
      let s = this.qOut[1][j];
      const row = j * l0.h;
      for (let i = 0; i < l0.h; i++) s += c1[row + i] * z0[i];
      this.a1[j] = s;
      this.z1[j] = celu(s, alpha);
    }
    for (let j = 0; j < l2.h; j++) {
      let s = this.qOut[2][j];
      const row = j * l1.h;
      for (let i = 0; i < l1.h; i++) s += c2[row + i] * this.z1[i];
      this.a2[j] = s;
    }
    let psi = 0;
    for (let j = 0; j < l2.h; j++) psi += final[j] * celu(this.a2[j], alpha);
    let xx = 0;
    for (let i = 0; i < d; i++) xx += x[off + i] ** 2;
    return psi + 0.5 * strongConvexity * xx;
  }

  value(x: Float64Array, off = 0): number {
    return this.forward(x, off);
  }

  /** Adds ∇ψ_v(x) (times `factor`) into out[outOff .. outOff + d); returns ψ_v(x). */
  addGradient(x: Float64Array, off: number, out: Float64Array, outOff: number, factor = 1): number {
    const value = this.forward(x, off);
    const { c1, c2, final, celuAlpha: alpha, strongConvexity } = this.weights;
    const [l0, l1, l2] = this.weights.quadratic;
    const d = this.weights.dim;
    const r = this.weights.rank;
    const [g0, g1, g2] = this.g;
    // g2 = w * celu'(a2); g1 = (C2ᵀ g2) * celu'(a1); g0 = C1ᵀ g1
    for (let j = 0; j < l2.h; j++) g2[j] = final[j] * celuPrime(this.a2[j], alpha);
    g1.fill(0);
    for (let j = 0; j < l2.h; j++) {
      const gj = g2[j];
      const row = j * l1.h;
      for (let i = 0; i < l1.h; i++) g1[i] += c2[row + i] * gj;
    }
    for (let i = 0; i < l1.h; i++) g1[i] *= celuPrime(this.a1[i], alpha);
    g0.fill(0);
    for (let j = 0; j < l1.h; j++) {
      const gj = g1[j];
      const row = j * l0.h;
      for (let i = 0; i < l0.h; i++) g0[i] += c1[row + i] * gj;
    }
    // ∇ψ_v(x) = Σ_l [2 Σ_a Q_l[:, a, :] (p_{l,a} * g_l) + W_lᵀ g_l] + λ x
    for (let i = 0; i < d; i++) out[outOff + i] += factor * strongConvexity * x[off + i];
    for (let l = 0; l < 3; l++) {
      const { q, w, h } = this.weights.quadratic[l];
      const g = this.g[l];
      const p = this.p[l];
      const pg = this.pg[l];
      for (let a = 0; a < r; a++) for (let j = 0; j < h; j++) pg[a * h + j] = 2 * p[a * h + j] * g[j];
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let a = 0; a < r; a++) {
          const base = (i * r + a) * h;
          const pa = a * h;
          for (let j = 0; j < h; j++) s += q[base + j] * pg[pa + j];
        }
        out[outOff + i] += factor * s;
      }
      for (let j = 0; j < h; j++) {
        const gj = factor * g[j];
        if (gj === 0) continue;
        const row = j * d;
        for (let i = 0; i < d; i++) out[outOff + i] += w[row + i] * gj;
      }
    }
    return value;
  }
}
