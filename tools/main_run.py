"""The README's main-job table, from a run folder: the quick start's `papermill nbs/train.ipynb runs/digits.ipynb`.

    python tools/main_run.py RUN [--twin RUN2 ...]   # keep RUN's record in results/main_digits/, its figures in figures/,
                                                     # and rewrite the README's table between its markers in nbs/index.ipynb
    python tools/main_run.py --twin RUN2 [...]       # add twins to the kept record
    python tools/main_run.py --check             # exit 1 if the README's table is not what results/main_digits/ gives

The record is the run's `config.json` (with the commit and the hardware it ran on), `metrics.csv` and `summary.json`;
`tests/test_golden.py` replays its first steps in float64 (its own record, golden_f64.json). A `--twin` is the same
run on another float path — another CPU, or another thread count (`OMP_NUM_THREADS=1 automix-train --config
RUN/config.json --out_dir RUN2`), from the same commit (a checkout of it with AUTOMIX_COMMIT set); the twins' numbers
are kept beside the record (`twin.json`, one per float path) and the table says how far they moved.
"""
import argparse, json, re, shutil, sys, textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "main_digits"
BEGIN, END = "<!-- main-run:begin -->", "<!-- main-run:end -->"
HEADS = [("", "one_k: momentum encoder, one-hot head (reported)"), ("_mix_k", "mix_k"), ("_one_q", "one_q: online encoder"),
         ("_mix_q", "mix_q")]
STATS = [("median10", "median of the last 10 epochs (the paper's statistic)"), ("final", "final epoch"), ("best", "best epoch")]


def twins_of() -> list[dict]:
    "The kept twins: [{hardware, summary}] (an older twin.json held one)."
    if not (OUT / "twin.json").exists(): return []
    t = json.loads((OUT / "twin.json").read_text())
    return t["twins"] if "twins" in t else [t]


def check_twin(cfg: dict, twin: Path) -> dict:
    "The twin's config, after checking that it is the same run (settings, seed, commit) on another float path."
    for f in ("config.json", "summary.json"):
        if not (twin / f).is_file(): sys.exit(f"{twin} has no {f}: is it a finished run folder?")
    t = json.loads((twin / "config.json").read_text())
    same = {k: v for k, v in cfg.items() if k not in ("out_dir", "hardware", "hardware_history", "float_path", "progress", "resume", "num_workers", "from_preset")}
    diff = [k for k in same if t.get(k) != same[k]]
    if diff: sys.exit(f"the twin run {twin} differs in {diff}: it must be the same run (same commit) on another machine or thread count")
    return t


def keep(run: Path | None, twins: list[Path]):
    "Copy the record and the figures (`run`, where given); add the twins, each the record's run on another float path."
    if run is not None:
        for f in ("config.json", "metrics.csv", "summary.json"):
            if not (run / f).is_file(): sys.exit(f"{run} has no {f}: is it a finished run folder?")
        cfg = json.loads((run / "config.json").read_text())
        if (cfg["dataset"], cfg["method"]) != ("digits", "automix"): sys.exit(f"{run} is {cfg['dataset']}/{cfg['method']}, not the main job (digits/automix)")
        if cfg.get("commit", "unknown").endswith("-dirty"): sys.exit(f"{run} ran from uncommitted code ({cfg['commit']}): rerun from a commit")
    else: cfg = json.loads((OUT / "config.json").read_text())
    configs = [check_twin(cfg, t) for t in twins]                 # checked before anything is copied
    kept = [] if run is not None else twins_of()                  # a new record starts a new list of twins
    if run is not None:
        OUT.mkdir(parents=True, exist_ok=True)
        for f in ("config.json", "metrics.csv", "summary.json"): shutil.copy2(run / f, OUT / f)
        for src, dst in (("learning_curve.png", "digits_automix_learning_curve.png"), ("mixed_samples.png", "digits_automix_masks.png")):
            if (run / src).is_file(): shutil.copy2(run / src, ROOT / "figures" / dst)
    kept = [k for k in kept if k["hardware"] not in {c["hardware"] for c in configs}]   # one twin per float path: the newest
    kept += [dict(hardware=c["hardware"], summary=json.loads((t / "summary.json").read_text()),
                  metrics=(t / "metrics.csv").read_text() if (t / "metrics.csv").is_file() else None) for c, t in zip(configs, twins)]
    if kept or (OUT / "twin.json").exists(): (OUT / "twin.json").write_text(json.dumps(dict(twins=kept), indent=1) + "\n")


