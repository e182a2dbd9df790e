#!/usr/bin/env python3
"""PCD-1 epochs of scikit-learn's BernoulliRBM on binarized MNIST, timed like `ebm4j train`.

    python3 benchmarks/peer/sklearn_rbm.py MNIST_DIR [hidden] [batch] [lr] [epochs] [save_dir]

Prints one line per epoch: `sklearn epoch N seconds S`, timing fit work only (no data loading).
With save_dir, writes the trained parameters as an ebm4j checkpoint there, so that
`ebm4j evaluate --checkpoint save_dir` scores scikit-learn's model with the same estimator as ours.
Debian's python3-sklearn (NumPy on OpenBLAS) is the peer ebm4j is compared with.
"""
import gzip
import os
import struct
import sys
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM
from sklearn.utils import gen_even_slices


def mnist_train(directory):
    path = os.path.join(directory, "train-images-idx3-ubyte")
    opener, path = (open, path) if os.path.exists(path) else (gzip.open, path + ".gz")
    with opener(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 784)
    return (pixels / 255.0 > 0.5).astype(np.float64)


def write_checkpoint(directory, rbm, mnist_dir, seed):
    """The format of org.ebm4j.train.Checkpoint (Java DataOutputStream, big-endian)."""
    def utf(s):
        b = s.encode("utf-8")
        return struct.pack(">H", len(b)) + b

    hidden, visible = rbm.components_.shape
    props = {
        "model": "org.ebm4j.examples.models.RbmModel",
        "dims": f"visible={visible},hidden={hidden}",
        "data": f"mnist:{mnist_dir}",
        "seed": str(seed),
        "trainedBy": "scikit-learn BernoulliRBM",
    }
    # RbmModel's flat parameters: b[visible], c[hidden], w[visible, hidden] row-major.
    params = np.concatenate([rbm.intercept_visible_, rbm.intercept_hidden_, rbm.components_.T.ravel()])
    out = utf("ebm4j-checkpoint-1") + struct.pack(">i", len(props))
    for k, v in props.items():
        out += utf(k) + utf(v)
    out += struct.pack(">i", 1) + utf("params") + struct.pack(">i", len(params)) + params.astype(">f8").tobytes()
    out += struct.pack(">i", 0)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "checkpoint.ebm4j"), "wb") as f:
        f.write(out)


def main():
    directory = sys.argv[1]
    hidden = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    lr = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
    epochs = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    save = sys.argv[6] if len(sys.argv) > 6 else None
    x = mnist_train(directory)
    rbm = BernoulliRBM(n_components=hidden, batch_size=batch, learning_rate=lr, n_iter=1, random_state=1)
    if epochs == 1 and save is None:
        start = time.perf_counter()
        # fit with n_iter=1 runs one epoch of PCD-1 minibatch updates (it keeps its own chains).
        rbm.fit(x)
        print(f"sklearn epoch 1 seconds {time.perf_counter() - start:.3f}", flush=True)
    else:
        # fit restarts from scratch on every call; partial_fit on fit's own slices continues.
        n_batches = int(np.ceil(x.shape[0] / batch))
        slices = list(gen_even_slices(n_batches * batch, n_batches, n_samples=x.shape[0]))
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            for s in slices:
                rbm.partial_fit(x[s])
            print(f"sklearn epoch {epoch} seconds {time.perf_counter() - start:.3f}", flush=True)
    if save:
        write_checkpoint(save, rbm, directory, 1)


if __name__ == "__main__":
    main()
