"""Measure how far the comparisons of the test suite that cross float paths move when the float path changes: the
numbers behind the tolerances of tests/test_compile.py (eager vs torch.compile, one step and a 2-epoch run).

    python tools/float_spread.py [--out results/float_paths/compile.json]
    python tools/float_spread.py --streams [--out results/float_paths/streams.json]

Each variation is a fresh process: threads 1 and 2 × ATEN_CPU_CAPABILITY default / avx2 (/ avx512 where the CPU has
it) — inductor generates its C++ for the capability, so this is what another CPU changes. The file keeps, per
variation, the one-step loss difference and the worst and median relative gradient difference (vanilla and AutoMix),
and the 2-epoch run's largest relative train-loss gap and top-1 gap; with the machine it ran on.

`--streams` measures what tests/test_distributed.py's one-vs-two-process bound is about: two processes draw other random
streams (per-rank mixing and augmentation), so their run differs from one process as another seed does. It trains the
test's settings (digits, batch 64, 5 epochs, one thread) at seeds 0–5 in one process and keeps each seed's final online
top-1, per method.
"""
import argparse, json, os, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure() -> dict:
    "One process: the quantities tests/test_compile.py bounds, on this float path."
    import pandas as pd, torch
    sys.path.insert(0, str(ROOT / "tests"))
    from test_compile import build, one_step_differences
    from automix.trainer import compile_networks, train
    from automix.runs import hardware
    out = dict(hardware=hardware("cpu"))
    for method in ("vanilla", "automix"):
        loss_rel, rel = one_step_differences(build(method), compile_networks(build(method)))
        out[f"{method}_loss_rel"], out[f"{method}_grad_worst"], out[f"{method}_grad_median"] = loss_rel, rel[-1][0], rel[len(rel) // 2][0]
    with tempfile.TemporaryDirectory() as d:
        from test_compile import SMALL
        e = train(out_dir=f"{d}/e", **SMALL)
        c = train(out_dir=f"{d}/c", compile=True, **SMALL)
        a, b = (pd.read_csv(f"{d}/{k}/metrics.csv")["train_loss"] for k in "ec")
        out["run_loss_rel"], out["run_top1_gap"] = float(((a - b).abs() / a).max()), abs(e["final_top1"] - c["final_top1"])
    return out


def streams(seeds=range(6)) -> dict:
    "Final online top-1 of the distributed test's one-process run at several seeds, per method."
    import torch
    torch.set_num_threads(1)
    from automix.trainer import train
    from automix.runs import hardware
    out = dict(hardware=hardware("cpu"))
    for method in ("vanilla", "automix"):
        with tempfile.TemporaryDirectory() as d:
            out[method] = [train(dataset="digits", batch_size=64, epochs=5, method=method, seed=s, progress=False,
                                 out_dir=f"{d}/{s}")["final_top1_online"] for s in seeds]
    return out


def variations():
    caps = ["default", "avx2"] + (["avx512"] if "avx512f" in Path("/proc/cpuinfo").read_text() else [])
    return [(f"ATEN_CPU_CAPABILITY={c}, threads={t}", {"ATEN_CPU_CAPABILITY": c, "OMP_NUM_THREADS": t}) for c in caps for t in "12"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--streams", action="store_true", help="the seed-to-seed spread behind the one-vs-two-process bound")
    p.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.streams:
        out = a.out or ROOT / "results" / "float_paths" / "streams.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(streams(), indent=1) + "\n")
        print(out.read_text())
        return
    a.out = a.out or ROOT / "results" / "float_paths" / "compile.json"
    if a.one:
        a.one.write_text(json.dumps(measure()))
        return
    rows = []
    for name, env in variations():
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "m.json"
            r = subprocess.run([sys.executable, __file__, "--one", str(f)], env={**os.environ, **env}, capture_output=True, text=True, cwd=ROOT)
            if r.returncode: sys.exit(f"{name} failed:\n{r.stderr[-3000:]}")
            rows.append(dict(variation=name, **json.loads(f.read_text())))
        print(json.dumps(rows[-1]), flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(dict(variations=rows), indent=1) + "\n")


if __name__ == "__main__":
    main()
