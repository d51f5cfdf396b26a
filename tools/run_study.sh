#!/usr/bin/env bash
# The digits_clutter study: every method × 5 seeds, 200 epochs (tested every 5th epoch and in the last 10), from one
# fixed commit. Seed by seed; within a seed vanilla and AutoMix first.
#
#   tools/run_study.sh [OUT] [WORKERS]      (default OUT=runs/study200, WORKERS=2)
#
# The code is frozen first: a clone of HEAD goes to OUT/code, and every worker imports automix from there, so work on
# the repository cannot change the runs midway (each run's config.json records that commit). WORKERS processes with one
# thread each share the queue through the run folders' locks (on this 2-core machine two single-thread processes get
# more done than one two-thread process: 1.49× the throughput, benchmarks/sweep_threads.sh). Rerunning the script resumes: finished runs are skipped,
# half-finished ones continue from their last checkpoint.
set -euo pipefail
top=$(git rev-parse --show-toplevel)
out=$(realpath -m "${1:-$top/runs/study200}"); workers=${2:-2}
methods=vanilla,automix,mixup,cutmix,fmix,resizemix,saliencymix,manifoldmix,puzzlemix,samix,comixup,adautomix
mkdir -p "$out"
if [ ! -d "$out/code/.git" ]; then
  git -C "$top" diff --quiet HEAD -- automix || { echo "automix/ has uncommitted changes: commit them first" >&2; exit 1; }
  git clone -q "$top" "$out/code"
fi
echo "code: $(git -C "$out/code" rev-parse --short=12 HEAD) in $out/code"
cd "$out"                                   # so that no other automix/ folder (the checkout's) shadows the frozen copy
python -c "import automix, sys; sys.exit(0 if automix.__file__.startswith('$out/code/') else 1)" 2>/dev/null \
  || PYTHONPATH="$out/code" python -c "import automix, sys; sys.exit(0 if automix.__file__.startswith('$out/code/') else 1)" \
  || { echo "the frozen copy in $out/code is not the automix that python imports" >&2; exit 1; }
for w in $(seq 1 "$workers"); do
  OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH="$out/code" nohup python -c \
    "import sys, torch; torch.set_num_threads(1); from automix.sweep import main; main(sys.argv[1:])" \
    --methods "$methods" --seeds 0-4 --out "$out" --dataset digits_clutter --progress false --keep_epochs 20,50,100,200 --eval_every 5 \
    > "$out/worker$w.log" 2>&1 &
  sleep 5
done
echo "started $workers workers; logs in $out/worker*.log; the table: papermill nbs/study.ipynb runs/study_out.ipynb -p out_root $out"
