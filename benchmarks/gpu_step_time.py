"""GPU step benchmark (prepared for a lent GPU; never needed by tests or CI): the CIFAR-style ResNet-18 AutoMix and
vanilla steps at 32 px, batch 100, in fp32 and with bf16 autocast, on one CUDA device.

python benchmarks/gpu_step_time.py [--iters 50] [--device cuda]

Prints the card's name and, per precision, seconds per step and the AutoMix / vanilla ratio. Record the output in
benchmarks/README.md with the card's name.
"""
import argparse, time
import torch, torch.nn.functional as F
from automix.models import create_model
from automix.automix import AutoMix

def bench(kind, amp, iters, device):
    torch.manual_seed(0)
    net = create_model("cifar_resnet18", 100)
    mod = (AutoMix(net, lam_concat=False) if kind == "automix" else net).to(device)
    if kind == "automix": mod.set_total_steps(10_000)
    opt = torch.optim.SGD([p for p in mod.parameters() if p.requires_grad], lr=0.1, momentum=0.9)
    x, y = torch.randn(100, 3, 32, 32, device=device), torch.randint(0, 100, (100,), device=device)
    def step():
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
            loss = mod.training_step(x, y)["loss"] if kind == "automix" else F.cross_entropy(mod(x), y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        if kind == "automix": mod.after_step()
    for _ in range(10): step()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    sync(); t = time.perf_counter()
    for _ in range(iters): step()
    sync()
    return (time.perf_counter() - t) / iters

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--device", default="cuda", help="cpu only to check the script itself (python benchmarks/gpu_step_time.py --device cpu --iters 1)")
    a = ap.parse_args(); dev = torch.device(a.device)
    if dev.type == "cuda" and not torch.cuda.is_available(): raise SystemExit("no CUDA device: this benchmark needs a GPU")
    if dev.type == "cuda": torch.backends.cudnn.benchmark = True
    from automix.runs import hardware
    print(hardware(dev))
    for amp in (False, True):
        v, m = bench("vanilla", amp, a.iters, dev), bench("automix", amp, a.iters, dev)
        print(f"{'bf16' if amp else 'fp32'}: vanilla {v * 1e3:.1f} ms/step, automix {m * 1e3:.1f} ms/step, ratio {m / v:.2f}x")
