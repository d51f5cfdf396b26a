"""Does the classification ranking carry over to detection? The fair study's backbones (issue #26), each fine-tuned as a
Faster R-CNN on `digits_clutter_det`, beside the same detector from a random backbone.

    python tools/detection_study.py OUT [--arms vanilla,mixup,...] [--seeds 0-2] [--epochs 6]   # run (resumable)
    papermill nbs/study_detection.ipynb OUT.ipynb -p out_root OUT            # the report: OUT/results.md, OUT/README.md

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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--arms", default=",".join(ARMS)); ap.add_argument("--seeds", default="0-2")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--study", type=Path, default=STUDY, help="the fair study's folder (its runs' model.safetensors are the backbones)")
    a = ap.parse_args()
    arms = a.arms.split(",")
    bad = [x for x in arms if x not in ARMS]
    if bad: raise SystemExit(f"unknown arm(s) {bad}; choose from: {', '.join(ARMS)}")
    from automix.sweep import seed_range
    try: seeds = seed_range(a.seeds)
    except ValueError as e: raise SystemExit(f"--seeds: {e}") from None
    run(a.out, arms, seeds, a.epochs, a.study)
    print(f"the report (table, comparisons, README.md): papermill nbs/study_detection.ipynb OUT.ipynb -p out_root {a.out}")


if __name__ == "__main__":
    main()
