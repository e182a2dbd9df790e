#!/usr/bin/env python3
"""Score-matching steps of the tanh energy in PyTorch with double backward, timed like
ScoreMatchingBenchmark (ebm4j's JMH benchmark of the same model, batch and objectives).

    /usr/bin/python3 benchmarks/peer/score_matching_torch.py DIM HIDDEN OBJECTIVE THREADS [STEPS]

OBJECTIVE is denoising (sigma 0.1), sliced (one Rademacher projection, the variance-reduced form)
or exact (the Laplacian one coordinate at a time, as TorchEBM does). Prints microseconds per step
(gradient by autograd, then Adam), after 100 warm-up steps; float64 like ebm4j. Debian's
python3-torch is the peer.
"""
import sys
import time

import torch


class TanhEnergy(torch.nn.Module):
    """E(x) = ½|x|² e^{-2 log σ} − aᵀ tanh(Wx + c) + 0.1 Σ softplus(Wx + c) / (1 + |x|²)."""

    def __init__(self, dim, hidden):
        super().__init__()
        g = torch.Generator().manual_seed(1)
        self.w = torch.nn.Parameter(0.5 * torch.randn(hidden, dim, generator=g, dtype=torch.float64))
        self.c = torch.nn.Parameter(torch.zeros(hidden, dtype=torch.float64))
        self.a = torch.nn.Parameter(0.5 * torch.randn(hidden, generator=g, dtype=torch.float64))
        self.log_sigma = torch.nn.Parameter(torch.ones((), dtype=torch.float64))

    def forward(self, x):
        pre = x @ self.w.T + self.c
        sq = (x * x).sum(1)
        return 0.5 * sq * torch.exp(-2 * self.log_sigma) - torch.tanh(pre) @ self.a + 0.1 * torch.nn.functional.softplus(pre).sum(1) / (1 + sq)


def score(model, x):
    return -torch.autograd.grad(model(x).sum(), x, create_graph=True)[0]


def loss(model, x, objective, sigma=0.1):
    if objective == "denoising":
        eps = torch.randn_like(x)
        noisy = (x + sigma * eps).requires_grad_(True)
        s = score(model, noisy)
        return 0.5 * ((s + eps / sigma) ** 2).sum(1).mean()
    x = x.clone().requires_grad_(True)
    s = score(model, x)
    value = 0.5 * (s * s).sum(1)
    if objective == "sliced":
        u = torch.randint(0, 2, x.shape, dtype=x.dtype) * 2 - 1
        hu = torch.autograd.grad((s * u).sum(), x, create_graph=True)[0]
        return (value + (hu * u).sum(1)).mean()
    for i in range(x.shape[1]):
        value = value + torch.autograd.grad(s[:, i].sum(), x, create_graph=True)[0][:, i]
    return value.mean()


def main():
    dim, hidden, objective, threads = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    steps = int(sys.argv[5]) if len(sys.argv) > 5 else 1000
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(3)
    model = TanhEnergy(dim, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=1e-6)
    x = torch.randn(100, dim, dtype=torch.float64)
    for k in range(100 + steps):
        if k == 100:
            start = time.perf_counter()
        opt.zero_grad()
        loss(model, x, objective).backward()
        opt.step()
    us = (time.perf_counter() - start) / steps * 1e6
    print(f"torch {torch.__version__} {objective} {dim}x{hidden} threads {threads}: {us:.1f} us/step")


if __name__ == "__main__":
    main()
