"""Peak memory of one training step beside its time: vanilla, Mixup and AutoMix (the official step), on the CPU or a GPU.

python benchmarks/step_memory.py [--backbone cifar_resnet18] [--size 32] [--batch 100] [--iters 3] [--threads 2]
                                 [--device cpu|cuda] [--out step_memory.json]

Users of the official code ask what AutoMix costs in memory; OpenMixup's tables report its GPU memory at 2.2–2.6×
Mixup's. Each method runs in a fresh process (the CPU's high-water mark cannot be reset within one): the network,
method and optimiser are built, the resident memory is read, then `--iters` + 1 steps run (forward, backward, SGD step,
the momentum update). *Step memory* is the peak minus the memory held before the first step: activations, gradients,
the optimiser's state, the momentum encoder's extra passes. On a GPU it is `torch.cuda.max_memory_allocated` above the
allocation before the first step. Time is the median of the steps after the first.
"""
import argparse, json, resource, statistics, subprocess, sys, time
from pathlib import Path

METHODS = ("vanilla", "mixup", "automix")


def rss_mib() -> float:
    "This process's resident memory now (Linux: /proc/self/statm)."
    import os
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def one(method, a) -> dict:
    "Measure `method` in this process."
    import torch
    from automix.config import resolve_config
    from automix.models import create_model
    from automix.trainer import build_method
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dev = torch.device(a.device)
    cfg = resolve_config(dataset="digits", method=method, backbone=a.backbone)
    m = build_method(cfg, create_model(a.backbone, 100, image_size=a.size)).to(dev)
    m.set_total_steps(1000)
    opt = torch.optim.SGD([p for g in m.param_groups(cfg) for p in g["params"]], lr=0.01, momentum=0.9)
    x, y = torch.randn(a.batch, 3, a.size, a.size, device=dev), torch.randint(0, 100, (a.batch,), device=dev)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    if dev.type == "cuda": torch.cuda.reset_peak_memory_stats(); before = torch.cuda.memory_allocated() / 2**20
    else: before = rss_mib()
    times = []
    for _ in range(a.iters + 1):
        sync(); t = time.perf_counter()
        loss = m.training_step(x, y)["loss"]
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); m.after_step()
        sync(); times.append(time.perf_counter() - t)
    peak = torch.cuda.max_memory_allocated() / 2**20 if dev.type == "cuda" else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(method=method, step_memory_mib=round(peak - before, 1), held_before_mib=round(before, 1), step_s=statistics.median(times[1:]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backbone", default="cifar_resnet18"); ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--batch", type=int, default=100); ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2); ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", help="also write the rows as JSON"); ap.add_argument("--one", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one: return print(json.dumps(one(a.one, a)))
    import torch
    from automix.runs import hardware
    torch.set_num_threads(a.threads)                         # the record names the children's thread count
    hw = hardware(torch.device(a.device) if a.device != "cpu" else "cpu")
    rows = []
    for method in METHODS:                                   # one fresh process each: its own high-water mark
        args = [sys.executable, __file__, "--one", method] + [f"--{k}={v}" for k, v in vars(a).items() if k not in ("one", "out") and v is not None]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode: sys.exit(f"{method} failed:\n{r.stderr}")
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    mix = next(r for r in rows if r["method"] == "mixup")
    print(f"{hw}; {a.backbone}, {a.size} px, batch {a.batch}; median of {a.iters} steps after the first")
    print(f"{'method':<10}{'step memory MiB':>17}{'× mixup':>9}{'s/step':>9}{'× mixup':>9}")
    for r in rows:
        r["memory_x_mixup"] = r["step_memory_mib"] / mix["step_memory_mib"] if mix["step_memory_mib"] > 0 else float("nan")
        r["time_x_mixup"] = r["step_s"] / mix["step_s"]
        print(f"{r['method']:<10}{r['step_memory_mib']:17.1f}{r['memory_x_mixup']:9.2f}{r['step_s']:9.3f}{r['time_x_mixup']:9.2f}")
    if a.out: Path(a.out).write_text(json.dumps(dict(hardware=hw, settings={k: v for k, v in vars(a).items() if k not in ("one", "out")}, rows=rows), indent=1) + "\n")


if __name__ == "__main__":
    main()
