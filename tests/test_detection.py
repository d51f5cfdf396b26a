"The detection experiment end to end: nbs/detection.ipynb under papermill, and automix-detect, on tiny fixtures in the official layouts."
import json, subprocess, sys
from pathlib import Path
import pytest
import papermill as pm
import torchvision
from automix.detection_data import make_voc_fixture, make_coco_fixture
from automix.runs import export_model

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope="module")
def tv_run(tmp_path_factory):
    "A stand-in for a finished tv:resnet18 run: a folder with its exported model.safetensors."
    d = tmp_path_factory.mktemp("run")
    export_model(torchvision.models.resnet18(num_classes=10), "tv:resnet18", 10, d / "model.safetensors")
    return d

@pytest.mark.slow
@pytest.mark.parametrize("dataset, make", [("voc", make_voc_fixture), ("coco", make_coco_fixture)])
def test_detection_notebook(tmp_path, tv_run, dataset, make):
    make(tmp_path / "data")
    out = tmp_path / "det"
    pm.execute_notebook(str(ROOT / "nbs" / "detection.ipynb"), str(tmp_path / "out.ipynb"), cwd=str(ROOT), progress_bar=False,
                        kernel_name="python3", parameters=dict(run_dir=str(tv_run), dataset=dataset, data_root=str(tmp_path / "data"),
                                                               out_dir=str(out), epochs=1, batch_size=2, min_size=64, max_size=96))
    table = (out / "results.csv").read_text()
    assert table.startswith("backbone,mAP,mAP50,mAP75") and "transfer" in table and "random" in table
    for f in ("det_curves.png", "det_boxes.png", "transfer/summary.json", "random/summary.json"): assert (out / f).exists(), f
    assert json.loads((out / "transfer" / "config.json").read_text())["backbone"] == "tv:resnet18"

def test_cli_bad_input(tmp_path):
    r = subprocess.run([sys.executable, "-m", "automix.detection", "--arch", "narrow_resnet10", "--dataset", "voc", "--data_root",
                        str(tmp_path / "none")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 2 and "VOCdevkit/VOC2007" in r.stderr and "Traceback" not in r.stderr
