#!/usr/bin/env bash
# Score-matching steps of the tanh energy (batch 100, float64): ebm4j (JMH, ScoreMatchingBenchmark)
# against PyTorch with double backward (score_matching_torch.py, 1 and 2 threads, the better one
# counted), alternating the two sides, and the energy of 100 rows as the baseline of ebm4j's cost.
#   bash benchmarks/peer/compare_score_matching.sh [rounds]
set -euo pipefail
rounds=${1:-2}
here=$(cd "$(dirname "$0")/../.." && pwd)
for r in $(seq 1 "$rounds"); do
  echo "== round $r: ebm4j"
  java -jar "$here/benchmarks/target/benchmarks.jar" ScoreMatchingBenchmark -f 1 -wi 3 -i 5 -r 1 -w 1 2>/dev/null | grep -E '^ScoreMatchingBenchmark'
  echo "== round $r: torch"
  for size in "2 32" "32 128"; do
    for objective in denoising sliced exact; do
      steps=$([ "$objective" = exact ] && [ "$size" = "32 128" ] && echo 100 || echo 500)
      for threads in 1 2; do
        /usr/bin/python3 "$here/benchmarks/peer/score_matching_torch.py" $size $objective $threads $steps
      done
    done
  done
done
