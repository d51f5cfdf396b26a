"""`compile=True` (torch.compile of the networks) gives the same numbers as eager mode up to float rounding, and its
checkpoints are ordinary ones (no `_orig_mod.` prefixes), for vanilla training and for AutoMix.

Checked where it is sharp, on one step: the losses agree to 1e-5 and the gradients of most parameters to ~1e-6. The
exception, measured with torch 2.14.1 on CPU: inductor's fused batch-norm backward makes some BN weight/bias gradients
differ by up to ~0.3% (relative) from eager mode, and a float64 computation sides with eager (1.6e-6), so this is
inductor's rounding, a known class of issue (e.g. pytorch/pytorch#170762). The bound below (1%) leaves room for it.
Over a run such differences are amplified by training, so whole runs are only required to stay close.

Across float paths (`python tools/float_spread.py`, kept in results/float_paths/compile.json with the machine): on an AMD
EPYC (family 23 model 49), threads 1 and 2 × ATEN_CPU_CAPABILITY default and avx2 — inductor generates its C++ for the
capability — the one-step loss moved by ≤ 1.1e-7, the worst gradient by ≤ 3.8e-6 and the median by ≤ 2.0e-6 (no
batch-norm outlier there), and the 2-epoch run's train loss by ≤ 1.1% and its top-1 by ≤ 1.6 points. So the bounds hold
with margins of ≥ 2.5× (median gradient, against the earlier machine's 4e-6 at 1e-5), 2.7× (run loss) and 4.8× (run
top-1)."""
import json
import pandas as pd
import pytest
import torch
from automix.automix import AutoMix
from automix.models import create_model
from automix.trainer import Supervised, compile_networks, train

pytestmark = pytest.mark.slow     # compiles networks: minutes
SMALL = dict(method="vanilla", epochs=2, train_size=128, test_size=64, batch_size=32, progress=False)
LOSS_RTOL, GRAD_WORST, GRAD_MEDIAN = 1e-5, 1e-2, 1e-5      # one step (see the module's docstring for what was measured)
RUN_LOSS_RTOL, RUN_TOP1_ATOL = 0.03, 5 * 100 / 64          # a 2-epoch run: train loss relative, top-1 within 5 of 64 images

def build(method):
    torch.manual_seed(0)
    net = create_model("narrow_resnet10", 10)
    return Supervised(net) if method == "vanilla" else AutoMix(net, lam_margin=0.0)

def one_step_differences(eager, comp):
    "One training step of each on the same batch and draws: the loss's relative difference, and (relative gradient difference, name) sorted."
    x, y = torch.randn(16, 3, 32, 32, generator=torch.Generator().manual_seed(0)), torch.randint(0, 10, (16,), generator=torch.Generator().manual_seed(0))
    grads = []
    for m in (eager, comp):
        torch.manual_seed(1)
        loss = m.training_step(x, y)["loss"]
        names, params = zip(*[(n, p) for n, p in m.named_parameters() if p.requires_grad])
        grads.append((loss.detach(), torch.autograd.grad(loss, params)))
    (la, ga), (lb, gb) = grads
    rel = sorted((((u - v).norm() / (u.norm() + 1e-12)).item(), n) for u, v, n in zip(ga, gb, names))
    return float((la - lb).abs() / la.abs()), rel

@pytest.mark.parametrize("method", ["vanilla", "automix"])
def test_one_step_same_loss_and_gradients(method):
    loss_rel, rel = one_step_differences(build(method), compile_networks(build(method)))
    assert loss_rel < LOSS_RTOL, loss_rel
    assert rel[-1][0] < GRAD_WORST, rel[-3:]                      # worst: a batch-norm gradient (see above)
    assert rel[len(rel) // 2][0] < GRAD_MEDIAN, rel[len(rel) // 2]   # typical: float rounding

def test_compiled_run(tmp_path):
    eager = train(out_dir=str(tmp_path / "eager"), **SMALL)
    comp = train(out_dir=str(tmp_path / "compiled"), compile=True, **SMALL)
    a, b = (pd.read_csv(tmp_path / d / "metrics.csv")["train_loss"] for d in ("eager", "compiled"))
    assert ((a - b).abs() / a).max() < RUN_LOSS_RTOL, (a.tolist(), b.tolist())
    assert abs(eager["final_top1"] - comp["final_top1"]) <= RUN_TOP1_ATOL
    state = torch.load(tmp_path / "compiled" / "last.pt", weights_only=True)["method"]
    assert state and not any("_orig_mod" in k for k in state)
    assert json.loads((tmp_path / "compiled" / "config.json").read_text())["compile"] is True
