"""The fair digits_clutter study (issue #23): every method with and without a weight average, on one schedule, one
hardware class and one commit. The protocol is `results/study_fair/PROTOCOL.md`; its settings live here, once.

    python tools/fair_study.py OUT [--workers 2] [--seeds 0-4] [--arms vanilla,automix_official,...] [--smoke]

The code is frozen first: a clone of HEAD goes to OUT/code (refused while automix/ has uncommitted changes) and its commit
to OUT/COMMIT, which a later session's relaunch checks out again; every
worker imports automix and this script from there, so work on the repository cannot change the runs midway. WORKERS
processes with one thread each walk the same queue — seed by seed, the cheap arms first, the graph-cut arms (PuzzleMix,
Co-Mixup) after every seed of the others — and take the first run no other process holds (the run folders' locks).
Rerunning resumes: finished runs are skipped, half-finished ones continue from their last checkpoint. Each finished
folder gets `arm.json` naming its arm (two arms share the method `automix`).
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

# Every run: the digits_clutter preset (narrow ResNet-10, batch 50, 200 epochs, SGD lr 0.1, wd 5e-4), with one backbone
# schedule and one weight average for all methods: cosine to 0.05 (the official CIFAR AutoMix arm's floor) and an EMA
# on the momentum encoder's cosine schedule 0.99 → 0.999 (for the pipelines that *is* their momentum encoder).
COMMON = dict(dataset="digits_clutter", min_lr=0.05, ema=True, momentum_start=0.99, momentum_end=0.999, eval_every=5)
OFFICIAL_MB = dict(mixblock_lr=0.1, mixblock_min_lr=0.05)     # the Mix Block on the backbone's learning rate (official CIFAR)
ARMS = {
    "vanilla": dict(method="vanilla"),
    "automix_official": dict(method="automix", lam_concat=False, **OFFICIAL_MB),
    "mixup": dict(method="mixup"), "cutmix": dict(method="cutmix"), "manifoldmix": dict(method="manifoldmix"),
    "fmix": dict(method="fmix"), "saliencymix": dict(method="saliencymix"), "resizemix": dict(method="resizemix"),
    "automix_preset": dict(method="automix"),                 # the preset's Mix Block: λ channel, lr 0.01 → 0.001
    "samix": dict(method="samix", **OFFICIAL_MB), "adautomix": dict(method="adautomix", **OFFICIAL_MB),
    "puzzlemix": dict(method="puzzlemix"), "comixup": dict(method="comixup"),
}
MAX_SEEDS = 100                                               # a guard against a typo such as 0-1000000
ORACLE_SEED = 100                                             # a vanilla run outside the compared seeds: the label measure's judge
GRAPH_CUT = ("puzzlemix", "comixup")                          # bound by CPU graph cuts: queued after every seed of the rest
SMOKE = dict(epochs=2, train_size=60, test_size=40, batch_size=20)


def seeds_of(text: str) -> list[int]:
    "`0-4` or `0,2,3` (`automix.sweep.seed_range`); a bad string, a backward range or the judge's seed stops here, before anything starts."
    from automix.sweep import seed_range
    try: out = seed_range(text, limit=MAX_SEEDS)
    except ValueError as e: raise SystemExit(f"--seeds: {e}") from None
    if ORACLE_SEED in out: raise SystemExit(f"seed {ORACLE_SEED} is the label measure's judge (a vanilla run of its own); compare other seeds")
    return out


def queue(arms, seeds):
    "(arm, seed) in the order the workers take them: the oracle first (a vanilla run of its own seed), then seed by seed."
    cheap, cuts = [a for a in arms if a not in GRAPH_CUT], [a for a in arms if a in GRAPH_CUT]
    return [("oracle", ORACLE_SEED)] + [(a, s) for s in seeds for a in cheap] + [(a, s) for s in seeds for a in cuts]


def settings(arm: str, seed: int, smoke: bool = False) -> dict:
    "Everything `train` gets for one run of `arm`."
    if arm == "oracle": arm = "vanilla"
    if arm not in ARMS: raise SystemExit(f"unknown arm {arm!r}; choose from: {', '.join(ARMS)}")
    return {**COMMON, **ARMS[arm], "seed": seed, "progress": False, **(SMOKE if smoke else {})}


def worker(out: Path, arms, seeds, smoke: bool, wid: int):
    import torch
    torch.set_num_threads(1)
    from automix.sweep import run_sweep
    for arm, seed in queue(arms, seeds):
        kw = settings(arm, seed, smoke)
        dataset, method, _ = kw.pop("dataset"), kw.pop("method"), kw.pop("seed")
        t = time.time()
        try: done = run_sweep([method], [seed], out, dataset=dataset, log=lambda m: print(f"[w{wid}] {arm}: {m}", flush=True), **kw)
        except Exception as e:                                  # one failed run does not stop the queue
            print(f"[w{wid}] {arm} seed {seed} FAILED after {time.time() - t:.0f} s: {type(e).__name__}: {e}", flush=True); continue
        for d in done:
            if not (d / "arm.json").exists(): (d / "arm.json").write_text(json.dumps(dict(arm=arm)) + "\n")


def launch(out: Path, a, script: str = "fair_study.py", extra=()):
    "Freeze the code (clone HEAD to OUT/code, or check out OUT/COMMIT there) and start `a.workers` one-thread workers of `script`."
    top = Path(__file__).resolve().parents[1]
    code = out / "code"
    frozen = out / "COMMIT"                                     # tracked: a later session resumes from the same commit
    if not (code / ".git").is_dir():
        if not frozen.is_file() and subprocess.run(["git", "-C", str(top), "diff", "--quiet", "HEAD", "--", "automix", "tools"]).returncode:
            raise SystemExit("automix/ or tools/ has uncommitted changes: commit them first (the runs record one commit)")
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", str(top), str(code)], check=True)
        if frozen.is_file():
            subprocess.run(["git", "-C", str(code), "checkout", "-q", frozen.read_text().strip()], check=True)
    commit = subprocess.run(["git", "-C", str(code), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True).stdout.strip()
    if frozen.is_file() and not frozen.read_text().strip().startswith(commit):
        raise SystemExit(f"{code} holds {commit}, but the study is frozen at {frozen.read_text().strip()} ({frozen}); remove {code}")
    if not frozen.is_file(): frozen.write_text(commit + "\n")
    print(f"code: {commit} in {code}")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONPATH": str(code), "AUTOMIX_COMMIT": commit,
           "CUDA_VISIBLE_DEVICES": ""}                          # a CPU study: a GPU on the machine would be another class
    for w in range(1, a.workers + 1):
        args = [sys.executable, str(code / "tools" / script), str(out), "--worker", str(w), "--seeds", a.seeds,
                "--arms", a.arms] + (["--smoke"] if a.smoke else []) + list(extra)
        log = open(out / f"worker{w}.log", "a")
        p = subprocess.Popen(args, cwd=out, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        print(f"worker {w}: pid {p.pid}, log {out / f'worker{w}.log'}")
        if a.wait: p.wait()
        time.sleep(0 if a.smoke else 5)


def parse(argv, doc: str, seeds: str, arms) -> argparse.Namespace:
    "A study launcher's command line (this one's and the powered study's): OUT, workers, seeds, arms, smoke; --workers checked."
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seeds", default=seeds)
    p.add_argument("--arms", default=",".join(arms))
    p.add_argument("--smoke", action="store_true", help="tiny settings (2 epochs, 60 images): test the machinery")
    p.add_argument("--wait", action="store_true", help="wait for each worker (tests)")
    p.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.workers < 1: raise SystemExit(f"--workers must be at least 1; got {a.workers}")
    return a


def main(argv=None):
    a = parse(argv, __doc__, "0-4", ARMS)
    arms = a.arms.split(",")
    for arm in arms: settings(arm, 0)                           # unknown arms fail here, before anything starts
    if "oracle" in arms: raise SystemExit(f"the judge (oracle) is queued by itself, first; choose arms from: {', '.join(ARMS)}")
    seeds_of(a.seeds)
    out = a.out.resolve()
    if a.worker: worker(out, arms, seeds_of(a.seeds), a.smoke, a.worker)
    else: launch(out, a)


if __name__ == "__main__":
    main()
