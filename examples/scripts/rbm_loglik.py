#!/usr/bin/env python3
"""Exact log Z and average test log-likelihood of an exported binary RBM, in NumPy alone.

An independent check of `ebm4j evaluate --logz exact`: reads the .npy files written by
`ebm4j export` (b[visible], c[hidden], w[visible, hidden], as in examples/models/Rbm.java) and
the MNIST test images, binarized at pixel/255 > 0.5.

    python3 examples/scripts/rbm_loglik.py EXPORT_DIR MNIST_DIR
"""
import gzip
import os
import sys

import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


def mnist_test(directory):
    path = os.path.join(directory, "t10k-images-idx3-ubyte")
    opener = gzip.open if not os.path.exists(path) else open
    path = path if os.path.exists(path) else path + ".gz"
    with opener(path, "rb") as f:
        data = f.read()
    n, rows, cols = (int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(3))
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows * cols)
    return (pixels / 255.0 > 0.5).astype(np.float64)


def main(export_dir, mnist_dir):
    b = np.load(os.path.join(export_dir, "b.npy"))
    c = np.load(os.path.join(export_dir, "c.npy"))
    w = np.load(os.path.join(export_dir, "w.npy"))
    hidden = c.shape[0]
    # log Z = log sum_h exp(c.h + sum_i softplus(b_i + (W h)_i)), in chunks of hidden states.
    terms = []
    chunk = 1 << min(hidden, 14)
    for start in range(0, 1 << hidden, chunk):
        idx = np.arange(start, start + chunk)
        h = ((idx[:, None] >> np.arange(hidden)) & 1).astype(np.float64)
        terms.append(h @ c + softplus(h @ w.T + b).sum(axis=1))
    terms = np.concatenate(terms)
    m = terms.max()
    log_z = m + np.log(np.exp(terms - m).sum())
    v = mnist_test(mnist_dir)
    log_p = v @ b + softplus(v @ w + c).sum(axis=1)
    print(f'{{"logZ": {log_z:.10f}, "logLikelihood": {log_p.mean() - log_z:.10f}, "examples": {len(v)}}}')


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
