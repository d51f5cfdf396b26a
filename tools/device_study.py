"""The digits_clutter study on one lent GPU, in one go: many single-thread training processes share the card.

    python tools/device_study.py OUT --deadline SECONDS [--workers 14] [--methods ...] [--seeds 0-4] [--smoke]

What it does, in order (each step prints one line):
1. Checks which methods can run here (SaliencyMix needs OpenCV's contrib saliency, PuzzleMix and Co-Mixup need gco);
   the others are left to a later run, and it says so.
2. Starts `--workers` processes (one CPU thread each). Each walks the same queue — seed by seed, every method — and
   takes the first run no other process holds (the run folders' locks), trains it with the study protocol
   (`tools/run_study.sh`'s: the dataset preset, 200 epochs, tested every 5th epoch and each of the last 10, epochs
   20/50/100/200 kept), then computes its analyses into the folder (downstream for every run, label agreement for
   the first seed). A run that fails writes FAILED with its traceback; the others go on.
3. No run starts after `--deadline` minus `--margin` seconds; at the deadline the rest are stopped (a stopped run keeps
   its last epoch's checkpoint there, but nothing of it comes back).
4. Packs OUT/runs.tar.gz (every run folder without checkpoints) and OUT/ckpt_<method>.tar (first seed's checkpoints of
   the momentum pipelines and PuzzleMix, which the study notebook's figures need) — each under the device tool's
   16 MiB per file.

`--set FIELD=VALUE` (repeatable) changes a setting for every run: the ablations of the study (say `--methods automix
--set mixblock_lr=0.1`) go to their own run folders, since a folder's name hashes every setting.
`--smoke` runs the same machinery on tiny settings (2 epochs, 60 images) to test it here on the CPU.
Every run's config.json records the commit (`$AUTOMIX_COMMIT`, set by the launcher) and the hardware.
"""
import argparse, json, os, subprocess, sys, tarfile, time, traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's automix: the commit the runs record
STUDY = dict(keep_epochs="20,50,100,200", eval_every=5)
SMOKE = dict(epochs=2, train_size=60, test_size=40, batch_size=20, keep_epochs="1,2", eval_every=1)
ALL = "vanilla,automix,mixup,cutmix,fmix,resizemix,saliencymix,manifoldmix,puzzlemix,samix,comixup,adautomix"


def runnable(methods):
    "The methods whose optional libraries import here, and a line for each one left out; an unknown name stops here."
    from automix.config import method_names
    unknown = [m for m in methods if m not in method_names()]
    if unknown: sys.exit(f"device_study.py: unknown method(s) {', '.join(unknown)}; choose from: {', '.join(method_names())}")
    ok, said = [], []
    for m in methods:
        try:
            if m == "saliencymix":
                import cv2; cv2.saliency.StaticSaliencyFineGrained_create()
            if m in ("puzzlemix", "comixup"): import gco  # noqa: F401
            ok.append(m)
        except Exception as e: said.append(f"left out {m}: {type(e).__name__}: {e}")
    return ok, said


def worker(a, wid):
    import torch
    torch.set_num_threads(1)
    from automix.trainer import train
    from automix.config import resolve_config
    from automix.runs import RunLocked
    from automix.sweep import run_folder, is_done, seed_range
    from automix.measures import label_agreement_of_run, downstream_of_run
    seeds, methods = seed_range(a.seeds), a.methods.split(",")
    kw = {**STUDY, **(SMOKE if a.smoke else {}), **dict(kv.split("=", 1) for kv in a.set)}
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    for s in seeds:
        for m in methods:
            if time.time() > a.start + a.deadline - a.margin: print(f"[w{wid}] past the last start time", flush=True); return
            cfg = resolve_config(dataset="digits_clutter", method=m, seed=s, progress=False, **kw)
            d = run_folder(a.out, cfg)
            if (d / "FAILED").is_file() or (d / "ANALYSED").is_file(): continue
            t = time.time()
            if not is_done(d, cfg):
                try: train(cfg, out_dir=str(d), resume=(d / "last.pt").is_file())
                except RunLocked: continue
                except Exception:
                    d.mkdir(parents=True, exist_ok=True); (d / "FAILED").write_text(traceback.format_exc())
                    print(f"[w{wid}] FAILED {m} s{s}:\n{traceback.format_exc()}", flush=True); continue
                print(f"[w{wid}] trained {m} s{s} in {time.time() - t:.0f} s", flush=True)
            try: os.close(os.open(d / "ANALYSING", os.O_CREAT | os.O_EXCL | os.O_WRONLY))   # one process analyses each run
            except FileExistsError: continue
            t = time.time()
            try:
                downstream_of_run(d, device=dev)
                if s == seeds[0] and m not in ("vanilla", "manifoldmix"):
                    label_agreement_of_run(d, keep_epochs=kw["keep_epochs"], **(dict(batches=2) if a.smoke else {}))
                (d / "ANALYSED").write_text("")
            except Exception:
                (d / "ANALYSIS_FAILED").write_text(traceback.format_exc())
                print(f"[w{wid}] analysis FAILED {m} s{s}:\n{traceback.format_exc()}", flush=True); continue
            print(f"[w{wid}] analysed {m} s{s} in {time.time() - t:.0f} s", flush=True)


