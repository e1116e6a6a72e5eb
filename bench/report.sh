#!/usr/bin/env bash
# Produces the measurements behind docs/benchmarks.md in one go, on whatever machine runs it:
#   JMH GEMM (vector vs the project's OpenBLAS backend vs a direct OpenBLAS downcall), conv layers, training steps,
#   then the CLI's `bench train` for vectorgrad and the PyTorch script for the same models, side by side.
# Output: bench/results/<timestamp>/ (JSON + logs) and the Markdown table between the report markers of
# docs/benchmarks.md plus docs/gemm.png. Takes about 20 minutes; run it on an otherwise idle machine.
# Usage: bench/report.sh [quick]      (quick: fewer shapes and iterations, ~5 minutes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[[ -x "$J" ]] || J="$(command -v java)"
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
lscpu > "$out/lscpu.txt"
[[ -f bench/target/benchmarks.jar ]] || bash bench/build.sh
shapes="1024x1024x1024,128x512x784:NT,128x256x512:NT,512x784x128:TN,256x512x128:TN,128x784x512:NN,128x512x256:NN"
small="4x4x4,16x16x16,64x64x64,256x256x256,512x512x512,2048x2048x2048"
iters=(-f 1 -wi 3 -i 5 -w 1 -r 1)
if [[ "${1:-}" == quick ]]; then small="4x4x4,16x16x16,64x64x64"; iters=(-f 1 -wi 2 -i 3 -w 1 -r 1); fi
jmh() { local name=$1; shift; "$J" -jar bench/target/benchmarks.jar "$@" "${iters[@]}" -rf json -rff "$out/$name.json" > "$out/$name.log" 2>&1; }
jmh gemm GemmBenchmark -p backend=vector,blas,openblas -p shape="$shapes" -p threads=1,2
jmh gemm-small GemmBenchmark -p backend=vector,blas -p shape="$small" -p threads=1
jmh conv ConvBenchmark -p backend=vector,blas -p threads=1,2
jmh train TrainStepBenchmark -p model=mlp,cnn -p backend=vector,blas,auto -p threads=1,2 -prof gc
# one JSON array for the report tool
python3 - "$out" <<'PY'
import json, sys, glob
rows = []
for f in ["gemm", "gemm-small", "conv", "train"]:
    try: rows += json.load(open(f"{sys.argv[1]}/{f}.json"))
    except FileNotFoundError: pass
json.dump(rows, open(f"{sys.argv[1]}/all.json", "w"))
PY
"$J" -cp bench/target/benchmarks.jar org.vectorgrad.bench.Report "$out/all.json" docs/benchmarks.md docs/gemm.png
# end-to-end training throughput, vectorgrad CLI then PyTorch, same machine, same minutes
for model in mlp cnn; do
  for t in 1 2; do
    steps=100; [[ $model == cnn ]] && steps=30
    ./vectorgrad bench train --model $model --threads $t --backend auto --steps $steps --warmup 10 --runs 3 2>/dev/null | tail -1 >> "$out/train-cli.jsonl"
  done
done
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 bench/pytorch/train_bench.py --threads 1 2 --steps 40 > "$out/pytorch.jsonl" 2> "$out/pytorch.log" || true
fi
echo "results in $out"
cat "$out/train-cli.jsonl" "$out/pytorch.jsonl" 2>/dev/null
