#!/usr/bin/env bash
# Copy a sweep's small result files (no checkpoints) into the repository, so its tables can be regenerated anywhere:
#   tools/collect_results.sh /work/study200 results/study200
# Per run: config.json, metrics.csv, summary.json and the study notebook's cached analyses; plus the tables (*.md, *.csv).
set -euo pipefail
src=$1; dst=$2; mkdir -p "$dst"
for d in "$src"/*/; do
  [ -f "$d/summary.json" ] || continue
  n=$(basename "$d"); mkdir -p "$dst/$n"
  for f in config.json metrics.csv summary.json label_agreement.json downstream.json; do [ -f "$d/$f" ] && cp "$d/$f" "$dst/$n/"; done
done
cp "$src"/*.md "$src"/*.csv "$dst/" 2>/dev/null || true
echo "$(ls -d "$dst"/*/ | wc -l) runs in $dst"
