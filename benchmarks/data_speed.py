"""Does data loading keep up with training? Images per second of the CUB-style 224-px training pipeline (JPEG decode,
resize 256, random resized crop, flip, normalise) with 2 DataLoader workers, beside the training step's images per
second (ResNet-18, 224 px, batch 16, vanilla and AutoMix), measured in one run on this machine.

python benchmarks/data_speed.py [--images 96] [--workers 2] [--steps 3]

The images are a synthetic CUB copy in the official layout: 375×383 random-noise JPEGs (noise decodes slower than
photographs of that size, so the loading rate is if anything pessimistic).
"""
import argparse, tempfile, time
import torch, torch.nn.functional as F
from torch.utils.data import DataLoader
from automix.data import make_cub_fixture, get_dataset
from automix.models import create_model
from automix.automix import AutoMix

def loader_rate(root, workers, batch=16, epochs=2):
    ds = get_dataset("cub200", root, "train")
    dl = DataLoader(ds, batch, shuffle=True, num_workers=workers, persistent_workers=workers > 0)
    for _ in dl: pass                                    # warm-up: start workers, fill caches
    t, n = time.perf_counter(), 0
    for _ in range(epochs):
        for x, _ in dl: n += len(x)
    return n / (time.perf_counter() - t)

def step_rate(kind, steps, batch=16):
    torch.manual_seed(0)
    net = create_model("resnet18", 200)
    mod = AutoMix(net, lam_concat=True) if kind == "automix" else net
    if kind == "automix": mod.set_total_steps(1000)
    opt = torch.optim.SGD([p for p in mod.parameters() if p.requires_grad], lr=0.01, momentum=0.9)
    x, y = torch.randn(batch, 3, 224, 224), torch.randint(0, 200, (batch,))
    def step():
        loss = mod.training_step(x, y)["loss"] if kind == "automix" else F.cross_entropy(mod(x), y)
        opt.zero_grad(); loss.backward(); opt.step()
        if kind == "automix": mod.after_step()
    step()
    t = time.perf_counter()
    for _ in range(steps): step()
    return steps * batch / (time.perf_counter() - t)

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=96); ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        make_cub_fixture(d, n_classes=a.images // 8, per_class=16, size=375)   # half of each class is training
        load = loader_rate(d, a.workers)
    print(f"CUB-style 224-px training pipeline, {a.workers} workers: {load:.0f} images/s")
    for kind in ("vanilla", "automix"):
        r = step_rate(kind, a.steps)
        print(f"ResNet-18 224 px batch 16 {kind} training step: {r:.1f} images/s -> loading is {load / r:.1f}x faster")
