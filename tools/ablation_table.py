"""The AutoMix ablations on digits_clutter against the study's AutoMix runs of the same seeds, as a markdown table.

    python tools/ablation_table.py results/study200 results/ablations

Each folder under the second argument is one setting (a sweep's `--out`), holding `digits_clutter_automix_s<seed>_*`
run folders; the study's runs of the seeds found there are listed beside them. Columns: median top-1 of the last 10
epochs for the momentum encoder's one-hot head (the reported one), its mixup head and the online encoder's one-hot head.
"""
import json, sys
from pathlib import Path
import pandas as pd
from automix.runs import read_run
study = Path(sys.argv[1]); ablate = Path(sys.argv[2])
def runs(root, tag):
    out = []
    for d in sorted(Path(root).glob("digits_clutter_automix_s*")):
        if not (d / "summary.json").is_file(): continue
        c, s = read_run(d, "config", "summary")
        out.append(dict(setting=tag, seed=c["seed"], one_k=s["median10_top1"], mix_k=s.get("median10_top1_mix_k"), one_q=s.get("median10_top1_one_q"),
                        mixblock_lr=c["mixblock_lr"], momentum=f"{c['momentum_start']} → {c['momentum_end']}", hardware=c.get("hardware")))
    return out
rows = runs(study, "study preset")
for sub in sorted(p for p in ablate.iterdir() if p.is_dir()): rows += runs(sub, sub.name)
df = pd.DataFrame(rows)
seeds = set(df[df.setting != "study preset"].seed)
df = df[df.seed.isin(seeds)].sort_values(["seed", "setting"])
print("| setting | Mix Block lr | EMA momentum | seed | one_k (reported) | mix_k | one_q | hardware |\n|---|---|---|---|---|---|---|---|")
for r in df.itertuples():
    print(f"| {r.setting} | {r.mixblock_lr} | {r.momentum} | {r.seed} | {r.one_k:.2f} | {r.mix_k:.2f} | {r.one_q:.2f} | {r.hardware} |")
