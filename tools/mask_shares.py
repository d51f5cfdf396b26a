"""What a trained Mix Block does, in numbers: for a run folder of automix/samix/adautomix, the mean share each source
gets for a few λ, and how much the masks vary in space (std over pixels, averaged over images).

python tools/mask_shares.py runs/digits_adautomix [--n 64]
"""
import argparse
import torch
from automix.config import PIPELINES
from automix.data import get_dataset
from automix.metrics import load_method

def main(run_dir, n=64):
    method, cfg, _ = load_method(run_dir)
    if cfg.method not in PIPELINES: raise SystemExit(f"{run_dir}: {cfg.method} has no Mix Block")
    method.eval()
    ds = get_dataset(cfg.dataset, cfg.data_root, "test")
    x = torch.stack([ds[i][0] for i in range(min(n, len(ds)))])
    with torch.no_grad():                                   # `mixes`: the Mix Block's weight maps for given shares
        if cfg.method == "adautomix":
            for lams in ([0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.8, 0.1, 0.1]):
                m = method.mixes(x, lams).source_weights
                print(f"λ={lams}: mean weight per source {[round(v, 3) for v in m.mean((0, 2, 3)).tolist()]}, "
                      f"spatial std {m.flatten(2).std(-1).mean().item():.4f}")
        else:
            for lam in (0.2, 0.5, 0.8):
                m = method.mixes(x, lam).source_weights[:, 1]               # the partner's weight
                print(f"λ={lam}: mean partner weight {m.mean().item():.3f} (asked {1 - lam:.1f}), spatial std {m.flatten(1).std(-1).mean().item():.4f}")

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("run_dir"); ap.add_argument("--n", type=int, default=64)
    a = ap.parse_args(); main(a.run_dir, a.n)
