/** The benchmark's configurations: OTP App. E.1 (h = 256 for d ≤ 4, 1024 above; α = 0.01 at d = 256). */
export interface BenchConfig {
  readonly d: number;
  readonly h: number;
  readonly batch: number;
  /** Map steps per potential step (K_T). */
  readonly kT: number;
  readonly alpha: number;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export function benchConfig(d: number, h: number): BenchConfig {
  return { d, h, batch: 128, kT: 20, alpha: d === 256 ? 0.01 : 1, lr: 1e-4, beta1: 0, beta2: 0.9, epsilon: 1e-8 };
}

export const CONFIGS: readonly BenchConfig[] = [benchConfig(2, 256), benchConfig(16, 1024), benchConfig(64, 1024), benchConfig(256, 1024)];

export const configName = (c: BenchConfig): string => `d=${c.d}/h=${c.h}`;
