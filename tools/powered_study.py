"""The powered digits_clutter study (issue #34): does AutoMix beat Mixup, and how much of the paper's gap is its protocol?
Five arms, six registered comparisons, 31 blocks (seeds 5–35). The protocol is `results/study_powered/PROTOCOL.md`
(committed before the first run); the settings live here, once.

    python tools/powered_study.py OUT [--workers 2] [--seeds 5-35] [--arms vanilla,mixup,...] [--smoke]

A seed is a *block*: its five arms run on one float-path class (`config.json`'s `hardware`: CPU model and family,
torch's kernel capability, threads, torch version), and a comparison pairs runs only within a block. The workers take
the queue seed by seed, so blocks complete in order; a block belongs to the class of its first run, and a worker on
another class (a later session's machine) leaves it — its unfinished runs too, never resumed across classes — and goes on
to the next seed. Freezing, resuming and the workers' queue are the fair study's
(`tools/fair_study.py`): the code is cloned once to OUT/code at the commit in OUT/COMMIT; rerunning resumes.
"""
import json, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fair_study  # noqa: E402  (the freezing launcher and the seed-range parser: one owner)

# The fair study's settings (cosine to 0.05, an EMA 0.99 → 0.999 on every arm), evaluated only where the metric looks:
# the last 10 epochs (eval_every = epochs: the trainer always tests the last 10). The *_paper arms are the official
# baseline protocol: cosine to 0, no weight average, the raw network scored.
COMMON = dict(dataset="digits_clutter", min_lr=0.05, ema=True, momentum_start=0.99, momentum_end=0.999, eval_every=200)
PAPER = dict(min_lr=0.0, ema=False)
ARMS = {
    "vanilla": dict(method="vanilla"),
    "mixup": dict(method="mixup"),
    "automix_official": dict(method="automix", lam_concat=False, **fair_study.OFFICIAL_MB),
    "vanilla_paper": dict(method="vanilla", **PAPER),
    "mixup_paper": dict(method="mixup", **PAPER),
}
SMOKE = fair_study.SMOKE
SEEDS = "5-35"                  # 31 blocks, from power (PROTOCOL.md); seeds 0–4 ran on another class (the fair study)


def queue(arms, seeds):
    "(arm, seed) in the order the workers take them: block by block (a seed's arms together), the pipeline first in each."
    order = sorted(arms, key=lambda a: ARMS[a]["method"] != "automix")     # the longest run of a block starts first
    return [(a, s) for s in seeds for a in order]


def settings(arm: str, seed: int, smoke: bool = False) -> dict:
    "Everything `train` gets for one run of `arm`."
    if arm not in ARMS: raise SystemExit(f"unknown arm {arm!r}; choose from: {', '.join(ARMS)}")
    return {**COMMON, **ARMS[arm], "seed": seed, "progress": False, **(SMOKE if smoke else {})}


def block_class(out: Path, seed: int, arms, smoke: bool = False) -> str | None:
    "The float-path class of `seed`'s block: the `hardware` of its runs already started (config.json), None if none has; two: an error."
    from automix.config import resolve_config
    from automix.sweep import run_folder
    seen = set()
    for arm in arms:
        cfg = resolve_config(**settings(arm, seed, smoke))
        f = run_folder(out, cfg) / "config.json"
        if f.is_file(): seen.add(json.loads(f.read_text())["hardware"])
    if len(seen) > 1: raise SystemExit(f"seed {seed}'s block holds runs of two float-path classes: {sorted(seen)}; it cannot be paired")
    return seen.pop() if seen else None


def worker(out: Path, arms, seeds, smoke: bool, wid: int):
    import torch
    torch.set_num_threads(1)
    from automix.runs import hardware
    from automix.sweep import run_sweep
    here = hardware("cpu")
    for arm, seed in queue(arms, seeds):
        cls = block_class(out, seed, ARMS, smoke)
        if cls not in (None, here):                             # a block never crosses classes: left for a machine of its own
            print(f"[w{wid}] seed {seed}: its block runs on {cls}, not here ({here}); skipped", flush=True)
            continue
        kw = settings(arm, seed, smoke)
        dataset, method, _ = kw.pop("dataset"), kw.pop("method"), kw.pop("seed")
        t = time.time()
        try: done = run_sweep([method], [seed], out, dataset=dataset, log=lambda m: print(f"[w{wid}] {arm}: {m}", flush=True), **kw)
        except Exception as e:                                  # one failed run does not stop the queue
            print(f"[w{wid}] {arm} seed {seed} FAILED after {time.time() - t:.0f} s: {type(e).__name__}: {e}", flush=True)
            continue
        for d in done:
            if not (d / "arm.json").exists(): (d / "arm.json").write_text(json.dumps(dict(arm=arm)) + "\n")


def main(argv=None):
    a = fair_study.parse(argv, __doc__, SEEDS, ARMS)
    arms = a.arms.split(",")
    for arm in arms: settings(arm, 0)                           # unknown arms fail here, before anything starts
    seeds = fair_study.seeds_of(a.seeds)
    out = a.out.resolve()
    if a.worker: worker(out, arms, seeds, a.smoke, a.worker)
    else: fair_study.launch(out, a, script="powered_study.py")


if __name__ == "__main__":
    main()
