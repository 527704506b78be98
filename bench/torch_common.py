"""What bench/torch_step.py and bench/torch_runs.py share: the thread setup and the OTM step of App. E.1.

Debian's torch uses the pthread build of OpenBLAS, which torch.set_num_threads does not govern, and
OMP_NUM_THREADS>1 slows it 2-3x. So OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=threads are set before torch is
imported, then torch's own pool is set to one thread.
"""
import os


def import_torch(threads, seed):
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    import torch  # noqa: E402  (after the thread variables)

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    return torch


def otm_outer(torch, d, h, kt, draw_x, draw_y):
    """One outer iteration of App. E.1's OTM (1 potential step, kt map steps) on one-hidden-layer ReLU MLPs of width
    h, Adam lr 1e-4, betas (0, 0.9); batches from draw_x() and draw_y()."""
    alpha = 0.01 if d == 256 else 1.0  # App. E.1
    T = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.ReLU(), torch.nn.Linear(h, d))
    V = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.ReLU(), torch.nn.Linear(h, 1))
    opt_t = torch.optim.Adam(T.parameters(), lr=1e-4, betas=(0.0, 0.9))
    opt_v = torch.optim.Adam(V.parameters(), lr=1e-4, betas=(0.0, 0.9))

    def outer():
        x, y = draw_x(), draw_y()
        with torch.no_grad():
            tx = T(x)
        loss_v = V(tx).mean() - V(y).mean()
        opt_v.zero_grad(set_to_none=True)
        loss_v.backward()
        opt_v.step()
        for _ in range(kt):
            x = draw_x()
            tx = T(x)
            loss_t = (alpha * (x - tx).pow(2).sum(1) - V(tx).squeeze(1)).mean()
            opt_t.zero_grad(set_to_none=True)
            loss_t.backward()
            opt_t.step()

    return outer
