"The downstream notebooks end to end on tiny digits runs (and a tiny CUB copy for localisation)."
import json
from pathlib import Path
import pytest
import papermill as pm
from automix.trainer import train
from automix.data import make_cub_fixture

pytestmark = pytest.mark.slow     # trains six runs and executes every downstream notebook

ROOT = Path(__file__).resolve().parents[1]

def run_nb(name, tmp, **params):
    return pm.execute_notebook(str(ROOT / "nbs" / f"{name}.ipynb"), str(tmp / f"{name}.ipynb"), parameters=params,
                               cwd=str(ROOT), progress_bar=False, kernel_name="python3")

@pytest.fixture(scope="module")
def digits_runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("runs")
    for method in ("vanilla", "mixup", "cutmix", "automix"):
        for seed in ((0, 1) if method in ("vanilla", "automix") else (0,)):
            train(method=method, seed=seed, epochs=2, train_size=128, test_size=64, batch_size=32,
                  out_dir=str(d / f"digits_{method}_s{seed}"), progress=False)
    return d

def test_compare(digits_runs, tmp_path):
    run_nb("compare", tmp_path, run_dirs=str(digits_runs / "digits_*"), out_dir=str(tmp_path / "cmp"))
    md = (tmp_path / "cmp" / "results.md").read_text()
    for m in ("vanilla", "mixup", "cutmix", "automix"): assert f"| {m} |" in md
    assert (tmp_path / "cmp" / "compare.png").exists()
    # The table's numbers are the runs' own: mean and std over seeds of each run's median10_top1, seeds counted
    import pandas as pd, statistics
    t = pd.read_csv(tmp_path / "cmp" / "results.csv").set_index("method")
    for m, seeds in (("vanilla", (0, 1)), ("automix", (0, 1)), ("mixup", (0,))):
        vals = [json.loads((digits_runs / f"digits_{m}_s{s}" / "summary.json").read_text())["median10_top1"] for s in seeds]
        assert t.loc[m, "runs"] == len(seeds) and abs(t.loc[m, "mean"] - statistics.mean(vals)) < 1e-9
        assert abs(t.loc[m, "std"] - (statistics.stdev(vals) if len(vals) > 1 else 0.0)) < 1e-9

def test_calibration(digits_runs, tmp_path):
    run_nb("calibration", tmp_path, run_dirs=str(digits_runs / "digits_*"), out_dir=str(tmp_path / "cal"))
    assert (tmp_path / "cal" / "reliability.png").exists()
    import pandas as pd
    t = pd.read_csv(tmp_path / "cal" / "calibration.csv")
    assert len(t) == 6 and set(t.method) == {"vanilla", "mixup", "cutmix", "automix"}          # one row per run
    assert t.ece_pct.between(0, 100).all() and (t.ece_pct > 0).all()                          # a trained net is never exactly calibrated
    assert t.top1.between(0, 100).all() and t.groupby("method").size().to_dict() == dict(vanilla=2, automix=2, mixup=1, cutmix=1)

def test_robustness(digits_runs, tmp_path):
    run_nb("robustness", tmp_path, run_dirs=f"{digits_runs}/digits_vanilla_s0,{digits_runs}/digits_automix_s0",
           out_dir=str(tmp_path / "rob"), severities="1,5")
    assert (tmp_path / "rob" / "robustness.png").exists()
    assert len((tmp_path / "rob" / "corruption.csv").read_text().splitlines()) == 1 + 2 * 15 * 2

def test_localization(tmp_path):
    make_cub_fixture(tmp_path / "data", n_classes=3, per_class=2, size=64)
    train(dataset="cub200", data_root=str(tmp_path / "data"), method="vanilla", backbone="narrow_resnet10", pretrained="none",
          epochs=1, batch_size=2, out_dir=str(tmp_path / "runs" / "cub200_vanilla"), progress=False)
    run_nb("localization", tmp_path, run_dirs=str(tmp_path / "runs" / "cub200_*"), data_root=str(tmp_path / "data"),
           out_dir=str(tmp_path / "loc"))
    csv = (tmp_path / "loc" / "localization.csv").read_text()
    assert "top1_loc" in csv and "max_box_acc" in csv
    assert list((tmp_path / "loc").glob("cam_*.png"))

def test_bad_checkpoint(tmp_path):
    from automix.metrics import load_run
    d = tmp_path / "bad"; d.mkdir(); (d / "last.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(RuntimeError, match="corrupt"): load_run(d)
    with pytest.raises(FileNotFoundError, match="last.pt"): load_run(tmp_path)

def test_study_notebook(tmp_path):
    """The study notebook on tiny settings: a sweep, its tables (vs vanilla and vs AutoMix, four heads, label agreement,
    downstream) and figures; then again from the same run folders without checkpoints (the cached analyses)."""
    out = tmp_path / "study"
    kw = dict(seeds="0-1", out_root=str(out), epochs=2, train_size=64, test_size=64, keep_epochs="1,2", label_batches=1,
              downstream_images=32)
    run_nb("study", tmp_path, methods="vanilla,automix,mixup,cutmix", train_missing=True, **kw)
    md = (out / "results.md").read_text()
    assert "| vanilla |" in md and "| mixup |" in md and "Δ vs AutoMix" in md
    labels = (out / "label_agreement.md").read_text()
    assert "| mixup | last |" in labels and "| automix | epoch1 |" in labels and "| automix | epoch2 |" in labels
    assert "ECE (%)" in (out / "downstream.md").read_text() and "| automix |" in (out / "heads.md").read_text()
    for f in ("study_curves.png", "label_agreement_mixes.png", "study_reliability.png"): assert (out / f).exists(), f
    import shutil
    (am0,) = out.glob("*automix_s0_*")                              # a rerun of AutoMix seed 0 kept elsewhere
    shutil.copytree(am0, tmp_path / "ck" / am0.name, ignore=shutil.ignore_patterns("epoch*.pt"))
    for ck in out.glob("*/*.pt"): ck.unlink()                       # results travel without checkpoints
    (out / "label_agreement.md").unlink(); (out / "downstream.md").unlink(); (out / "label_agreement_mixes.png").unlink()
    nb = run_nb("study", tmp_path, methods="vanilla,automix,mixup,cutmix", **kw)
    assert (out / "label_agreement.md").read_text() == labels and (out / "downstream.md").exists()
    # the Mix Block's weights are gone: the figure is not drawn with fewer rows, and the notebook says how to redraw it
    assert not (out / "label_agreement_mixes.png").exists()
    said = "".join(o.get("text", "") for c in nb["cells"] for o in c.get("outputs", []))
    assert f"automix-train --config {am0}/config.json --out_dir runs/checkpoints/{am0.name}" in said, said[-2000:]
    run_nb("study", tmp_path, methods="vanilla,automix,mixup,cutmix", checkpoints_dir=str(tmp_path / "ck"), **kw)
    assert (out / "label_agreement_mixes.png").exists()             # drawn from the rerun's weights (final_weights: 09c)

def test_byo_notebook(tmp_path):
    "Bring your own: AutoMix with a timm backbone on a generated image folder, end to end."
    run_nb("byo", tmp_path, out_dir=str(tmp_path / "byo"), epochs=1, batch_size=4)
    run = tmp_path / "byo" / "run"
    assert (run / "mixed_samples.png").exists()
    assert json.loads((run / "config.json").read_text())["backbone"] == "timm:resnet18"
