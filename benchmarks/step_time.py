"""Training-step time of AutoMix relative to vanilla and to the straightforward (official-structure) step, on the CPU.

python benchmarks/step_time.py [--iters 8] [--threads 2] [--big]

All variants are timed in one process, on the same machine, interleaved round by round, so the ratios compare like with
like. Each round times one optimiser step per variant (forward, backward, SGD step, and the EMA for AutoMix):

- vanilla: the plain network, cross-entropy on the clean batch;
- automix: `AutoMix` with its defaults (the official step: four heads, the whole momentum encoder on the clean batch);
- shortcut: `AutoMix(full_momentum_forward=False)`: the momentum encoder stops at `mask_layer` on the clean batch;
- reference: `reference_step`, the official step transcribed literally (same numbers as `automix`).

Load on the machine only adds time, so besides the median the script prints the ratio of the fastest steps (min over
rounds) and the spread of the per-round ratios.
"""
import argparse, statistics, time
import torch, torch.nn.functional as F
from automix.models import create_model
from automix.automix import AutoMix
from automix.reference import reference_step, reference_momentum_update

def make(kind, backbone, num_classes):
    torch.manual_seed(0)
    net = create_model(backbone, num_classes)
    if kind == "vanilla": return net
    am = AutoMix(net, alpha=2.0, mask_layer=2, lam_concat=False, full_momentum_forward=kind != "shortcut")
    am.set_total_steps(1000)
    return am

def step_fn(kind, module, opt, x, y):
    def run():
        if kind == "vanilla": loss = F.cross_entropy(module(x), y)
        elif kind == "reference": loss = reference_step(module, x, y)["loss"]
        else: loss = module.training_step(x, y)["loss"]
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        if kind == "reference": reference_momentum_update(module)
        elif kind != "vanilla": module.after_step()
    return run

def bench(backbone, size, batch, iters, warmup=2):
    x, y = torch.randn(batch, 3, size, size), torch.randint(0, 100, (batch,))
    runs = {}
    for kind in ("vanilla", "automix", "shortcut", "reference"):
        mod = make(kind, backbone, 100)
        params = [p for p in mod.parameters() if p.requires_grad]
        runs[kind] = step_fn(kind, mod, torch.optim.SGD(params, lr=0.01, momentum=0.9), x, y)
    for _ in range(warmup):
        for f in runs.values(): f()
    times = {k: [] for k in runs}
    for _ in range(iters):
        for k, f in runs.items():
            t = time.perf_counter(); f(); times[k].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{backbone} {size}px batch {batch}, {iters} rounds; seconds per step (median / fastest):")
    for k in runs:
        r = [a / b for a, b in zip(times[k], times["vanilla"])]
        print(f"  {k:9s} {med[k]:6.3f} / {min(times[k]):6.3f}   × vanilla: median {med[k] / med['vanilla']:.2f}, "
              f"fastest {min(times[k]) / min(times['vanilla']):.2f}, per-round {min(r):.2f}–{max(r):.2f}")
    return times

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=8); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--big", action="store_true", help="also ResNet-18 at 224 px, batch 16")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    from automix.runs import hardware
    print(hardware("cpu"))                      # the float path and machine these times belong to
    bench("cifar_resnet18", 32, 100, a.iters)
    if a.big: bench("resnet18", 224, 16, a.iters)
