/**
 * `npm run bench`: milliseconds per outer iteration of OTP's Algorithm 1 (1 potential step + K_T = 20 map
 * steps, batch 128, App. E.1) for each implementation (bench/impls.ts) on each backend variant
 * (bench/variants.ts), against PyTorch on the CPU (bench/torch_step.py, 1 and 2 threads). The machine is
 * shared, so everything is measured in the same run, interleaved per configuration and repeat, and the
 * medians are reported. Writes bench/results.json.
 *
 *   npx tsx bench/run.ts [--quick] [--configs 2x256,16x1024] [--reps N] [--no-torch] [--profile]
 *                        [--blas-threads 1,2] [--pure-cpu] [--impls standin,standin+fusedAdam]
 *                        [--variants wasm,wasm+patches,cpu+native,cpu] [--out FILE]
 *                        [--no-batched | --batched-only] [--group-sizes 1,3,8,24]
 *
 * Then batched runs (bench/batched.ts): time per run against the group size R, beside PyTorch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { benchConfig, configName, CONFIGS, type BenchConfig } from './configs';
import { IMPLS } from './impls';
import { formatOtBenchmark, runOtBenchmark } from './ot/assignment-vs-scipy';
import { paths } from '../lib/paths';
import { profileKernels } from './profile';
import type { BenchImpl } from './standin';
import type { NotebookRun } from '../lib/book/records';
import { variants, type Variant } from './variants';
import { formatBatched, runBatchedBenchmark, type BatchedRow } from './batched';

interface Options {
  quick: boolean;
  configs: BenchConfig[];
  reps: number;
  torch: boolean;
  profile: boolean;
  blasThreads: number[];
  pureCpu: boolean;
  impls: string[] | null;
  variants: string[] | null;
  out: string;
  python: string;
  batched: 'yes' | 'no' | 'only';
  groupSizes: number[] | null;
}

function usage(msg: string): never {
  process.stderr.write(`bench/run.ts: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    quick: false, configs: [...CONFIGS], reps: 0, torch: true, profile: false, blasThreads: [1, 2], pureCpu: false,
    impls: null, variants: null, out: path.join(__dirname, 'results.json'), python: process.env.OTBOOK_PYTHON ?? '/usr/bin/python3',
    batched: 'yes', groupSizes: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--quick') o.quick = true;
    else if (a === '--no-torch') o.torch = false;
    else if (a === '--profile') o.profile = true;
    else if (a === '--pure-cpu') o.pureCpu = true;
    else if (a === '--reps') o.reps = Number(val());
    else if (a === '--out') o.out = val();
    else if (a === '--impls') o.impls = val().split(',');
    else if (a === '--variants') o.variants = val().split(',');
    else if (a === '--blas-threads') o.blasThreads = val().split(',').map(Number);
    else if (a === '--no-batched') o.batched = 'no';
    else if (a === '--batched-only') o.batched = 'only';
    else if (a === '--group-sizes') o.groupSizes = val().split(',').map(Number);
    else if (a === '--configs') {
      o.configs = val().split(',').map((s) => {
        const m = /^(\d+)x(\d+)$/.exec(s);
        if (!m) usage(`--configs wants DxH items like 16x1024, got ${s}`);
        return benchConfig(Number(m[1]), Number(m[2]));
      });
    } else usage(`unknown argument ${a}`);
  }
  if (!o.reps) o.reps = o.quick ? 1 : 3;
  if (!Number.isInteger(o.reps) || o.reps < 1) usage(`--reps must be an integer ≥ 1`);
  if (o.blasThreads.some((t) => !Number.isInteger(t) || t < 1)) usage('--blas-threads wants integers ≥ 1');
  return o;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

/** Timed outer iterations after one warm-up: at least minIters (one for very slow blocks in --quick), then
 * until the time budget or maxIters. */
function timeBlock(runner: { outer(): void }, quick: boolean): number {
  const budget = quick ? 1500 : 6000;
  const [minIters, maxIters] = quick ? [2, 5] : [3, 20];
  const w0 = performance.now();
  runner.outer();
  const warm = performance.now() - w0;
  if (!quick && warm < budget / 4) runner.outer();
  const need = quick && warm > budget ? 1 : minIters;
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < need || (times.length < maxIters && performance.now() - t0 < budget)) {
    const s = performance.now();
    runner.outer();
    times.push(performance.now() - s);
  }
  return median(times);
}

