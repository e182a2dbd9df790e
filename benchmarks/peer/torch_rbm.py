#!/usr/bin/env python3
"""PCD-1 epochs of a binary RBM on binarized MNIST in PyTorch, the same algorithm as
`ebm4j train --model rbm --negative pcd:1 --sampler block-gibbs`: per update, the data rows' hidden
means and the chains' hidden means (ebm4j: one product of data and chain rows together; here two),
the chains' hidden draw from the means of the previous update and their visible draw (one
product), and the weight gradient over data and chains (ebm4j: one product; here two), plain SGD:
the same products per update on both sides.

    /usr/bin/python3 benchmarks/peer/torch_rbm.py MNIST_DIR [hidden] [batch] [lr] [epochs] [dtype] [threads]

dtype is float32 or float64; threads sets torch's intra-op threads (interop 1), as a careful user
would on a 2-core machine (the defaults oversubscribe). Prints `torch epoch N seconds S`, timing the
updates only.
"""
import gzip
import os
import sys
import time

import numpy as np
import torch


def mnist_train(directory):
    path = os.path.join(directory, "train-images-idx3-ubyte")
    opener, path = (open, path) if os.path.exists(path) else (gzip.open, path + ".gz")
    with opener(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 784)
    return pixels / 255.0 > 0.5


def main():
    mnist = sys.argv[1]
    hidden = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    lr = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
    epochs = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    dtype = {"float32": torch.float32, "float64": torch.float64}[sys.argv[6] if len(sys.argv) > 6 else "float32"]
    threads = int(sys.argv[7]) if len(sys.argv) > 7 else 2
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    x = torch.from_numpy(mnist_train(mnist)).to(dtype)
    n, visible = x.shape
    w = 0.01 * torch.randn(visible, hidden, dtype=dtype)
    b = torch.zeros(visible, dtype=dtype)
    c = torch.zeros(hidden, dtype=dtype)
    chains = (torch.rand(batch, visible, dtype=dtype) < 0.5).to(dtype)
    nh = torch.sigmoid(chains @ w + c)
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n)
        start = time.perf_counter()
        with torch.no_grad():
            for i in range(0, n - batch + 1, batch):
                v = x[order[i:i + batch]]
                h = (torch.rand_like(nh) < nh).to(dtype)
                chains = (torch.rand(batch, visible, dtype=dtype) < torch.sigmoid(h @ w.T + b)).to(dtype)
                ph = torch.sigmoid(v @ w + c)
                nh = torch.sigmoid(chains @ w + c)
                w += lr * (v.T @ ph - chains.T @ nh) / batch
                b += lr * (v.sum(0) - chains.sum(0)) / batch
                c += lr * (ph.sum(0) - nh.sum(0)) / batch
        print(f"torch epoch {epoch} seconds {time.perf_counter() - start:.3f} ({dtype}, {threads} threads)")


if __name__ == "__main__":
    main()
