"""Training-step time of every mixing method relative to vanilla, CIFAR-style ResNet-18, 32 px, batch 100, CPU.

python benchmarks/mixer_step_time.py [--iters 3] [--threads 2] [--backbone cifar_resnet18] [--batch 100]

All methods run in one process on the same batch, interleaved round by round; a step is the method's `training_step`
(mixing, forward, loss), backward and an SGD step — and, for AutoMix/SAMix/AdAutoMix, the momentum update.
"""
import argparse, statistics, time
import torch
from automix.mixers import MIXERS
from automix.models import create_model
from automix.config import TrainConfig, resolve_config
from automix.trainer import build_method

def make(method, backbone):
    torch.manual_seed(0)
    cfg = resolve_config(TrainConfig(dataset="digits", method=method, backbone=backbone))
    m = build_method(cfg, create_model(backbone, 100)); m.set_total_steps(1000)
    opt = torch.optim.SGD([p for g in m.param_groups(cfg) for p in g["params"]], lr=0.01, momentum=0.9)
    return m, opt

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=3); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--backbone", default="cifar_resnet18"); ap.add_argument("--batch", type=int, default=100)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    x, y = torch.randn(a.batch, 3, 32, 32), torch.randint(0, 100, (a.batch,))
    methods = ["vanilla"] + sorted(MIXERS) + ["automix", "samix", "adautomix"]
    runs = {k: make(k, a.backbone) for k in methods}
    def step(k):
        m, opt = runs[k]
        loss = m.training_step(x, y)["loss"]; opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); m.after_step()
    times = {k: [] for k in methods}
    for r in range(a.iters + 1):
        for k in methods:
            t = time.perf_counter(); step(k); dt = time.perf_counter() - t
            if r: times[k].append(dt)                     # round 0 is warm-up
    base = statistics.median(times["vanilla"])
    from automix.runs import hardware
    print(f"{hardware('cpu')}, {a.backbone}, 32 px, batch {a.batch}, median of {a.iters} steps")
    print(f"{'method':<14}{'s/step':>8}{'× vanilla':>11}")
    for k in methods:
        t = statistics.median(times[k]); print(f"{k:<14}{t:8.3f}{t / base:11.2f}")
