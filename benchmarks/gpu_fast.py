"""The GPU fast path, measured (issue #27): one prepared script for a lent card's few minutes; never needed by tests or CI.

    python benchmarks/gpu_fast.py --out benchmarks/gpu_fast.json [--budget 300]     # on the GPU
    python benchmarks/gpu_fast.py --smoke --device cpu --out /tmp/x.json             # checks the script itself on a CPU

1. Step times, fastest option per regime: vanilla, Mixup, AutoMix and SAMix on the CIFAR ResNet-18 at 32 px (batch 100)
   and on ResNet-50 at 224 px (batch 64); eager or `torch.compile`d networks (default and "reduce-overhead", which
   captures CUDA graphs); fp32 (TF32 matmuls on) or bf16 autocast; channels_last or not. Each step is the trainer's own
   (`build_method` + `Method.training_step`), so what is timed is what a run executes.
2. One CIFAR-100-sized AutoMix epoch: 50,000 synthetic 32-px images written on the spot in CIFAR-100's official layout
   (no dataset can be downloaded), trained through `train(..., device_data=True)` — the data on the device — with the
   test of all four heads on 10,000 images included; its wall time, and the full 800-epoch run it implies.

Every measurement is skipped once `--budget` seconds have passed, so the script fits the card's time; what ran is in the
JSON (`--out`), which goes into benchmarks/README.md with the card's name.
"""
import argparse, json, pickle, time
from pathlib import Path
import numpy as np, torch


def step_time(method: str, size: int, amp: bool, channels_last: bool, compile_mode, iters: int, device, smoke: bool) -> float:
    "Seconds per training step of the trainer's own method at `size` px, after warm-up."
    from automix.config import resolve_config
    from automix.models import create_model
    from automix.trainer import build_method, make_optimizer, compile_networks
    big = size > 64
    cfg = resolve_config(dataset="imagenet" if big else "cifar100", method=method, backbone="narrow_resnet10" if smoke else ("resnet50" if big else "cifar_resnet18"),
                         batch_size=4 if smoke else (64 if big else 100), epochs=1)
    torch.manual_seed(0)
    m = build_method(cfg, create_model(cfg.backbone, 100 if not big else 1000)).to(device)
    m.set_total_steps(10_000)
    if channels_last: m = m.to(memory_format=torch.channels_last)
    if compile_mode: [net.compile(mode=None if compile_mode == "default" else compile_mode) for net in m.networks()]
    opt = make_optimizer(cfg, m.param_groups())
    x = torch.randn(cfg.batch_size, 3, size, size, device=device); y = torch.randint(0, 100, (cfg.batch_size,), device=device)
    if channels_last: x = x.contiguous(memory_format=torch.channels_last)
    def step():
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
            loss = m.training_step(x, y)["loss"]
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); m.after_step()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(2 if smoke else 15): step()
    sync(); t = time.perf_counter()
    for _ in range(iters): step()
    sync()
    return (time.perf_counter() - t) / iters


def write_cifar100(root: Path, n_train: int, n_test: int) -> Path:
    "Synthetic images in CIFAR-100's official layout (`cifar-100-python/{train,test,meta}`)."
    d = root / "cifar-100-python"; d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for name, n in (("train", n_train), ("test", n_test)):
        with open(d / name, "wb") as fh:
            pickle.dump({"data": rng.integers(0, 255, (n, 3072), dtype=np.uint8), "fine_labels": (np.arange(n) % 100).tolist()}, fh)
    with open(d / "meta", "wb") as fh: pickle.dump({"fine_label_names": [f"c{i}" for i in range(100)]}, fh)
    return root


def epoch_time(root: Path, device, smoke: bool, out: Path) -> dict:
    "Wall time of one AutoMix epoch of CIFAR-100's size with the data on the device, the test of four heads included."
    from automix.trainer import train
    t = time.perf_counter()
    s = train(dataset="cifar100", data_root=str(root), method="automix", epochs=1, device=str(device), device_data=True,
              backbone="narrow_resnet10" if smoke else "cifar_resnet18", progress=False, out_dir=str(out), batch_size=10 if smoke else 100)
    return dict(epoch_wall_s=time.perf_counter() - t, train_time_s=s["train_time_s"])


def main():
    from automix.runs import hardware
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda"); ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--budget", type=float, default=300, help="seconds; measurements after it are skipped")
    ap.add_argument("--iters", type=int, default=30); ap.add_argument("--smoke", action="store_true", help="tiny sizes: checks the script on a CPU")
    a = ap.parse_args()
    dev = torch.device(a.device)
    if dev.type == "cuda":
        if not torch.cuda.is_available(): raise SystemExit("no CUDA device: run with --smoke --device cpu to check the script")
        torch.backends.cuda.matmul.allow_tf32 = True; torch.backends.cudnn.allow_tf32 = True; torch.backends.cudnn.benchmark = True
    t0, res = time.time(), dict(device=torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu", torch=torch.__version__,
                       hardware=hardware(dev), steps=[], skipped=[])
    def save(): a.out.parent.mkdir(parents=True, exist_ok=True); a.out.write_text(json.dumps(res, indent=1))
    iters = 1 if a.smoke else a.iters
    plan = [(m, 32, amp, cl, cm) for m in ("vanilla", "automix", "mixup", "samix") for cm in (None, "reduce-overhead", "default")
            for amp in (False, True) for cl in (False,)]
    plan += [(m, 224, amp, cl, None) for m in ("vanilla", "automix") for amp in (False, True) for cl in (False, True)]
    if a.smoke: plan = [p for p in plan if p[0] in ("vanilla", "automix") and p[4] is None][:3]
    # the epoch first: it is the headline, and the longest single measurement
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        root = write_cifar100(Path(d) / "data", 200 if a.smoke else 50_000, 40 if a.smoke else 10_000)
        try:
            res["epoch"] = epoch_time(root, dev, a.smoke, Path(d) / "run")
            res["epoch"]["automix_800_epochs_h"] = res["epoch"]["epoch_wall_s"] * 800 / 3600
        except Exception as e: res["epoch"] = dict(error=f"{type(e).__name__}: {e}")
        save(); print("epoch:", res["epoch"], flush=True)
    for method, size, amp, cl, cm in plan:
        key = dict(method=method, size=size, bf16=amp, channels_last=cl, compile=cm or "eager")
        if time.time() - t0 > a.budget: res["skipped"].append(key); continue
        try: key["ms_per_step"] = 1e3 * step_time(method, 16 if a.smoke and size > 64 else size, amp, cl, cm, iters, dev, a.smoke)
        except Exception as e: key["error"] = f"{type(e).__name__}: {str(e)[:200]}"
        res["steps"].append(key); save(); print(key, flush=True)
    res["wall_s"] = time.time() - t0; save()


if __name__ == "__main__":
    main()
