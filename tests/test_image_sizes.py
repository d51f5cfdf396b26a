"AutoMix at any image size (issue #24, item 3): every preset backbone trains one step, through the trainer's own method builder, at 30, 32, 64 and 224 px."
import pytest, torch
from automix.config import PRESETS, resolve_config
from automix.models import create_model
from automix.trainer import build_method

pytestmark = pytest.mark.slow     # every preset backbone at four sizes: minutes

BACKBONES = sorted({p["backbone"] for p in PRESETS.values()})


@pytest.mark.parametrize("backbone", BACKBONES)
@pytest.mark.parametrize("size", [30, 32, 64, 224])
@pytest.mark.parametrize("method", ["automix", "samix", "adautomix"])
def test_one_step(backbone, size, method):
    if method != "automix" and (size in (32, 64) or (size == 224 and backbone == "cifar_resnet18")):
        pytest.skip("the variants share AutoMix's size rule: tried at the odd and the large size (a CIFAR stem at 224 px: 60 s a step)")
    torch.manual_seed(0)
    cfg = resolve_config(dataset="folder" if size == 224 else "digits", method=method, backbone=backbone)
    m = build_method(cfg, create_model(backbone, 3))
    x, y = torch.randn(2, 3, size, size), torch.tensor([0, 1])
    out = m.training_step(x, y)
    out["loss"].backward(); m.after_step()
    assert torch.isfinite(out["loss"])
    z = m._features(x)
    w = m.mixes(x).source_weights
    assert w.shape[-2:] == (size, size), (backbone, size, m._scale(x, z))
