"""The export records the input pipeline that trained (issue #36, item 1): for every dataset kind — embedded, your own
folder, your own CSV, a benchmark's official layout — and for a torchvision and a timm backbone, `load_exported` on
*raw* test images (its own `preprocess`) predicts exactly what the run's evaluation pipeline predicts."""
import pytest, torch
from automix.data import get_dataset, make_fixture
from automix.metrics import load_run
from automix.runs import load_exported
from automix.trainer import train

KINDS = {"digits": None, "folder": "folder", "csv": "csv", "cifar10": "cifar10"}    # dataset → fixture (None: embedded)


def check_export(tmp_path, dataset, backbone, **kw):
    root = "data" if KINDS.get(dataset) is None else str(make_fixture(KINDS[dataset], tmp_path / "data"))
    out = tmp_path / "run"
    summary = train(dataset=dataset, data_root=root, backbone=backbone, method="vanilla", epochs=1, batch_size=4, train_size=16,
                    test_size=8, progress=False, out_dir=str(out), **kw)
    assert summary["top1_network"] == "online"                    # vanilla's plain keys score the trained network itself
    net, cfg, _ = load_run(out)
    exported = load_exported(out)                                 # the run folder itself
    raw = get_dataset(dataset, root, "test", transform=None)      # PIL images, or tensors in [0, 1] / uint8
    prepared = get_dataset(dataset, root, "test")                 # what the trainer's evaluation reads
    n = min(8, len(raw))
    with torch.no_grad():
        ours = exported(torch.stack([exported.preprocess(raw[i][0]) for i in range(n)]))
        theirs = net(torch.stack([prepared[i][0] for i in range(n)]))
    torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-4)
    assert (ours.argmax(1) == theirs.argmax(1)).all()
    return exported


@pytest.mark.slow
@pytest.mark.parametrize("dataset", list(KINDS))
@pytest.mark.parametrize("backbone", ["tv:resnet18", "timm:resnet18"])
def test_export_predicts_what_the_pipeline_predicts(tmp_path, dataset, backbone):
    check_export(tmp_path, dataset, backbone)


def test_folder_export_records_imagenet_normalisation(tmp_path):
    "The fast tier's case: the bug that was (a `folder` run exported 0.5/0.5 while training with ImageNet's mean/std);"
    " and training decodes every image to RGB, so `preprocess` takes an RGBA or palette PNG and a greyscale photo too."
    from PIL import Image
    net = check_export(tmp_path, "folder", "narrow_resnet10")
    assert [round(v, 3) for v in net.normalize.mean] == [0.485, 0.456, 0.406]
    for mode in ("RGBA", "P", "L"):
        assert net.preprocess(Image.new(mode, (40, 30))).shape == (3, 224, 224), mode


@pytest.mark.slow
def test_vit_at_32_px_exports_its_size(tmp_path):
    "A ViT built for 32-px digits: the export records img_size, and load_exported rebuilds it at that size."
    net = check_export(tmp_path, "digits", "timm:vit_tiny_patch16_224")
    assert net.patch_embed.img_size == (32, 32)


def test_summary_says_which_network_it_scores(tmp_path):
    "AutoMix's plain `*_top1` keys score the momentum encoder (the EMA), vanilla's the trained network: `top1_network` says which."
    s = train(method="automix", epochs=1, batch_size=4, train_size=16, test_size=8, progress=False, out_dir=str(tmp_path / "am"))
    assert s["top1_network"] == "ema" and s["final_top1"] == s["final_top1_ema"]


def test_old_and_unnormalised_exports_load(tmp_path):
    "An export from before the pipeline was recorded keeps its `normalize` and gets no `preprocess` (it cannot know the resize);"
    " one whose run normalised nothing gets a `preprocess` without a normalisation."
    import json, torchvision
    from automix.runs import export_model
    net = torchvision.models.resnet18(num_classes=3)
    export_model(net, "tv:resnet18", 3, tmp_path / "old.safetensors", mean=json.dumps([0.5] * 3), std=json.dumps([0.5] * 3))
    old = load_exported(tmp_path / "old.safetensors")
    assert hasattr(old, "normalize") and not hasattr(old, "preprocess")
    export_model(net, "tv:resnet18", 3, tmp_path / "raw.safetensors", **{k: "null" for k in ("mean", "std", "resize", "interpolation", "size")})
    raw = load_exported(tmp_path / "raw.safetensors")
    x = torch.rand(3, 8, 8)
    assert not hasattr(raw, "normalize")
    torch.testing.assert_close(raw.preprocess(x), x)

