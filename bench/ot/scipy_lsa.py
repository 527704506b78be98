"""Times scipy.optimize.linear_sum_assignment on a cost matrix written by assignment-vs-scipy.ts.

usage: /usr/bin/python3 scipy_lsa.py MATRIX.f64 N REPEATS [WARMUP]
MATRIX.f64 holds N*N little-endian float64 values, row-major. Prints one JSON line:
{"cost": sum of the optimal assignment, "seconds": [one wall time per repeat], "scipy": version}.
Only the solver call is timed (not reading the file), after WARMUP (default 2) untimed calls, as on the
TypeScript side.
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment


def main() -> None:
    path, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    c = np.fromfile(path, dtype="<f8")
    if c.size != n * n:
        raise SystemExit(f"{path}: {c.size} values, expected {n}*{n}")
    c = c.reshape(n, n)
    for _ in range(warmup):
        rows, cols = linear_sum_assignment(c)
    seconds = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        rows, cols = linear_sum_assignment(c)
        seconds.append(time.perf_counter() - t0)
    # Summed in row order, like the TypeScript side, so equal assignments give bit-equal costs.
    cost = 0.0
    for i, j in zip(rows.tolist(), cols.tolist()):
        cost += float(c[i, j])
    print(json.dumps({"cost": cost, "seconds": seconds, "scipy": scipy.__version__}))


if __name__ == "__main__":
    main()
