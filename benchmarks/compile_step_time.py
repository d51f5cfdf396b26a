"""Training-step time with and without `torch.compile` (the trainer's `compile=True`), eager vs compiled, on this device.

python benchmarks/compile_step_time.py [--iters 10] [--threads 2] [--device cpu]

CIFAR-style ResNet-18, 32 px, batch 100, for vanilla training and for AutoMix. Compilation happens during the warm-up
steps (reported separately); the steady-state steps of both variants are then timed interleaved, round by round, in one
process. The loss of the first step is printed for both variants as a check that compiling does not change the numbers.
"""
import argparse, statistics, time
import torch, torch.nn.functional as F
from automix.models import create_model
from automix.automix import AutoMix
from automix.trainer import Supervised, compile_networks

def make(kind, compiled, device):
    torch.manual_seed(0)
    net = create_model("cifar_resnet18", 100)
    m = Supervised(net) if kind == "vanilla" else AutoMix(net, alpha=2.0, mask_layer=2, lam_concat=False)
    m.set_total_steps(1000); m.to(device)
    if compiled: compile_networks(m)
    opt = torch.optim.SGD([p for p in m.parameters() if p.requires_grad], lr=0.01, momentum=0.9)
    def step(x, y):
        torch.manual_seed(1)
        loss = m.training_step(x, y)["loss"]
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); m.after_step()
        if device.type == "cuda": torch.cuda.synchronize()
        return float(loss.detach())
    return step

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=10); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu"); ap.add_argument("--batch", type=int, default=100)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); dev = torch.device(a.device)
    name = torch.cuda.get_device_name() if dev.type == "cuda" else f"CPU, {a.threads} threads"
    from automix.runs import hardware
    print(f"{hardware(dev)}, {name}, CIFAR ResNet-18 32 px batch {a.batch}, median of {a.iters} steps")
    x, y = torch.randn(a.batch, 3, 32, 32, device=dev), torch.randint(0, 100, (a.batch,), device=dev)
    for kind in ("vanilla", "automix"):
        steps, first, warm = {}, {}, {}
        for compiled in (False, True):
            f = make(kind, compiled, dev)
            t = time.perf_counter(); first[compiled] = f(x, y)
            for _ in range(2): f(x, y)
            warm[compiled] = time.perf_counter() - t; steps[compiled] = f
        times = {c: [] for c in steps}
        for _ in range(a.iters):
            for c, f in steps.items():
                t = time.perf_counter(); f(x, y); times[c].append(time.perf_counter() - t)
        med = {c: statistics.median(v) for c, v in times.items()}
        print(f"{kind}: eager {med[False]:.3f} s/step, compiled {med[True]:.3f} s/step -> compiled/eager {med[True] / med[False]:.2f}x "
              f"| first 3 steps (incl. compilation) eager {warm[False]:.1f} s, compiled {warm[True]:.1f} s "
              f"| first loss eager {first[False]:.6f}, compiled {first[True]:.6f}")