function torchBlock(o: Options, cfg: BenchConfig, threads: number): number | null {
  const script = path.join(__dirname, 'torch_step.py');
  const iters = o.quick ? 5 : 10;
  const r = spawnSync(o.python, [script, '--configs', `${cfg.d}x${cfg.h}`, '--threads', String(threads), '--iters', String(iters), '--repeats', '1', '--warmup', '2'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) {
    process.stderr.write(`torch reference failed (${o.python}): ${(r.stderr || String(r.error)).trim().split('\n').pop()}\n`);
    return null;
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return (JSON.parse(line) as { ms_per_outer_median: number }).ms_per_outer_median;
}

interface Row {
  config: string;
  impl: string;
  backend: string;
  threads: number;
  ms_per_outer_median: number;
  ratio_vs_torch: number | null;
  repeat_medians: number[];
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const impls: BenchImpl[] = o.impls ? IMPLS.filter((i) => o.impls?.includes(i.name)) : [...IMPLS];
  if (impls.length === 0) usage(`no implementation matches --impls ${o.impls}; known: ${IMPLS.map((i) => i.name).join(', ')}`);
  const vs: Variant[] = [];
  for (const v of variants({ blasThreads: o.blasThreads, pureCpu: o.pureCpu })) {
    if (o.variants && !o.variants.includes(v.name)) continue;
    if (await v.activate()) vs.push(v);
    else process.stderr.write(`bench: variant ${v.name} (threads ${v.threads}) not available here, skipped\n`);
  }
  const load0 = loadavg();
  let steps: Row[] = [];
  if (o.batched !== 'only') {
    const samples = new Map<string, { row: Omit<Row, 'ms_per_outer_median' | 'ratio_vs_torch' | 'repeat_medians'>; ms: number[] }>();
    const add = (row: Omit<Row, 'ms_per_outer_median' | 'ratio_vs_torch' | 'repeat_medians'>, ms: number): void => {
      const k = `${row.config}|${row.impl}|${row.backend}|${row.threads}`;
      const e = samples.get(k) ?? { row, ms: [] };
      e.ms.push(ms);
      samples.set(k, e);
    };
    let seed = 1;
    for (let rep = 0; rep < o.reps; rep++) {
      for (const cfg of o.configs) {
        const config = configName(cfg);
        if (o.torch) {
          for (const threads of [1, 2]) {
            const ms = torchBlock(o, cfg, threads);
            if (ms !== null) add({ config, impl: 'torch', backend: 'pytorch-cpu', threads }, ms);
          }
        }
        for (const v of vs) {
          await v.activate();
          for (const impl of impls) {
            // The fused-Adam stand-in on a variant without the kernel is the plain stand-in again.
            if (impl.name.includes('fusedAdam') && !v.fusedAdam) continue;
            const runner = impl.create(cfg, seed++);
            try {
              if (o.profile) {
                runner.outer();
                const c0 = process.cpuUsage();
                const prof = profileKernels(() => runner.outer());
                const c1 = process.cpuUsage(c0);
                const total = prof.reduce((s, p) => s + p.cpuMs, 0);
                process.stdout.write(`profile ${config} ${impl.name} ${v.name}/${v.threads}: ${((c1.user + c1.system) / 1000).toFixed(1)} cpu-ms per outer, ${total.toFixed(1)} in kernels\n`);
                for (const p of [...prof].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 12)) {
                  process.stdout.write(`  ${p.kernel.padEnd(20)} ${p.cpuMs.toFixed(1).padStart(8)} cpu-ms ${p.ms.toFixed(1).padStart(8)} ms ${String(p.calls).padStart(6)} calls\n`);
                }
              }
              const ms = timeBlock(runner, o.quick);
              add({ config, impl: impl.name, backend: v.name, threads: v.threads }, ms);
              process.stderr.write(`  ${config} ${impl.name} ${v.name}/${v.threads}: ${ms.toFixed(1)} ms\n`);
            } finally {
              runner.dispose();
            }
          }
        }
      }
    }
    steps = [...samples.values()].map(({ row, ms }) => ({ ...row, ms_per_outer_median: median(ms), ratio_vs_torch: null, repeat_medians: ms }));
    for (const r of steps) {
      const torch = steps.filter((t) => t.impl === 'torch' && t.config === r.config).map((t) => t.ms_per_outer_median);
      r.ratio_vs_torch = torch.length ? r.ms_per_outer_median / Math.min(...torch) : null;
    }
    const header = `${'config'.padEnd(12)} ${'impl'.padEnd(18)} ${'backend'.padEnd(13)} thr  ${'ms/outer'.padStart(9)}  vs torch`;
    process.stdout.write(`\n${header}\n${'-'.repeat(header.length)}\n`);
    for (const r of steps) {
      const ratio = r.ratio_vs_torch === null ? '     -' : `${r.ratio_vs_torch.toFixed(2).padStart(6)}×`;
      process.stdout.write(`${r.config.padEnd(12)} ${r.impl.padEnd(18)} ${r.backend.padEnd(13)} ${String(r.threads).padStart(3)}  ${r.ms_per_outer_median.toFixed(1).padStart(9)}  ${ratio}\n`);
    }
    process.stdout.write(`(ratio: ours / the faster of torch's 1- and 2-thread runs; ${o.reps} repeat(s), tfjs-core ${tf.version_core})\n`);
  }
  let batched: BatchedRow[] = [];
  if (o.batched !== 'no') {
    // Batched runs on the cpu backend with the native kernels, 1 BLAS thread (the sweeps' setting).
    const native = vs.find((v) => v.name === 'cpu+native' && v.threads === 1) ?? variants({ blasThreads: [1], pureCpu: false }).find((v) => v.name === 'cpu+native');
    if (native && (await native.activate())) {
      process.stderr.write('batched runs (bench/batched.ts):\n');
      batched = await runBatchedBenchmark({ quick: o.quick, torch: o.torch, python: o.python, sizes: o.groupSizes ?? undefined });
      process.stdout.write(`\n${formatBatched(batched)}`);
    } else process.stderr.write('bench: batched runs need the native kernels (cpu+native); skipped\n');
  }
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, loadavgBefore: load0, loadavgAfter: loadavg() };
  writeFileSync(o.out, `${JSON.stringify({ machine, steps: steps.map(({ repeat_medians, ...r }) => ({ ...r, repeat_medians })), batched }, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), o.out)} (load average before ${load0.map((l) => l.toFixed(1)).join('/')}, after ${machine.loadavgAfter.map((l) => l.toFixed(1)).join('/')} on ${machine.cpus} cores)\n`);
  if (o.torch) {
    // Exact OT (lib/ot) against SciPy's linear_sum_assignment on the same instances (bench/ot/).
    process.stdout.write('\n');
    process.stdout.write(`${formatOtBenchmark(await runOtBenchmark(o.quick ? { sizes: [250, 500] } : {}))}\n`);
  }
  process.stdout.write(`\n${bookTimes()}`);
}

