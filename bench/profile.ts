import * as tf from '@tensorflow/tfjs-core';

/**
 * Time per kernel on the active backend: wraps every kernel registered for it with a timer while `fn` runs,
 * then puts the kernels back. Kernels called from inside other kernels (a patch delegating to the original)
 * are counted in both, so shares can sum above 100%. cpuMs is the process's CPU time (all threads), which
 * is what to compare on a shared machine.
 */
type KernelTimes = Array<{ kernel: string; ms: number; cpuMs: number; calls: number }>;

/** Wraps every kernel of the active backend with a timer; returns the times so far and a function that restores the kernels. */
function timeKernels(): { times: () => KernelTimes; restore: () => void } {
  const backendName = tf.getBackend();
  const configs = tf.getKernelsForBackend(backendName);
  const acc = new Map<string, { ms: number; cpuMs: number; calls: number }>();
  for (const c of configs) {
    const inner = c.kernelFunc;
    tf.unregisterKernel(c.kernelName, backendName);
    tf.registerKernel({
      ...c,
      kernelFunc: (args) => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        try {
          return inner(args);
        } finally {
          const e = acc.get(c.kernelName) ?? { ms: 0, cpuMs: 0, calls: 0 };
          e.ms += performance.now() - t0;
          const c1 = process.cpuUsage(c0);
          e.cpuMs += (c1.user + c1.system) / 1000;
          e.calls++;
          acc.set(c.kernelName, e);
        }
      },
    });
  }
  return {
    times: () => [...acc.entries()].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms),
    restore: () => {
      for (const c of configs) {
        tf.unregisterKernel(c.kernelName, backendName);
        tf.registerKernel(c);
      }
    },
  };
}

export function profileKernels(fn: () => void): KernelTimes {
  const t = timeKernels();
  try {
    fn();
  } finally {
    t.restore();
  }
  return t.times();
}

/** profileKernels for work that awaits (a sweep's group timing). */
export async function profileKernelsAsync(fn: () => Promise<unknown>): Promise<KernelTimes> {
  const t = timeKernels();
  try {
    await fn();
  } finally {
    t.restore();
  }
  return t.times();
}