def machine(hw: str) -> str:
    "'cpu (1 threads; Intel(R) Xeon(R) Processor)' → 'an Intel Xeon on one CPU thread'; anything else as it is."
    m = re.match(r"cpu \((\d+) threads; (.*)\)$", hw)
    if not m: return hw
    n, name = int(m.group(1)), re.sub(r"\((R|TM)\)| Processor| CPU", "", m.group(2).split(";")[0].split(", family")[0]).strip()
    count = ["no", "one", "two", "three", "four"][n] if n < 5 else str(n)
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name} on {count} CPU thread{'s' if n != 1 else ''}"


def section() -> str:
    cfg, s = json.loads((OUT / "config.json").read_text()), json.loads((OUT / "summary.json").read_text())
    twins = twins_of()
    rows = ["| statistic | " + " | ".join(h for _, h in HEADS) + " |", "|---" * (len(HEADS) + 1) + "|"]
    for key, name in STATS:
        rows.append(f"| {name} | " + " | ".join(f"{s[f'{key}_top1{tag}']:.2f}%" for tag, _ in HEADS) + " |")
    for twin in twins:
        t = twin["summary"]
        rows.append(f"| the same run on {machine(twin['hardware'])}, median of the last 10 | " +
                    " | ".join(f"{t[f'median10_top1{tag}']:.2f}% ({t[f'median10_top1{tag}'] - s[f'median10_top1{tag}']:+.2f})"
                               for tag, _ in HEADS) + " |")
    how = (f"AutoMix, `{cfg['backbone']}`, {cfg['epochs']} epochs, batch {cfg['batch_size']}, seed {cfg['seed']}; commit "
           f"`{cfg['commit']}`, {machine(cfg['hardware'])}; {s['train_time_s']:.0f} s of training")
    moved = ""
    if twins:
        gap = max(abs(t["summary"][f"median10_top1{tag}"] - s[f"median10_top1{tag}"]) for t in twins for tag, _ in HEADS)
        moved = (f" Another float path moves it: the same code and seed on "
                 f"{' and on '.join(machine(t['hardware']) for t in twins)} (other kernels and summation orders) ends up "
                 f"to {gap:.2f} points away (last rows), so read a difference of that size between two machines as noise, "
                 f"not as a change in the code. `tests/test_golden.py` checks the code instead: it replays the first steps "
                 f"of this run in float64, where CPUs agree to about 1e-11, against a float64 record.")
    para = (f"{how}. Generated by `python tools/main_run.py` from `results/main_digits/` (the run's config, metrics and "
            f"summary); all four heads, each under three statistics.{moved}")
    para = textwrap.fill(para, 120, break_long_words=False, break_on_hyphens=False)
    return f"""{BEGIN}
{para}

{chr(10).join(rows)}
{END}"""


def index_cell(nb):
    cell = next((c for c in nb["cells"] if BEGIN in "".join(c["source"])), None)
    if cell is None: sys.exit(f"no {BEGIN} marker in nbs/index.ipynb")
    return cell


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", nargs="?", type=Path, help="the finished main-job run folder")
    ap.add_argument("--twin", type=Path, nargs="+", default=[], help="the same run (same commit) on another machine or thread count")
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
    if a.run is None and not a.twin: ap.error("give a run folder, --twin folders to add to the kept record, or --check")
    keep(a.run, a.twin)
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: section(), text, flags=re.S)
    lines = text.split("\n"); cell["source"] = [l + "\n" for l in lines[:-1]] + [lines[-1]]
    p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    print(f"kept {a.run or 'the record'} (+ {len(a.twin)} twin(s)) in {OUT}; README section rewritten (now run python tools/make_readme.py)")


if __name__ == "__main__":
    main()
