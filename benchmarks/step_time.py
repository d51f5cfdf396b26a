"""Training-step time of AutoMix relative to vanilla and to the straightforward (official-structure) step, on the CPU.

python benchmarks/step_time.py [--iters 5] [--threads 2]

All variants are timed in one process, on the same machine, interleaved round by round, so the ratios compare like with
like. Each round times one optimiser step per variant (forward, backward, SGD step, and the EMA for AutoMix).
"""
import argparse, statistics, time
import torch, torch.nn.functional as F
from automix.models import create_model
from automix.automix import AutoMix, reference_step, reference_momentum_update

def make(kind, backbone, num_classes):
    torch.manual_seed(0)
    net = create_model(backbone, num_classes)
    if kind == "vanilla": return net, None
    am = AutoMix(net, alpha=2.0, mask_layer=2, lam_concat=False); am.set_total_steps(1000)
    return am, am

def step_fn(kind, module, opt, x, y):
    def run():
        if kind == "vanilla": loss = F.cross_entropy(module(x), y)
        elif kind == "automix": loss = module.training_step(x, y)["loss"]
        else: loss = reference_step(module, x, y)["loss"]
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        if kind == "automix": module.after_step()
        elif kind == "reference": reference_momentum_update(module)
    return run

def bench(backbone, size, batch, iters, warmup=2):
    x, y = torch.randn(batch, 3, size, size), torch.randint(0, 100, (batch,))
    runs = {}
    for kind in ("vanilla", "automix", "reference"):
        mod, am = make(kind if kind == "vanilla" else "automix", backbone, 100)
        params = [p for p in mod.parameters() if p.requires_grad]
        runs[kind] = step_fn(kind, mod, torch.optim.SGD(params, lr=0.01, momentum=0.9), x, y)
    for _ in range(warmup):
        for f in runs.values(): f()
    times = {k: [] for k in runs}
    for _ in range(iters):
        for k, f in runs.items():
            t = time.perf_counter(); f(); times[k].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{backbone} {size}px batch {batch}: vanilla {med['vanilla']:.3f} s, automix {med['automix']:.3f} s, "
          f"reference {med['reference']:.3f} s | automix/vanilla {med['automix'] / med['vanilla']:.2f}x, "
          f"reference/vanilla {med['reference'] / med['vanilla']:.2f}x, automix/reference {med['automix'] / med['reference']:.3f}")
    return med

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=5); ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {a.threads} threads, median of {a.iters} steps")
    bench("cifar_resnet18", 32, 100, a.iters)
    bench("resnet18", 224, 16, a.iters)
