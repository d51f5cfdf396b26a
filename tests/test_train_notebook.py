"End-to-end: the experiment notebook under papermill, and the console command, on tiny settings."
import json, subprocess, sys
from pathlib import Path
import pytest
import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "nbs" / "train.ipynb"

def run_nb(tmp_path, **params):
    return pm.execute_notebook(str(NB), str(tmp_path / "out.ipynb"), parameters=params, cwd=str(ROOT),
                               progress_bar=False, kernel_name="python3")

def test_papermill_tiny_run(tmp_path):
    out = tmp_path / "run"
    run_nb(tmp_path, epochs=2, train_size=64, test_size=64, batch_size=32, out_dir=str(out))
    for f in ("config.json", "metrics.csv", "summary.json", "last.pt", "learning_curve.png", "mixed_samples.png"):
        assert (out / f).exists(), f
    summary = json.loads((out / "summary.json").read_text())
    assert json.loads((out / "config.json").read_text())["method"] == "automix"   # the default method
    # Two epochs of AutoMix on 64 images are not expected above chance; what can be checked is that the summary is the
    # run's: its final top-1 is the last evaluation, and the exported network scores exactly that on the same test images.
    import pandas as pd, torch
    from automix.runs import load_exported
    from automix.data import get_dataset
    from automix.loaders import _subset
    h = pd.read_csv(out / "metrics.csv")
    assert summary["epochs"] == 2 == len(h) and summary["final_top1"] == h.test_top1.iloc[-1]
    net = load_exported(out / "model.safetensors").eval()
    test = _subset(get_dataset("digits", "data", "test"), 64)          # the run's test subset (stratified, seed 0)
    xs, ys = zip(*test)
    with torch.no_grad(): hits = int((net(torch.stack(xs)).argmax(1) == torch.tensor(ys)).sum())   # one batch of 64, as the
    # trainer's test loader: the same kernels on the same machine, so the count is exact by construction (batch 1 vs 64
    # would take other kernels, and a near-tie could flip)
    assert abs(100 * hits / len(test) - summary["final_top1"]) < 1e-6
    text = (tmp_path / "out.ipynb").read_text()
    assert f"run folder: {out}" in text                              # the output notebook says where the run went
    assert "TqdmWarning" not in text and text.count("epoch 1/2") <= 1  # no progress-bar redraws saved in it

@pytest.mark.parametrize("params, expect", [
    (dict(dataset="cub200", data_root="/nonexistent"), "CUB_200_2011/images.txt"),
    (dict(dataset="cifar1000"), "cifar100"),
    (dict(method="magicmix"), "cutmix"),
    (dict(backbone="resnet9000"), "narrow_resnet10"),
    (dict(epochs=0), "epochs must be > 0"),
    (dict(batch_size=-1), "batch_size must be > 0"),
    (dict(lr=0), "lr must be > 0"),
    (dict(epochs="abc"), "epochs must be a number"),
    (dict(epoch=3), "unknown parameter(s) ['epoch']"),            # a typo is an error, not a papermill log line
])
def test_papermill_bad_input(tmp_path, params, expect):
    with pytest.raises(pm.PapermillExecutionError) as e: run_nb(tmp_path, **params)
    assert expect in str(e.value)
    assert len(e.value.traceback) <= 3, e.value.traceback          # the message, not a stack of frames

def test_cli_bad_input():
    r = subprocess.run([sys.executable, "-m", "automix.train", "--dataset", "cub200", "--data_root", "/nonexistent"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "CUB_200_2011/images.txt" in r.stderr and "Traceback" not in r.stderr

def test_cli_tiny_run(tmp_path):
    r = subprocess.run([sys.executable, "-m", "automix.train", "--method", "vanilla", "--epochs", "6", "--train_size", "512",
                        "--test_size", "100", "--batch_size", "32", "--out_dir", str(tmp_path / "r"), "--progress", "false"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["final_top1"] > 80     # ten classes: chance is 10% (98% here)

def test_parameters_are_trainconfig(caplog):
    "The notebook's parameters cell names every TrainConfig field with TrainConfig's default: one owner, passed through."
    shown = pm.inspect_notebook(str(NB))
    assert "Unable to parse" not in caplog.text                      # papermill reads every line (an odd quote in a comment breaks it)
    import ast, dataclasses
    from automix.config import TrainConfig
    cell = next("".join(c["source"]) for c in json.loads(NB.read_text())["cells"] if "parameters" in c["metadata"].get("tags", []))
    body = [t for t in ast.parse(cell).body if isinstance(t, ast.AnnAssign)]
    params = {t.target.id: ast.literal_eval(t.value) for t in body}
    fields = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
    assert params == fields, {k: (params.get(k, "missing"), fields.get(k, "missing")) for k in set(params) | set(fields) if params.get(k, 0j) != fields.get(k, 0j)}
    kinds = {f.name: str(f.type) for f in dataclasses.fields(TrainConfig)}
    for t in body:                                                   # the annotation is TrainConfig's type (X | None written Optional[X])
        want = kinds[t.target.id]
        assert ast.unparse(t.annotation) == (f"Optional[{want.split(' |')[0]}]" if "| None" in want else want), t.target.id
    assert set(shown) == set(fields)                                 # papermill lists exactly the parameters: no private names
    assert all(p["inferred_type_name"] != "None" and p["help"] for p in shown.values()), [k for k, p in shown.items() if not p["help"]]


NOTEBOOKS = ["byo", "calibration", "compare", "detection", "localization", "robustness", "study", "study_detection", "study_fair",
             "study_powered", "train"]

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_papermill_notebook_describes_its_parameters(name, caplog):
    "`papermill --help-notebook` shows every parameter of every notebook run by papermill with a type and a meaning."
    shown = pm.inspect_notebook(str(ROOT / "nbs" / f"{name}.ipynb"))
    assert shown and "Unable to parse" not in caplog.text
    assert not [k for k in shown if k.startswith("_")], shown.keys()
    assert all(p["inferred_type_name"] not in ("None", "") and p["help"] for p in shown.values()), {k: p for k, p in shown.items() if not p["help"]}

@pytest.mark.slow
def test_papermill_benchmark_preset(tmp_path):
    "A paper benchmark through the notebook: CIFAR-10's protocol on a fixture in the official layout."
    from automix.data import make_fixture
    make_fixture("cifar10", tmp_path / "data")
    out = tmp_path / "run"
    run_nb(tmp_path, dataset="cifar10", data_root=str(tmp_path / "data"), method="cutmix", backbone="narrow_resnet10",
           epochs=1, batch_size=10, out_dir=str(out))              # the fixture holds 20 images: the preset's batch of 100 is refused
    cfg = json.loads((out / "config.json").read_text())
    assert (cfg["batch_size"], cfg["lr"], cfg["weight_decay"], cfg["alpha"]) == (10, 0.1, 1e-4, 0.2)
    assert {"lr", "weight_decay", "alpha"} <= set(cfg["from_preset"]) and "batch_size" not in cfg["from_preset"]

from automix.config import method_names

@pytest.mark.slow
@pytest.mark.parametrize("method", [m for m in method_names() if m != "automix"])
def test_every_method_through_the_notebook(tmp_path, method):
    "Each method trains one (tiny) epoch on digits through nbs/train.ipynb."
    out = tmp_path / "run"
    run_nb(tmp_path, method=method, epochs=1, train_size=64, test_size=32, batch_size=32, out_dir=str(out))
    assert json.loads((out / "summary.json").read_text())["epochs"] == 1
    assert json.loads((out / "config.json").read_text())["method"] == method
