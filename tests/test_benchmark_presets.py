"Every benchmark of the paper trains through the same entry point on a tiny copy in its official layout."
import json
from pathlib import Path
import pytest
from automix.data import make_fixture
from automix.config import PRESETS
from automix.trainer import train
from automix.config import resolve_config

BENCHMARKS = [n for n in PRESETS if n not in ("digits", "digits_clutter")]      # the embedded ones need no files

@pytest.mark.slow
@pytest.mark.parametrize("name", BENCHMARKS)
def test_one_epoch_on_fixture(tmp_path, name):
    make_fixture(name, tmp_path / "data")
    s = train(dataset=name, data_root=str(tmp_path / "data"), method="mixup", backbone="narrow_resnet10", pretrained="none",
              epochs=1, batch_size=2, out_dir=str(tmp_path / "run"), progress=False)
    assert s["epochs"] == 1
    cfg = json.loads((tmp_path / "run" / "config.json").read_text())
    assert cfg["lr"] == PRESETS[name]["lr"] and cfg["weight_decay"] == PRESETS[name]["weight_decay"]

def test_protocols_follow_the_paper():
    c = resolve_config(dataset="cifar100", method="automix")
    assert (c.backbone, c.batch_size, c.lr, c.min_lr, c.lam_concat, c.momentum_end, c.alpha) == ("cifar_resnet18", 100, 0.1, 0.05, False, 0.999999, 2.0)
    c = resolve_config(dataset="imagenet", method="automix")
    assert (c.batch_size, c.mixblock_lr, c.mixblock_min_lr, c.lam_concat, c.mask_loss_anneal) == (256, 0.1, 1e-3, True, True)
    c = resolve_config(dataset="aircraft", method="cutmix")
    assert (c.batch_size, c.lr, c.weight_decay, c.epochs, c.alpha, c.pretrained) == (16, 0.001, 5e-4, 200, 1.0, "download")
    assert resolve_config(dataset="tiny_imagenet", method="manifoldmix").alpha == 0.2
