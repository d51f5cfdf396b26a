"""Does the classification ranking carry over to detection? The fair study's backbones (issue #26), each fine-tuned as a
Faster R-CNN on `digits_clutter_det`, beside the same detector from a random backbone.

    python tools/detection_study.py OUT [--arms vanilla,mixup,...] [--seeds 0-2] [--epochs 6]   # run (resumable)
    python tools/detection_study.py OUT --table                                                  # the table only
    python tools/detection_study.py OUT --readme                                                 # … and OUT/README.md, the report

Run it from a frozen copy of the code (every summary records its commit, and one table takes one commit):
    git clone -q . /tmp/detcode && PYTHONPATH=/tmp/detcode python /tmp/detcode/tools/detection_study.py OUT --study results/study_fair

Protocol, fixed before the runs: the source runs are the fair study's (`results/study_fair/`, one CPU class, one commit),
their exported networks (the EMA / momentum encoder for every method, `model.safetensors`); one detector recipe for all
(every stage trained, batch norm frozen, 64-px images, SGD lr 0.02 with warm-up and cosine, batch 16, EPOCHS epochs);
detection seed = source seed; `random` is the same detector from a randomly initialised narrow ResNet-10 with the same
seed. Scores: box AP (0.5:0.95) and AP50 on the 200 test images, last epoch. Comparisons: each arm against `random` and
against `vanilla`, paired by seed, Holm-corrected over that family, Bonferroni-simultaneous intervals. The source runs'
model files are not committed; each summary names the sha256 of the file it started from.
"""
import argparse, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "results" / "study_fair"
ARMS = ("random", "vanilla", "mixup", "cutmix", "automix_official", "samix")
EPOCHS = 6


def source(arm: str, seed: int, study: Path = STUDY) -> Path:
    "The fair study's finished run folder of `arm` and `seed`."
    for d in sorted(study.glob(f"digits_clutter_*_s{seed}_*")):
        a = d / "arm.json"
        if a.is_file() and json.loads(a.read_text())["arm"] == arm and (d / "summary.json").is_file():
            if not (d / "model.safetensors").is_file(): raise SystemExit(f"{d} has no model.safetensors (not committed; rerun it with tools/fair_study.py)")
            return d
    raise SystemExit(f"no finished fair-study run of {arm} seed {seed} in {study}")


def run(out: Path, arms, seeds, epochs: int, study: Path = STUDY):
    from automix.detection import run_detection
    for seed in seeds:
        for arm in arms:
            d = out / f"{arm}_s{seed}"
            if (d / "summary.json").is_file(): print(f"{arm} s{seed}: done already"); continue
            kw = dict(arch="narrow_resnet10") if arm == "random" else dict(run_dir=source(arm, seed, study))
            d.mkdir(parents=True, exist_ok=True); (d / "arm.json").write_text(json.dumps(dict(arm=arm, seed=seed)))   # before the summary
            s = run_detection(**kw, dataset="digits_clutter_det", out_dir=d, epochs=epochs, seed=seed, log=lambda l: print(f"{arm} s{seed}: {l}", flush=True))
            print(f"{arm} s{seed}: mAP {100 * s['map']:.1f}  mAP50 {100 * s['map_50']:.1f}", flush=True)


def table(out: Path):
    "The study's table (markdown) and its comparison family (None below two seeds per arm)."
    import pandas as pd
    from automix.metrics import markdown_table
    from automix.stats import compare_family
    rows = []
    for d in sorted(out.glob("*_s*")):
        if (d / "summary.json").is_file() and (d / "arm.json").is_file():
            a, s = json.loads((d / "arm.json").read_text()), json.loads((d / "summary.json").read_text())
            rows.append(dict(arm=a["arm"], seed=a["seed"], hardware=s["hardware"], commit=s["commit"], mAP=100 * s["map"],
                             mAP50=100 * s["map_50"]))
    if not rows: raise SystemExit(f"no finished detection runs in {out}")
    runs = pd.DataFrame(rows)
    per = runs.groupby("arm").agg(runs=("seed", "size"), mAP=("mAP", "mean"), mAP_sd=("mAP", "std"), mAP50=("mAP50", "mean"),
                                  mAP50_sd=("mAP50", "std")).reindex([a for a in ARMS if a in set(runs.arm)]).reset_index()
    text, fam = markdown_table(per.round(2)), None
    bases = [b for b in ("random", "vanilla") if b in set(runs.arm)]
    if runs.groupby("arm").seed.nunique().min() >= 2 and bases:
        fam = compare_family(runs.rename(columns={"mAP": "map", "mAP50": "map50"}), bases, ["map", "map50"])
        text += "\n\n" + markdown_table(fam.round(3))
    return text, fam


