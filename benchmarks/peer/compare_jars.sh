#!/usr/bin/env bash
# One PCD-1 epoch of a 784×500 RBM on MNIST (batch 100, lr 0.01) with two builds of ebm4j, the
# command-line jars of two commits, alternated in one session; prints medians and their ratio.
#   bash benchmarks/peer/compare_jars.sh OLD_JAR NEW_JAR MNIST_DIR [rounds]
set -euo pipefail
old=${1:?jar of the earlier build}
new=${2:?jar of the later build}
mnist=${3:?MNIST directory}
rounds=${4:-5}
out=$(mktemp -d)
epoch() {
  java -jar "$1" train --model rbm --data "mnist:$mnist" --dims hidden=500 --negative pcd:1 --sampler block-gibbs \
    --chains 100 --batch 100 --lr 0.01 --epochs 1 --seed "$2" --out "$out/$3$2" 2>/dev/null | grep -a '^epoch  *1 ' | grep -oE '[0-9.]+ s$' | cut -d' ' -f1
}
olds=(); news=(); ratios=()
for r in $(seq 1 "$rounds"); do
  o=$(epoch "$old" "$r" old); olds+=("$o")
  n=$(epoch "$new" "$r" new); news+=("$n")
  ratios+=("$(awk -v a="$n" -v b="$o" 'BEGIN {printf "%.4f", a / b}')")
  echo "round $r: old $o s, new $n s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mo=$(median "${olds[@]}"); mn=$(median "${news[@]}")
echo "median epoch: old $mo s, new $mn s, new/old $(awk -v a="$mn" -v b="$mo" 'BEGIN {printf "%.3f", a / b}')"
# Rounds are pairs run back to back: the median of their ratios is less moved by a noisy round.
echo "median of the rounds' new/old: $(median "${ratios[@]}"); best epoch: old $(printf '%s\n' "${olds[@]}" | sort -g | head -1) s, new $(printf '%s\n' "${news[@]}" | sort -g | head -1) s"
