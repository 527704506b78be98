/**
 * The continuous Wasserstein-2 benchmark pairs "Mix3toMix10" (Korotin et al. 2021), read from the data export
 * described in /work/shared/w2bench/README.md (not committed to this repository).
 *
 * μ: k ~ Uniform{0,1,2}, ε ~ N(0, I_d), x = s_n·A_k ε + c_k (s_n = 0.4).
 * T* = ∇ψ, ψ(x) = scale·(ψ1(x) + ψ2(x) + ⟨shift, x⟩), ψ1, ψ2 DenseICNNs (lib/data/dense-icnn.ts), all in float64.
 * ν = T*#μ. The benchmark's constants (Var(ν), cost, linear baseline) are Monte-Carlo estimates stored in the
 * manifest; the README asks to treat them as the definition of the pair, so the metrics use them as stored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors';
import { repoRoot } from '../paths';
import type { Rng } from '../random';
import { DenseIcnn, type DenseIcnnWeights, type QuadraticLayer } from './dense-icnn';
import { affineMap } from './gaussian';
import { arrayField, asObject, numberArrayField, numberField, objectField, stringField, type JsonObject } from './json';
import type { PointCloud } from '../points';
import { checkCount, makeSampler, type Pair, type PointMap, type Sampler } from './types';

/** The stored constants of a benchmark pair (the definitions its metrics use). */
export interface W2BenchConstants {
  /** Var(μ) = Σ_j Var(x_j) (benchmark's estimate; denominator of inverse L2-UVP). */
  readonly muVar: number;
  /** Var(ν) = Σ_j Var(T*(x)_j) (benchmark's estimate; denominator of forward L2-UVP). */
  readonly nuVar: number;
  readonly muMean: Float64Array;
  readonly nuMean: Float64Array;
  /** cost = ½ E‖x − T*(x)‖² (benchmark's estimate; 2·cost enters the cos metric). */
  readonly cost: number;
  /** Standardisation of ψ: T* = scale·(∇ψ1 + ∇ψ2 + shift). */
  readonly scale: number;
  readonly shift: Float64Array;
  /** Linear (Bures) baseline T_lin(x) = W x + b between the Gaussians with μ's and ν's estimated moments. */
  readonly linearWeight: Float64Array;
  readonly linearBias: Float64Array;
}

/** Reference points stored with the benchmark: x ~ μ, T*(x), and the (ε, k) used to draw each x. */
export interface W2BenchReference {
  readonly x: PointCloud;
  readonly tx: PointCloud;
  readonly eps: PointCloud;
  readonly k: Int32Array;
}

export interface W2BaselineScore {
  readonly l2uvp: number;
  readonly cos: number;
}

/** A W2-benchmark pair (the real Mix3toMix10 data, or a constructed stand-in): everything the metrics need. */
export interface W2BenchmarkPair extends Pair {
  readonly isStandIn: boolean;
  readonly optimalMap: PointMap;
  readonly constants: W2BenchConstants;
  readonly linearBaseline: PointMap;
  /** T*(x) in float64 for n points stored row-major in x. */
  mapStar64(x: Float64Array, n: number): Float64Array;
  /** ψ(x) at one point (for finite-difference checks). */
  potential(x: ArrayLike<number>): number;
  /** The stored reference points, or null (the stand-in has none). */
  reference(): W2BenchReference | null;
  /** The benchmark's μ (for mix3FromNoise), or null for the stand-in. */
  readonly mix3: Mix3Source | null;
  /** The baseline scores stored with the data (README table), or null. */
  readonly storedBaselines: { identity: W2BaselineScore; constant: W2BaselineScore; linear: W2BaselineScore } | null;
}

/**
 * Where the benchmark data lies: `dir` if given, else $OTBOOK_W2BENCH_DIR, else ../shared/w2bench next to the
 * repository root when that folder exists; null when none is found.
 */
export function w2BenchDir(dir?: string): string | null {
  if (dir !== undefined) return dir;
  const env = process.env.OTBOOK_W2BENCH_DIR;
  if (env) return env;
  const candidate = resolve(repoRoot(), '..', 'shared', 'w2bench');
  if (existsSync(join(candidate, 'index.json'))) return candidate;
  return null;
}

/** Dimensions present in the data folder (from index.json), or [] when there is no data. */
export function availableW2BenchDims(dir?: string): number[] {
  const d = w2BenchDir(dir);
  if (!d || !existsSync(join(d, 'index.json'))) return [];
  const index = asObject(JSON.parse(readFileSync(join(d, 'index.json'), 'utf8')), `${d}/index.json`);
  return numberArrayField(index, 'dims_present', `${d}/index.json`).filter((k) => existsSync(join(d, `mix3toMix10_d${k}`, 'manifest.json')));
}

