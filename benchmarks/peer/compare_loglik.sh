#!/usr/bin/env bash
# Test log-likelihood after the same training: ebm4j and scikit-learn's BernoulliRBM, PCD-1, 784×500,
# batch 100, same learning rate and epochs, both scored by `ebm4j evaluate` (AIS on the 10 000
# MNIST test images, same temperatures, runs and seed).
#   bash benchmarks/peer/compare_loglik.sh MNIST_DIR [epochs] [lr] [temperatures]
set -euo pipefail
mnist=${1:?MNIST directory}
epochs=${2:-10}
lr=${3:-0.01}
temps=${4:-14500}
here=$(cd "$(dirname "$0")/../.." && pwd)
jar=$here/examples/target/ebm4j.jar
out=$(mktemp -d)
java -jar "$jar" train --model rbm --data "mnist:$mnist" --dims hidden=500 --negative pcd:1 --sampler block-gibbs \
  --chains 100 --batch 100 --lr "$lr" --epochs "$epochs" --seed 1 --out "$out/ebm4j" --quiet
/usr/bin/python3 "$here/benchmarks/peer/sklearn_rbm.py" "$mnist" 500 100 "$lr" "$epochs" "$out/sklearn" > /dev/null
for side in ebm4j sklearn; do
  ll=$(java -jar "$jar" evaluate --checkpoint "$out/$side" --data "mnist:$mnist" --logz ais --temperatures "$temps" --runs 100 --seed 1 --quiet | tail -1)
  echo "$side $ll"
done
