"""What the momentum encoder's full forward on the clean batch (the official step) changes in accuracy, against the
shortcut that stops it at `mask_layer` (`full_momentum_forward=False`, whose later batch-norm layers then update their
running statistics once a step instead of twice).

python benchmarks/momentum_forward_effect.py [--dataset digits] [--seeds 0-2] [--out runs/momentum_forward]

Trains AutoMix with the dataset's preset both ways for each seed (resumable: finished runs are skipped) and prints the
top-1 of every head (final and median of the last 10 epochs) with the paired difference over seeds.
"""
import argparse, json
import pandas as pd
from automix.sweep import run_sweep, seed_range
from automix.stats import paired_difference
from automix.runs import read_run

ap = argparse.ArgumentParser()
ap.add_argument("--dataset", default="digits"); ap.add_argument("--seeds", default="0-2"); ap.add_argument("--out", default="runs/momentum_forward")
a = ap.parse_args()
rows = []
for full in (True, False):
    for d in run_sweep(["automix"], seed_range(a.seeds), f"{a.out}/full_{full}", dataset=a.dataset, progress=False, full_momentum_forward=full):
        c, s = read_run(d, "config", "summary")
        rows.append(dict(full_momentum_forward=full, seed=c["seed"], **{k: round(v, 2) for k, v in s.items() if "top1" in k and not k.startswith("best")}))
df = pd.DataFrame(rows)
print(df.to_string(index=False))
for col in ("final_top1", "median10_top1"):
    f, s = df[df.full_momentum_forward].set_index("seed")[col], df[~df.full_momentum_forward].set_index("seed")[col]
    d, lo, hi = paired_difference(f.loc[s.index], s)
    print(f"{col} (one_k): official full forward {f.mean():.2f}, shortcut {s.mean():.2f}; paired difference {d:+.2f} [{lo:+.2f}, {hi:+.2f}]")
