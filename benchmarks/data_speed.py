"""Does data loading keep up with training, and what did the loader changes buy? Images per second of the CUB 224-px
training pipeline (decode, resize 256, random resized crop, flip, normalise), measured in one run on this machine:

1. per core (main process, one thread): PIL decoding + PIL transforms (before) vs torchvision.io decoding + tensor
   transforms (after: what `FileImageDataset` does for the built-in pipelines);
2. a loader over several short epochs with `--workers` processes: a fresh loader per epoch with PIL (before) vs the
   trainer's `make_loaders`, built once with persistent workers and torchvision decoding (after);
3. beside it, the training step (ResNet-18, 224 px, batch 16, vanilla and AutoMix) in images per second.

python benchmarks/data_speed.py [--images 64] [--workers 1] [--epochs 4] [--steps 3]

The images are photographs (scikit-learn's two sample images, cropped to CUB's typical 500×375 at 16 offsets) written
as JPEGs over a CUB fixture in the official layout.
"""
import argparse, tempfile, time
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader
from automix.data import make_cub_fixture, get_dataset, get_spec
from automix.models import create_model
from automix.automix import AutoMix
from automix.config import resolve_config
from automix.loaders import make_loaders

def photo_cub(root, n_images):
    "A CUB fixture whose images are photo crops (JPEG quality 90), not noise."
    from sklearn.datasets import load_sample_images
    make_cub_fixture(root, n_classes=max(1, n_images // 8), per_class=16, size=40)   # half of each class is training
    photos = load_sample_images().images
    for k, f in enumerate(sorted((Path(root) / "CUB_200_2011/images").rglob("*.jpg"))):
        a = photos[k % 2]; x, y = (k * 7) % (a.shape[1] - 500), (k * 3) % (a.shape[0] - 375)
        Image.fromarray(a[y:y + 375, x:x + 500]).save(f, quality=90)

def per_core(ds, decoder, reps=2):
    ds.decoder = decoder
    ds[0]; t, n = time.perf_counter(), 0
    for _ in range(reps):
        for i in range(len(ds)): ds[i]; n += 1
    return n / (time.perf_counter() - t)

def loader_rate(root, workers, epochs, after):
    cfg = resolve_config(dataset="cub200", data_root=root, batch_size=16, num_workers=workers)
    tr, te = get_dataset("cub200", root, "train"), get_dataset("cub200", root, "test")
    tr.decoder = "torchvision" if after else "pil"
    if after: dl, _, set_epoch = make_loaders(cfg, tr, te, torch.device("cpu"))
    t, n = time.perf_counter(), 0
    for e in range(epochs):
        if after: set_epoch(e)
        else: dl = DataLoader(tr, 16, shuffle=True, num_workers=workers, generator=torch.Generator().manual_seed(e))
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
    ap.add_argument("--images", type=int, default=64); ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=4); ap.add_argument("--steps", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as d:
        photo_cub(d, a.images)
        tr = get_dataset("cub200", d, "train")
        pil, tv = per_core(tr, "pil"), per_core(tr, "torchvision")
        print(f"CUB 224-px training pipeline, one core: PIL {pil:.0f} images/s, torchvision.io + tensor transforms {tv:.0f} images/s ({tv / pil:.2f}x)")
        before, after = (loader_rate(d, a.workers, a.epochs, after) for after in (False, True))
        print(f"loader, {a.workers} worker(s), {a.epochs} epochs of {len(tr)} images: fresh loader per epoch + PIL {before:.0f} images/s, "
              f"persistent + torchvision {after:.0f} images/s ({after / before:.2f}x)")
    for kind in ("vanilla", "automix"):
        r = step_rate(kind, a.steps)
        print(f"ResNet-18 224 px batch 16 {kind} training step (1 thread): {r:.1f} images/s -> one loading core does {tv / r:.0f}x that")