def pack(a, back):
    "runs.tar.gz without checkpoints; the first seed's checkpoints that the study's figures need, one tar per method."
    out = Path(a.out)
    with tarfile.open(back / "runs.tar.gz", "w:gz") as tf:
        for d in sorted(p for p in out.iterdir() if p.is_dir() and (p / "config.json").is_file()):
            for f in sorted(d.iterdir()):
                if f.suffix != ".pt" and f.name not in (".lock", "ANALYSING"): tf.add(f, arcname=f"{d.name}/{f.name}")
    first = min(int(s) for s in a.seeds.replace("-", ",").split(","))
    for m, names in (("automix", None), ("samix", None), ("adautomix", None), ("puzzlemix", ("last.pt",))):
        dirs = [d for d in out.glob(f"digits_clutter_{m}_s{first}_*") if (d / "summary.json").is_file()]
        if not dirs: continue
        with tarfile.open(back / f"ckpt_{m}.tar", "w") as tf:
            for f in sorted(dirs[0].glob("*.pt")):
                if names is None and f.name in ("last.pt", "prev.pt"): continue   # epoch<N>.pt hold the weights; last/prev add the optimizer
                if names is None or f.name in names: tf.add(f, arcname=f"{dirs[0].name}/{f.name}")
    for f in sorted(back.iterdir()): print(f"packed {f.name}: {f.stat().st_size / 2**20:.1f} MiB", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out"); ap.add_argument("--back", help="where the packed results go (default: OUT/back)")
    ap.add_argument("--deadline", type=float, required=True, help="seconds from now at which training stops")
    ap.add_argument("--margin", type=float, default=60, help="no run starts in the last MARGIN seconds before the deadline")
    ap.add_argument("--workers", type=int, default=14); ap.add_argument("--methods", default=ALL); ap.add_argument("--seeds", default="0-4")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="change a setting for every run (an ablation: other settings get other run folders), e.g. mixblock_lr=0.1")
    ap.add_argument("--smoke", action="store_true"); ap.add_argument("--worker_id", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--start", type=float, help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.out = str(Path(a.out).resolve())
    if a.worker_id is not None: return worker(a, a.worker_id)
    a.start = time.time()
    bad = [kv for kv in a.set if "=" not in kv]
    if bad: sys.exit(f"device_study.py: --set takes FIELD=VALUE, got {', '.join(bad)}")
    from automix.config import resolve_config
    try: resolve_config(dataset="digits_clutter", **dict(kv.split("=", 1) for kv in a.set))   # a bad field or value stops here
    except (TypeError, ValueError) as e: sys.exit(f"device_study.py: bad --set: {e}")
    methods, said = runnable(a.methods.split(","))
    for s in said: print(s, flush=True)
    print(f"commit {os.environ.get('AUTOMIX_COMMIT', '(AUTOMIX_COMMIT not set)')}; methods {','.join(methods)}; seeds {a.seeds}; "
          f"{a.workers} workers; deadline {a.deadline:.0f} s", flush=True)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, __file__, a.out, "--deadline", str(a.deadline), "--margin", str(a.margin), "--methods", ",".join(methods),
            "--seeds", a.seeds, "--start", str(a.start)] + (["--smoke"] if a.smoke else []) + [x for kv in a.set for x in ("--set", kv)]
    procs = []
    for w in range(a.workers):
        procs.append(subprocess.Popen(args + ["--worker_id", str(w)], env=env)); time.sleep(0.5)
    last = 0
    while any(p.poll() is None for p in procs) and time.time() < a.start + a.deadline:
        time.sleep(2)
        if time.time() - last > 30:
            last = time.time(); dirs = [p for p in Path(a.out).iterdir() if p.is_dir()]
            print(f"{time.time() - a.start:.0f} s: {sum((d / 'summary.json').is_file() for d in dirs)} trained, "
                  f"{sum((d / 'ANALYSED').is_file() for d in dirs)} analysed, {sum((d / 'FAILED').is_file() for d in dirs)} failed, "
                  f"{sum(p.poll() is None for p in procs)} workers alive", flush=True)
    for p in procs:
        if p.poll() is None: p.kill()
    for p in procs: p.wait()
    print(f"training stopped at {time.time() - a.start:.0f} s", flush=True)
    back = Path(a.back or Path(a.out) / "back"); back.mkdir(parents=True, exist_ok=True)
    pack(a, back)


if __name__ == "__main__":
    main()
