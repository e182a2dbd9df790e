#!/usr/bin/env python3
"""One PCD-1 epoch of scikit-learn's BernoulliRBM on binarized MNIST, timed like `ebm4j train`.

    python3 benchmarks/peer/sklearn_rbm.py MNIST_DIR [hidden] [batch] [lr] [epochs]

Prints one line per epoch: `sklearn epoch N seconds S`, timing fit work only (no data loading).
Debian's python3-sklearn (NumPy on OpenBLAS) is the peer ebm4j is compared with.
"""
import gzip
import os
import sys
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM


def mnist_train(directory):
    path = os.path.join(directory, "train-images-idx3-ubyte")
    opener, path = (open, path) if os.path.exists(path) else (gzip.open, path + ".gz")
    with opener(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 784)
    return (pixels / 255.0 > 0.5).astype(np.float64)


def main():
    directory = sys.argv[1]
    hidden = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    lr = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
    epochs = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    x = mnist_train(directory)
    rbm = BernoulliRBM(n_components=hidden, batch_size=batch, learning_rate=lr, n_iter=1, random_state=1)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        # fit with n_iter=1 runs one epoch of PCD-1 minibatch updates (it keeps its own chains).
        rbm.fit(x)
        print(f"sklearn epoch {epoch} seconds {time.perf_counter() - start:.3f}", flush=True)


if __name__ == "__main__":
    main()