/** The quick book's wall time per notebook, as the last `npm run book` recorded it (book/runs.json). */
function bookTimes(): string {
  const f = path.join(paths.book(), 'runs.json');
  if (!existsSync(f)) return 'book: no book/runs.json yet (npm run book writes it)\n';
  const saved = JSON.parse(readFileSync(f, 'utf8')) as { scale: string; runs: NotebookRun[] };
  // A notebook re-run over finished cells only re-renders: its time is not the book's, so it is flagged.
  const note = (r: NotebookRun): string => {
    if (!r.producedCells) return '';
    const { produced, of } = r.producedCells;
    return produced === of ? `  (all ${of} cells new in this run)` : `  (${produced} of ${of} cells new in this run; the others were found finished)`;
  };
  const lines = saved.runs.map((r) => `  ${r.name.padEnd(30)} ${r.status.padEnd(7)} ${(r.seconds / 60).toFixed(1).padStart(6)} min${note(r)}`);
  const total = saved.runs.reduce((s, r) => s + r.seconds, 0);
  const partial = saved.runs.some((r) => r.producedCells && r.producedCells.produced < r.producedCells.of);
  return `book (${saved.scale} scale, from ${path.relative(process.cwd(), f)}, ${statSync(f).mtime.toISOString()}):\n${lines.join('\n')}\n  ${'total'.padEnd(38)} ${(total / 60).toFixed(1).padStart(6)} min${partial ? '  (not a full build: some notebooks found their cells finished)' : ''}\n`;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
