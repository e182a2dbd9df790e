#!/usr/bin/env bash
# PCD-1 epochs of the 784×500 MNIST RBM (batch 100, 100 chains, lr 0.01): ebm4j in float32 and
# float64 against PyTorch (torch_rbm.py, the same products per update) in both, alternated; the
# second epoch of each run is reported. PyTorch runs with 1 intra-op thread and OpenBLAS's own two
# (its default of 2 intra-op threads on 2 cores oversubscribes them: 14 s instead of 6.5 here).
#   bash benchmarks/peer/compare_torch.sh MNIST_DIR [rounds]
set -euo pipefail
mnist=${1:?MNIST directory}
rounds=${2:-2}
here=$(cd "$(dirname "$0")/../.." && pwd)
# Debian's PyTorch calls libblas.so.3, which is the slow reference BLAS unless OpenBLAS provides it
# (apt-get install libopenblas0-pthread): say which one it gets.
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo none)
echo "PyTorch's libblas.so.3: $blas"
case $blas in
  *openblas*) ;;
  *) echo "warning: not OpenBLAS; PyTorch will be 20x slower than it can be (apt-get install libopenblas0-pthread)" >&2 ;;
esac
jar=$here/examples/target/ebm4j.jar
out=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  for p in float32 float64; do
    s=$(java -jar "$jar" train --model rbm --data "mnist:$mnist" --dims hidden=500 --negative pcd:1 --chains 100 --batch 100 \
          --lr 0.01 --epochs 2 --seed 1 --precision "$p" --out "$out/$p-$r" 2>/dev/null | grep -a '^epoch  *2 ' | grep -oE '[0-9.]+ s$')
    echo "round $r ebm4j $p: $s"
    t=$(/usr/bin/python3 "$here/benchmarks/peer/torch_rbm.py" "$mnist" 500 100 0.01 2 "$p" 1 | tail -1 | awk '{print $5}')
    echo "round $r torch $p: $t s"
  done
done