function readF32(path: string, expected: number): Float64Array {
  if (!existsSync(path)) throw new UserError(`W2 benchmark file ${path} is missing; the data folder is incomplete`);
  const buf = readFileSync(path);
  if (buf.byteLength !== expected * 4) {
    throw new UserError(`W2 benchmark file ${path}: ${buf.byteLength} bytes, expected ${expected * 4} (${expected} float32 values)`);
  }
  const f32 = new Float32Array(expected);
  for (let i = 0; i < expected; i++) f32[i] = buf.readFloatLE(i * 4);
  return Float64Array.from(f32);
}

function tensorFile(folder: string, entry: JsonObject, where: string, shape: readonly number[]): Float64Array {
  const got = numberArrayField(entry, 'shape', where);
  if (got.length !== shape.length || got.some((s, i) => s !== shape[i])) {
    throw new UserError(`${where}: shape [${got.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return readF32(join(folder, stringField(entry, 'file', where)), shape.reduce((a, b) => a * b, 1));
}

function loadIcnn(folder: string, manifest: JsonObject, which: 'psi1' | 'psi2', d: number): DenseIcnnWeights {
  const where = `${folder}/manifest.json potentials`;
  const pot = objectField(manifest, 'potentials', where);
  const arch = objectField(pot, 'architecture', where);
  const hidden = numberArrayField(arch, 'hidden_layer_sizes', `${where}.architecture`);
  if (hidden.length !== 3) throw new UserError(`${where}.architecture.hidden_layer_sizes: expected 3 sizes, got ${hidden.length}`);
  const rank = numberField(arch, 'rank', `${where}.architecture`);
  const tensors = objectField(objectField(pot, which, where), 'tensors', `${where}.${which}`);
  const t = (key: string, shape: number[]) => tensorFile(folder, objectField(tensors, key, `${where}.${which}.tensors`), `${which} ${key}`, shape);
  const quad = [0, 1, 2].map(
    (l): QuadraticLayer => ({
      q: t(`quadratic_layers.${l}.quadratic_decomposed`, [d, rank, hidden[l]]),
      w: t(`quadratic_layers.${l}.weight`, [hidden[l], d]),
      b: t(`quadratic_layers.${l}.bias`, [hidden[l]]),
      h: hidden[l],
    }),
  );
  return {
    dim: d,
    rank,
    quadratic: [quad[0], quad[1], quad[2]],
    c1: t('convex_layers.0.weight', [hidden[1], hidden[0]]),
    c2: t('convex_layers.1.weight', [hidden[2], hidden[1]]),
    final: t('final_layer.weight', [1, hidden[2]]),
    strongConvexity: numberField(arch, 'strong_convexity', `${where}.architecture`),
    celuAlpha: numberField(arch, 'celu_alpha', `${where}.architecture`),
  };
}

/** Everything needed to draw from μ of Mix3toMix10: x = noiseStd·A_k ε + c_k. */
export interface Mix3Source {
  readonly d: number;
  readonly weights: Float64Array;
  readonly centers: Float64Array;
  readonly linearMaps: Float64Array;
  readonly noiseStd: number;
}

/** x = noiseStd·A_k ε + c_k for given ε (rows of length d) and components k (the benchmark's own formula). */
export function mix3FromNoise(src: Mix3Source, eps: Float64Array | Float32Array, k: ArrayLike<number>): Float64Array {
  const { d, centers, linearMaps, noiseStd } = src;
  const n = k.length;
  const out = new Float64Array(n * d);
  for (let p = 0; p < n; p++) {
    const c = k[p];
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = (c * d + i) * d;
      for (let j = 0; j < d; j++) s += linearMaps[row + j] * eps[p * d + j];
      out[p * d + i] = noiseStd * s + centers[c * d + i];
    }
  }
  return out;
}

export function mix3Sampler(name: string, src: Mix3Source): Sampler {
  const { d, weights, centers, linearMaps, noiseStd } = src;
  const eps = new Float64Array(d);
  return makeSampler(name, d, (out, n, rng) => {
    for (let p = 0; p < n; p++) {
      const u = rng.uniform();
      let c = 0;
      let acc = weights[0];
      while (u >= acc && c < weights.length - 1) acc += weights[++c];
      for (let j = 0; j < d; j++) eps[j] = rng.normal();
      // same arithmetic as mix3FromNoise
      for (let i = 0; i < d; i++) {
        let s = 0;
        const row = (c * d + i) * d;
        for (let j = 0; j < d; j++) s += linearMaps[row + j] * eps[j];
        out[p * d + i] = noiseStd * s + centers[c * d + i];
      }
    }
  });
}

/** Builds a W2BenchmarkPair from a gradient map in float64 (shared by the real data and the stand-in). */
export function assembleW2Pair(args: {
  name: string;
  description: string;
  isStandIn: boolean;
  source: Sampler;
  d: number;
  gradient: (x: Float64Array, off: number, out: Float64Array, outOff: number) => void;
  potential: (x: ArrayLike<number>) => number;
  constants: W2BenchConstants;
  reference: () => W2BenchReference | null;
  storedBaselines: W2BenchmarkPair['storedBaselines'];
  mix3: Mix3Source | null;
  notes?: string;
}): W2BenchmarkPair {
  const { d, gradient, source } = args;
  const mapStar64 = (x: Float64Array, n: number): Float64Array => {
    const out = new Float64Array(n * d);
    for (let p = 0; p < n; p++) gradient(x, p * d, out, p * d);
    return out;
  };
  const optimalMap: PointMap = (x) => {
    if (x.d !== d) throw new UserError(`${args.name}: points have dimension ${x.d}, the pair ${d}`);
    return { n: x.n, d, data: Float32Array.from(mapStar64(Float64Array.from(x.data), x.n)) };
  };
  const target: Sampler = {
    name: `${args.name}/target`,
    dim: d,
    sample(n: number, rng: Rng) {
      checkCount(`${args.name}/target`, n);
      return optimalMap(source.sample(n, rng));
    },
  };
  const c = args.constants;
  return {
    name: args.name,
    dim: d,
    description: args.description,
    source,
    target,
    w2Squared: 2 * c.cost,
    w2SquaredIsEstimate: true,
    optimalMap,
    optimalPlan: (x) => optimalMap(x),
    isStandIn: args.isStandIn,
    constants: c,
    linearBaseline: affineMap(c.linearWeight, c.linearBias, d),
    mapStar64,
    potential: args.potential,
    reference: args.reference,
    storedBaselines: args.storedBaselines,
    mix3: args.mix3,
    notes: args.notes,
  };
}

export interface LoadW2BenchOptions {
  /** Data folder (default: $OTBOOK_W2BENCH_DIR, else ../shared/w2bench next to the repository root). */
  readonly dir?: string;
}

/** Reads Mix3toMix10 in dimension d. Throws UserError when the data (or that dimension) is absent. */
export function loadW2BenchPair(d: number, options: LoadW2BenchOptions = {}): W2BenchmarkPair {
  const dir = w2BenchDir(options.dir);
  if (!dir) {
    throw new UserError(
      'W2 benchmark data not found: set OTBOOK_W2BENCH_DIR to the folder with index.json (or use constructedW2Pair as a stand-in)',
    );
  }
  const folder = join(dir, `mix3toMix10_d${d}`);
  const manifestPath = join(folder, 'manifest.json');
  if (!existsSync(manifestPath)) {
    const dims = availableW2BenchDims(dir);
    throw new UserError(`W2 benchmark dimension ${d} is not in ${dir}; present: ${dims.length ? dims.join(', ') : 'none'}`);
  }
  const where = manifestPath;
  const manifest = asObject(JSON.parse(readFileSync(manifestPath, 'utf8')), where);
  if (numberField(manifest, 'dim', where) !== d) throw new UserError(`${where}: dim is ${numberField(manifest, 'dim', where)}, expected ${d}`);
  const mu = objectField(manifest, 'mu', where);
  const nu = objectField(manifest, 'nu', where);
  const weights = Float64Array.from(numberArrayField(mu, 'component_weights', `${where}.mu`));
  const kc = weights.length;
  const src: Mix3Source = {
    d,
    weights,
    centers: tensorFile(folder, objectField(mu, 'centers', `${where}.mu`), 'mu.centers', [kc, d]),
    linearMaps: tensorFile(folder, objectField(mu, 'linear_maps', `${where}.mu`), 'mu.linear_maps', [kc, d, d]),
    noiseStd: numberField(mu, 'noise_std', `${where}.mu`),
  };
  const std = objectField(manifest, 'standardization', where);
  const scale = numberField(std, 'scale', `${where}.standardization`);
  const shift = Float64Array.from(numberArrayField(std, 'shift', `${where}.standardization`));
  if (shift.length !== d) throw new UserError(`${where}.standardization.shift: length ${shift.length}, expected ${d}`);
  const lin = objectField(manifest, 'linear_baseline', where);
  const constants: W2BenchConstants = {
    muVar: numberField(mu, 'var', `${where}.mu`),
    nuVar: numberField(nu, 'var', `${where}.nu`),
    muMean: Float64Array.from(numberArrayField(mu, 'mean', `${where}.mu`)),
    nuMean: Float64Array.from(numberArrayField(nu, 'mean', `${where}.nu`)),
    cost: numberField(manifest, 'cost', where),
    scale,
    shift,
    linearWeight: tensorFile(folder, objectField(lin, 'weight', `${where}.linear_baseline`), 'linear_baseline.weight', [d, d]),
    linearBias: tensorFile(folder, objectField(lin, 'bias', `${where}.linear_baseline`), 'linear_baseline.bias', [d]),
  };
  const psi1 = new DenseIcnn(loadIcnn(folder, manifest, 'psi1', d));
  const psi2 = new DenseIcnn(loadIcnn(folder, manifest, 'psi2', d));
  // T*(x) = scale·(∇ψ1(x) + ∇ψ2(x) + shift)
  const gradient = (x: Float64Array, off: number, out: Float64Array, outOff: number): void => {
    for (let i = 0; i < d; i++) out[outOff + i] = scale * shift[i];
    psi1.addGradient(x, off, out, outOff, scale);
    psi2.addGradient(x, off, out, outOff, scale);
  };
  const potential = (x: ArrayLike<number>): number => {
    const x64 = Float64Array.from(x);
    let s = psi1.value(x64) + psi2.value(x64);
    for (let i = 0; i < d; i++) s += shift[i] * x[i];
    return scale * s;
  };
  let cachedRef: W2BenchReference | null = null;
  const reference = (): W2BenchReference => {
    if (cachedRef) return cachedRef;
    const refWhere = join(folder, 'reference.json');
    const refJson = asObject(JSON.parse(readFileSync(refWhere, 'utf8')), refWhere);
    const buf = readFileSync(join(folder, stringField(refJson, 'file', refWhere)));
    const arrays = new Map<string, Float32Array>();
    for (const a of arrayField(refJson, 'arrays', refWhere)) {
      const o = asObject(a, `${refWhere} arrays`);
      const off = numberField(o, 'byte_offset', refWhere);
      const len = numberField(o, 'byte_length', refWhere);
      if (off + len > buf.byteLength) throw new UserError(`${refWhere}: array ${stringField(o, 'name', refWhere)} runs past the end of the file`);
      const f = new Float32Array(len / 4);
      for (let i = 0; i < f.length; i++) f[i] = buf.readFloatLE(off + 4 * i);
      arrays.set(stringField(o, 'name', refWhere), f);
    }
    const get = (name: string): Float32Array => {
      const v = arrays.get(name);
      if (!v) throw new UserError(`${refWhere}: array '${name}' is missing`);
      return v;
    };
    const n = get('k').length;
    const cloud = (name: string): PointCloud => {
      const v = get(name);
      if (v.length !== n * d) throw new UserError(`${refWhere}: array '${name}' has ${v.length} values, expected ${n}×${d}`);
      return { n, d, data: v };
    };
    cachedRef = { x: cloud('x'), tx: cloud('T_x'), eps: cloud('eps'), k: Int32Array.from(get('k'), Math.round) };
    return cachedRef;
  };
  let storedBaselines: W2BenchmarkPair['storedBaselines'] = null;
  const basePath = join(folder, 'baselines.json');
  if (existsSync(basePath)) {
    const fwd = objectField(asObject(JSON.parse(readFileSync(basePath, 'utf8')), basePath), 'forward', basePath);
    const score = (k: string): W2BaselineScore => {
      const o = objectField(fwd, k, `${basePath}.forward`);
      return { l2uvp: numberField(o, 'L2_UVP', `${basePath}.forward.${k}`), cos: numberField(o, 'cos', `${basePath}.forward.${k}`) };
    };
    storedBaselines = { identity: score('identity'), constant: score('constant'), linear: score('linear') };
  }
  return assembleW2Pair({
    name: `mix3tomix10-d${d}`,
    description: `W2 benchmark Mix3toMix10 (Korotin et al. 2021), d = ${d}: 3-component Gaussian mixture → ∇ψ of two DenseICNNs`,
    isStandIn: false,
    source: mix3Sampler(`mix3tomix10-d${d}/source`, src),
    d,
    gradient,
    potential,
    constants,
    reference,
    storedBaselines,
    mix3: src,
    notes: 'w2Squared = 2·cost is the benchmark\'s 1024-sample estimate, not a closed form.',
  });
}

