#!/usr/bin/env bash
# Two single-thread training processes vs one two-thread process on this machine (what tools/run_study.sh relies on).
#   benchmarks/sweep_threads.sh [METHOD] [EPOCHS]      (default: automix 3) — digits_clutter runs, wall time of each setting
set -euo pipefail
m=${1:-automix}; e=${2:-3}; tmp=$(mktemp -d)
run() { automix-train --dataset digits_clutter --method "$m" --epochs "$e" --progress false --out_dir "$tmp/$1" > /dev/null; }
t0=$(date +%s.%N); OMP_NUM_THREADS=2 run one; t1=$(date +%s.%N)
OMP_NUM_THREADS=1 run a & OMP_NUM_THREADS=1 run b & wait; t2=$(date +%s.%N)
python - "$t0" "$t1" "$t2" "$m" "$e" <<'PY'
import sys; t0, t1, t2 = map(float, sys.argv[1:4]); one, two = t1 - t0, t2 - t1
print(f"{sys.argv[4]}, {sys.argv[5]} epochs of digits_clutter: one 2-thread run {one:.1f} s; two 1-thread runs side by side {two:.1f} s "
      f"-> runs per minute: {60 / one:.2f} vs {120 / two:.2f} ({one * 2 / two:.2f}x the throughput)")
PY
rm -rf "$tmp"
