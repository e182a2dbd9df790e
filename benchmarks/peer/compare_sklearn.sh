#!/usr/bin/env bash
# One PCD-1 epoch of a 784×500 RBM on MNIST (batch 100, lr 0.01): ebm4j against scikit-learn's
# BernoulliRBM, alternating the two sides in one session and reporting medians and their ratio.
#   bash benchmarks/peer/compare_sklearn.sh MNIST_DIR [rounds]
set -euo pipefail
mnist=${1:?MNIST directory}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/../.." && pwd)
jar=$here/examples/target/ebm4j.jar
out=$(mktemp -d)
ours=(); theirs=()
for r in $(seq 1 "$rounds"); do
  s=$(java -jar "$jar" train --model rbm --data "mnist:$mnist" --dims hidden=500 --negative pcd:1 --sampler block-gibbs \
        --chains 100 --batch 100 --lr 0.01 --epochs 1 --seed "$r" --out "$out/r$r" 2>/dev/null | grep -a '^epoch  *1 ' | grep -oE '[0-9.]+ s$' | cut -d' ' -f1)
  ours+=("$s"); echo "ebm4j   round $r: $s s"
  t=$(/usr/bin/python3 "$here/benchmarks/peer/sklearn_rbm.py" "$mnist" 500 100 0.01 1 | awk '{print $5}')
  theirs+=("$t"); echo "sklearn round $r: $t s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mo=$(median "${ours[@]}"); mt=$(median "${theirs[@]}")
echo "median epoch: ebm4j $mo s, sklearn $mt s, speed-up $(awk -v a="$mt" -v b="$mo" 'BEGIN {printf "%.2f", a / b}')x"