def reading(fam) -> str:
    "What the family says, from its rows: against `random`, how many hold; against `vanilla`, which hold and which way."
    if fam is None: return "Fewer than two seeds per arm: nothing is tested yet."
    col = {"map": "box AP", "map50": "AP50"}
    r = fam[fam.baseline == "random"]
    v = fam[fam.baseline == "vanilla"]
    held = [f"`{x.arm}` {'above' if x.diff > 0 else 'below'} vanilla in {col[x.column]} ({x.diff:+.1f}, simultaneous interval "
            f"[{x.lo_simult:+.1f}, {x.hi_simult:+.1f}])" for x in v.itertuples() if x.holds]
    return (f"Against `random`, {int(r.holds.sum())} of {len(r)} comparisons hold after Holm's correction. Against `vanilla`, "
            + (f"{len(held)} of {len(v)} hold: " + "; ".join(held) if held else f"none of {len(v)} holds")
            + ". Every other difference between methods is **not shown** at this number of seeds: not the same as equal.")


def readme(out: Path, text: str, fam):
    "Write the study's report, `OUT/README.md`, from its runs: what was done, the table, and what the family says."
    runs = [json.loads((d / "summary.json").read_text()) for d in sorted(out.glob("*_s*")) if (d / "summary.json").is_file()]
    hw, commits = sorted({r["hardware"] for r in runs}), sorted({r["commit"] for r in runs})
    where = out.resolve().relative_to(ROOT) if out.resolve().is_relative_to(ROOT) else out
    epochs = sorted({r["epochs"] for r in runs})
    protocol = __doc__.split("Protocol, fixed before the runs: ", 1)[1].strip().replace("EPOCHS", str(EPOCHS))
    (out / "README.md").write_text(f"""# Detection transfer: `digits_clutter_det`

*Written by `python tools/detection_study.py {where} --readme` from the run folders here.*

Does what a mixup method teaches a classifier carry over to detection, as the paper asks of its ImageNet ResNet-50s on
VOC and COCO? The fair study's `digits_clutter` backbones (narrow ResNet-10, each run's exported network: the EMA, or
the momentum encoder) become Faster R-CNN backbones fine-tuned on `digits_clutter_det` — one to three whole digits per
64-px canvas of the same clutter, with faint fragments of other digits that are not objects — beside the same detector
from a random backbone. The paper's own detection numbers are not reproduced here: they need ImageNet-scale backbones
and a GPU. One experiment of this kind, a vanilla backbone beside a random one, is `nbs/detection.ipynb`, committed
executed; its figure:

![detections](../../figures/detection_boxes.png)

Protocol, fixed before the runs: {protocol}

{len(runs)} fine-tunes; commit {', '.join(commits)}; {'; '.join(hw)}. Box AP in % (COCO's AP over IoU 0.5:0.95, and AP
at IoU 0.5) on the 200 test images after {'/'.join(map(str, epochs))} epochs, mean and sd over seeds; below it, each arm
against `random` and `vanilla`, paired by seed, Holm-adjusted over that family.

{text}

{reading(fam)}
""")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--arms", default=",".join(ARMS)); ap.add_argument("--seeds", default="0-2")
    ap.add_argument("--epochs", type=int, default=EPOCHS); ap.add_argument("--table", action="store_true")
    ap.add_argument("--readme", action="store_true", help="only the table, and the study's report OUT/README.md")
    ap.add_argument("--study", type=Path, default=STUDY, help="the fair study's folder (its runs' model.safetensors are the backbones)")
    a = ap.parse_args()
    if not (a.table or a.readme):
        arms = a.arms.split(",")
        bad = [x for x in arms if x not in ARMS]
        if bad: raise SystemExit(f"unknown arm(s) {bad}; choose from: {', '.join(ARMS)}")
        from automix.sweep import seed_range
        try: seeds = seed_range(a.seeds)
        except ValueError as e: raise SystemExit(f"--seeds: {e}") from None
        run(a.out, arms, seeds, a.epochs, a.study)
    t, fam = table(a.out)
    (a.out / "results.md").write_text(t + "\n")
    print(t)
    if a.readme: readme(a.out, t, fam)


if __name__ == "__main__":
    main()
