"""`compile=True` (torch.compile of the networks) gives the same numbers as eager mode up to float rounding, and its
checkpoints are ordinary ones (no `_orig_mod.` prefixes), for vanilla training and for AutoMix.

Checked where it is sharp, on one step: the losses agree to 1e-5 and the gradients of most parameters to ~1e-6. The
exception, measured with torch 2.14.1 on CPU: inductor's fused batch-norm backward makes some BN weight/bias gradients
differ by up to ~0.3% (relative) from eager mode, and a float64 computation sides with eager (1.6e-6), so this is
inductor's rounding, a known class of issue (e.g. pytorch/pytorch#170762). The bound below (1%) leaves room for it.
Over a run such differences are amplified by training, so whole runs are only required to stay close."""
import json
import pandas as pd
import pytest
import torch
from automix.automix import AutoMix
from automix.models import create_model
from automix.trainer import Supervised, compile_networks, train

pytestmark = pytest.mark.slow     # compiles networks: minutes

def build(method):
    torch.manual_seed(0)
    net = create_model("narrow_resnet10", 10)
    return Supervised(net) if method == "vanilla" else AutoMix(net, lam_margin=0.0)

@pytest.mark.parametrize("method", ["vanilla", "automix"])
def test_one_step_same_loss_and_gradients(method):
    eager, comp = build(method), compile_networks(build(method))
    x, y = torch.randn(16, 3, 32, 32), torch.randint(0, 10, (16,))
    grads = []
    for m in (eager, comp):
        torch.manual_seed(1)
        loss = m.training_step(x, y)["loss"]
        names, params = zip(*[(n, p) for n, p in m.named_parameters() if p.requires_grad])
        grads.append((loss.detach(), torch.autograd.grad(loss, params)))
    (la, ga), (lb, gb) = grads
    assert torch.allclose(la, lb, rtol=1e-5), (la, lb)
    rel = sorted((((u - v).norm() / (u.norm() + 1e-12)).item(), n) for u, v, n in zip(ga, gb, names))
    assert rel[-1][0] < 1e-2, rel[-3:]              # worst: a batch-norm gradient (see above)
    assert rel[len(rel) // 2][0] < 1e-5, rel[len(rel) // 2]     # typical: float rounding                    # measured ≈ 4e-6, as eager mode with a different thread count

def test_compiled_run(tmp_path):
    small = dict(method="vanilla", epochs=2, train_size=128, test_size=64, batch_size=32, progress=False)
    eager = train(out_dir=str(tmp_path / "eager"), **small)
    comp = train(out_dir=str(tmp_path / "compiled"), compile=True, **small)
    a, b = (pd.read_csv(tmp_path / d / "metrics.csv")["train_loss"] for d in ("eager", "compiled"))
    assert ((a - b).abs() / a).max() < 0.03, (a.tolist(), b.tolist())
    assert abs(eager["final_top1"] - comp["final_top1"]) <= 5 * 100 / 64
    state = torch.load(tmp_path / "compiled" / "last.pt", weights_only=True)["method"]
    assert state and not any("_orig_mod" in k for k in state)
    assert json.loads((tmp_path / "compiled" / "config.json").read_text())["compile"] is True
