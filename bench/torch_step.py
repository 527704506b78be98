#!/usr/bin/env python3
"""PyTorch reference of one outer iteration of OTP's Algorithm 1 (App. E.1), for bench/run.ts.

One outer iteration = 1 Adam step on the potential V, then K_T Adam steps on the map T. Both are MLPs with one
hidden ReLU layer; batch 128; Adam lr 1e-4, betas (0, 0.9). Map loss mean(alpha*|x - T(x)|^2 - V(T(x))),
potential loss mean(V(T(x))) - mean(V(y)), T(x) detached in the potential step. Batches come from a pool of
pre-drawn Gaussian batches, cycled (the TypeScript side does the same), so that random generation is not timed.

Threads: Debian's torch uses the pthread build of OpenBLAS, which torch.set_num_threads does not govern, and
OMP_NUM_THREADS>1 slows it 2-3x. So --threads N sets OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=N before torch
is imported. Prints one JSON object per configuration on stdout.
"""
import argparse
import json
import statistics
import sys
import time

from torch_common import import_torch, otm_outer


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--configs", default="2x256,16x1024,64x1024,256x1024", help="comma list of DxH")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--iters", type=int, default=10, help="timed outer iterations per repeat")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--kt", type=int, default=20)
    p.add_argument("--pool", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def main():
    args = parse()
    torch = import_torch(args.threads, args.seed)
    for spec in args.configs.split(","):
        d, h = (int(s) for s in spec.split("x"))
        xs = [torch.randn(args.batch, d) for _ in range(args.pool)]
        ys = [torch.randn(args.batch, d) + 1.0 for _ in range(args.pool)]
        k = [0]

        def batch(pool):
            k[0] += 1
            return pool[k[0] % len(pool)]

        outer = otm_outer(torch, d, h, args.kt, lambda: batch(xs), lambda: batch(ys))
        for _ in range(args.warmup):
            outer()
        medians = []
        for _ in range(args.repeats):
            times = []
            for _ in range(args.iters):
                t0 = time.perf_counter()
                outer()
                times.append((time.perf_counter() - t0) * 1000.0)
            medians.append(statistics.median(times))
        print(json.dumps({
            "config": f"d={d}/h={h}", "d": d, "h": h, "impl": "torch", "backend": f"pytorch-{torch.__version__}-cpu",
            "threads": args.threads, "ms_per_outer_median": statistics.median(medians), "repeat_medians": medians,
        }), flush=True)


if __name__ == "__main__":
    sys.exit(main())
