#!/usr/bin/env python3
"""PyTorch reference for bench/batched.ts: R independent runs, trained the way a PyTorch user would train them.

Workloads (per run, one outer iteration of Algorithm 1 = 1 potential step + K_T map steps):
  mlp DxH   OTM of App. E.1: one-hidden-layer ReLU MLPs T and V of width H, batch 128, K_T = 20, Adam lr 1e-4,
            betas (0, 0.9); map loss mean(alpha*|x - T(x)|^2 - V(T(x))), potential loss mean V(T(x)) - mean V(y).
  diotm     DIOTM's 2-D networks (as lib/nets): V(t, x) with a 128-d sinusoidal time embedding and SiLU MLPs of
            width 128; residual maps T and S (width 128, 3 blocks, z of dimension 2); batch 256, K_T = 1; the HJB
            regularizer (lambda = 1) through second derivatives (create_graph=True).
Batches are drawn fresh with torch.randn per step (our runs draw from their samplers too).

--runs R: one process steps R independent models in turn (a Python loop over runs inside each outer iteration).
Separate processes are launched by bench/batched.ts (R copies of this script with --runs 1 and --start-at, so that
they run at the same time). --threads N: BLAS threads (torch_common.py explains the setup). Prints one JSON object
on stdout.
"""
import argparse
import json
import math
import statistics
import sys
import time

from torch_common import import_torch, otm_outer


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", required=True, help="mlp:DxH or diotm")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--iters", type=int, default=5, help="timed outer iterations")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start-at", type=float, default=0.0, help="wall-clock time (time.time()) to start the timed part")
    return p.parse_args()


def mlp_run(torch, d, h):
    return otm_outer(torch, d, h, 20, lambda: torch.randn(128, d), lambda: torch.randn(128, d) + 1.0)


def diotm_run(torch):
    nn = torch.nn
    w, m, d, zdim, batch, alpha, lam = 128, 128, 2, 2, 256, 0.5, 1.0
    half = m // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / (half - 1))

    def mlp(i, hidden, o):
        layers, last = [], i
        for hsize in hidden:
            layers += [nn.Linear(last, hsize), nn.SiLU()]
            last = hsize
        return nn.Sequential(*layers, nn.Linear(last, o))

    class TimePotential(nn.Module):
        def __init__(self):
            super().__init__()
            self.x, self.t, self.head = mlp(d, [w], w), mlp(m, [w], w), mlp(w, [w, w], 1)

        def forward(self, t, x):
            angles = (t.unsqueeze(1) * 1000.0) * freqs.unsqueeze(0)
            h = self.x(x) + self.t(torch.cat([torch.sin(angles), torch.cos(angles)], 1))
            return self.head(h * torch.sigmoid(h)).squeeze(1)

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = nn.Linear(d + zdim, w)
            self.blocks = nn.ModuleList([nn.ModuleList([nn.Linear(w, w), nn.Linear(w, w)]) for _ in range(3)])
            self.out = nn.Linear(w, d)

        def forward(self, x):
            h = self.inp(torch.cat([x, torch.randn(x.shape[0], zdim)], 1))
            silu = torch.nn.functional.silu
            for a, b in self.blocks:
                h = h + b(silu(a(silu(h))))
            return self.out(silu(h))

    V, T, S = TimePotential(), Residual(), Residual()
    opt_v = torch.optim.Adam(V.parameters(), lr=1e-4, betas=(0.0, 0.9))
    opt_m = torch.optim.Adam(list(T.parameters()) + list(S.parameters()), lr=1e-4, betas=(0.0, 0.9))

    def interpolants(x, y):
        tx, ty = torch.rand(x.shape[0]), torch.rand(y.shape[0])
        Tx, Sy = T(x), S(y)
        xt = (1 - tx).unsqueeze(1) * x + tx.unsqueeze(1) * Tx
        yt = (1 - ty).unsqueeze(1) * Sy + ty.unsqueeze(1) * y
        return tx, ty, Tx, Sy, xt, yt

    def hjb(t, x):
        t = t.detach().requires_grad_(True)
        x = x.detach().requires_grad_(True)
        dt, dx = torch.autograd.grad(V(t, x).sum(), [t, x], create_graph=True)
        return (2 * alpha * dt + 0.5 * dx.pow(2).sum(1)).abs().mean()

    def outer():
        x, y = torch.randn(batch, d), torch.randn(batch, d) * 3.0
        with torch.no_grad():
            tx, ty, _, _, xt, yt = interpolants(x, y)
        loss_v = V(tx, xt).mean() - V(ty, yt).mean() + lam * 0.5 * (hjb(tx, xt) + hjb(ty, yt))
        opt_v.zero_grad(set_to_none=True)
        loss_v.backward()
        opt_v.step()
        x, y = torch.randn(batch, d), torch.randn(batch, d) * 3.0
        tx, ty, Tx, Sy, xt, yt = interpolants(x, y)
        cost = alpha * ((tx * (x - Tx).pow(2).sum(1)).mean() + ((1 - ty) * (Sy - y).pow(2).sum(1)).mean())
        loss_m = cost - V(tx, xt).mean() + V(ty, yt).mean()
        opt_m.zero_grad(set_to_none=True)
        loss_m.backward()
        opt_m.step()

    return outer


def main():
    args = parse()
    torch = import_torch(args.threads, args.seed)
    if args.workload == "diotm":
        runs = [diotm_run(torch) for _ in range(args.runs)]
    else:
        d, h = (int(s) for s in args.workload.split(":")[1].split("x"))
        runs = [mlp_run(torch, d, h) for _ in range(args.runs)]

    def outer():
        for step in runs:  # R independent runs, one after another
            step()

    for _ in range(args.warmup):
        outer()
    if args.start_at > 0:
        time.sleep(max(0.0, args.start_at - time.time()))
    times = []
    t0 = time.time()
    for _ in range(args.iters):
        s = time.perf_counter()
        outer()
        times.append((time.perf_counter() - s) * 1000.0)
    print(json.dumps({
        "workload": args.workload, "runs": args.runs, "threads": args.threads, "torch": torch.__version__,
        "ms_per_outer_median": statistics.median(times), "start": t0, "end": time.time(),
    }), flush=True)


if __name__ == "__main__":
    sys.exit(main())
