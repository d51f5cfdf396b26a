"""The README's main-job table, from a run folder: the quick start's `papermill nbs/train.ipynb runs/digits.ipynb`.

    python tools/main_run.py RUN [--twin RUN2]   # keep RUN's record in results/main_digits/, its figures in figures/,
                                                 # and rewrite the README's table between its markers in nbs/index.ipynb
    python tools/main_run.py --check             # exit 1 if the README's table is not what results/main_digits/ gives

The record is the run's `config.json` (with the commit and the hardware it ran on), `metrics.csv` and `summary.json`;
`tests/test_golden.py` replays its first epochs against the current code. `--twin` is the same run under another
thread count (`OMP_NUM_THREADS=1 automix-train --config RUN/config.json --out_dir RUN2`): the same code and seed with
other rounding, which is what another CPU changes; its numbers are kept beside the record (`twin.json`) and the table
says how far they moved.
"""
import argparse, json, re, shutil, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "main_digits"
BEGIN, END = "<!-- main-run:begin -->", "<!-- main-run:end -->"
HEADS = [("", "one_k: momentum encoder, one-hot head (reported)"), ("_mix_k", "mix_k"), ("_one_q", "one_q: online encoder"),
         ("_mix_q", "mix_q")]
STATS = [("median10", "median of the last 10 epochs (the paper's statistic)"), ("final", "final epoch"), ("best", "best epoch")]


def keep(run: Path, twin: Path | None):
    "Copy the record and the figures; summarise the twin run."
    for f in ("config.json", "metrics.csv", "summary.json"):
        if not (run / f).is_file(): sys.exit(f"{run} has no {f}: is it a finished run folder?")
    cfg = json.loads((run / "config.json").read_text())
    if (cfg["dataset"], cfg["method"]) != ("digits", "automix"): sys.exit(f"{run} is {cfg['dataset']}/{cfg['method']}, not the main job (digits/automix)")
    if cfg.get("commit", "unknown").endswith("-dirty"): sys.exit(f"{run} ran from uncommitted code ({cfg['commit']}): rerun from a commit")
    if twin is not None:                       # checked before anything is copied
        t = json.loads((twin / "config.json").read_text())
        same = {k: v for k, v in cfg.items() if k not in ("out_dir", "hardware", "progress", "resume", "num_workers", "from_preset")}
        diff = [k for k in same if t.get(k) != same[k]]
        if diff: sys.exit(f"the twin run differs in {diff}: it must be the same run on other threads")
        if not (twin / "summary.json").is_file(): sys.exit(f"{twin} has no summary.json: is it finished?")
    OUT.mkdir(parents=True, exist_ok=True)
    for f in ("config.json", "metrics.csv", "summary.json"): shutil.copy2(run / f, OUT / f)
    for src, dst in (("learning_curve.png", "digits_automix_learning_curve.png"), ("mixed_samples.png", "digits_automix_masks.png")):
        if (run / src).is_file(): shutil.copy2(run / src, ROOT / "figures" / dst)
    if twin is not None:
        (OUT / "twin.json").write_text(json.dumps(dict(hardware=t["hardware"], summary=json.loads((twin / "summary.json").read_text())), indent=1) + "\n")


def threads(hw: str) -> str:
    "'cpu (1 threads; Intel …)' → 'one CPU thread'; anything else as it is."
    import re
    m = re.match(r"cpu \((\d+) threads", hw)
    if not m: return hw
    n = int(m.group(1)); return f"{['no', 'one', 'two', 'three', 'four'][n] if n < 5 else n} CPU thread{'s' if n != 1 else ''}"


def section() -> str:
    cfg, s = json.loads((OUT / "config.json").read_text()), json.loads((OUT / "summary.json").read_text())
    twin = json.loads((OUT / "twin.json").read_text()) if (OUT / "twin.json").exists() else None
    rows = ["| statistic | " + " | ".join(h for _, h in HEADS) + " |", "|---" * (len(HEADS) + 1) + "|"]
    for key, name in STATS:
        rows.append(f"| {name} | " + " | ".join(f"{s[f'{key}_top1{tag}']:.2f}%" for tag, _ in HEADS) + " |")
    if twin:
        t = twin["summary"]
        rows.append(f"| the same run on {threads(twin['hardware'])}, median of the last 10 | " +
                    " | ".join(f"{t[f'median10_top1{tag}']:.2f}% ({t[f'median10_top1{tag}'] - s[f'median10_top1{tag}']:+.2f})"
                               for tag, _ in HEADS) + " |")
    how = (f"AutoMix, `{cfg['backbone']}`, {cfg['epochs']} epochs, batch {cfg['batch_size']}, seed {cfg['seed']}; commit "
           f"`{cfg['commit']}`, {cfg['hardware']}; {s['train_time_s']:.0f} s of training")
    moved = ""
    if twin:
        gap = max(abs(twin["summary"][f"median10_top1{tag}"] - s[f"median10_top1{tag}"]) for tag, _ in HEADS)
        moved = (f" Rounding moves it: the same code and seed on {threads(twin['hardware'])} instead of "
                 f"{threads(cfg['hardware'])} (other summation orders, as another CPU has) ends up to {gap:.2f} points away "
                 f"(last row), so read a difference of that size between two machines as noise, not as a change in the "
                 f"code. `tests/test_golden.py` replays the first two epochs of this record against the current code, "
                 f"with a tolerance measured on such rounding.")
    return f"""{BEGIN}
{how}. Generated by `python tools/main_run.py` from `results/main_digits/` (the run's config, metrics and summary); all
four heads, each under three statistics.{moved}

{chr(10).join(rows)}
{END}"""


def index_cell(nb):
    cell = next((c for c in nb["cells"] if BEGIN in "".join(c["source"])), None)
    if cell is None: sys.exit(f"no {BEGIN} marker in nbs/index.ipynb")
    return cell


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", nargs="?", type=Path, help="the finished main-job run folder")
    ap.add_argument("--twin", type=Path, help="the same run under another thread count")
    ap.add_argument("--check", action="store_true", help="only check that the README's table is current")
    a = ap.parse_args()
    p = ROOT / "nbs" / "index.ipynb"
    nb = json.loads(p.read_text())
    cell = index_cell(nb)
    text = "".join(cell["source"])
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: section(), text, flags=re.S) if a.check or a.run is None else None
    if a.check:
        if new != text: sys.exit("the README's main-run table is not what results/main_digits/ gives: run python tools/main_run.py")
        return
    if a.run is None: ap.error("give a run folder, or --check")
    keep(a.run, a.twin)
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: section(), text, flags=re.S)
    lines = text.split("\n"); cell["source"] = [l + "\n" for l in lines[:-1]] + [lines[-1]]
    p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    print(f"kept {a.run} in {OUT}; README section rewritten (now run python tools/make_readme.py)")


if __name__ == "__main__":
    main()
