"""The detection study's report (nbs/study_detection.ipynb) on made-up run folders: its table, its reading and its README."""
import json
from pathlib import Path
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]


def fake_runs(root: Path, maps: dict):
    "Run folders as tools/detection_study.py leaves them: ARM_sSEED with arm.json and summary.json."
    for arm, per_seed in maps.items():
        for seed, m in enumerate(per_seed):
            d = root / f"{arm}_s{seed}"
            d.mkdir(parents=True)
            (d / "arm.json").write_text(json.dumps(dict(arm=arm, seed=seed)))
            (d / "summary.json").write_text(json.dumps(dict(map=m, map_50=m + 0.2, hardware="cpu (1 threads; X)",
                                                            commit="abc123", epochs=6)))


def report(tmp_path, root):
    pm.execute_notebook(str(ROOT / "nbs" / "study_detection.ipynb"), str(tmp_path / "out.ipynb"), cwd=str(ROOT),
                        parameters=dict(out_root=str(root)), progress_bar=False, kernel_name="python3")
    return (root / "README.md").read_text(), (root / "results.md").read_text()


def test_report_reads_the_family(tmp_path):
    root = tmp_path / "det"
    # mixup about 10 points above vanilla, vanilla about 5 above random, on every seed: all of it holds
    fake_runs(root, dict(random=[0.10, 0.12, 0.11, 0.13], vanilla=[0.15, 0.172, 0.158, 0.180],
                         mixup=[0.251, 0.269, 0.262, 0.278]))
    readme, table = report(tmp_path, root)
    assert readme.startswith("# Detection transfer: `digits_clutter_det`")
    assert f"-p out_root {root}" in readme and table.strip() in readme
    assert "| vanilla | 4 | 16.50 | " in table                    # the mean box AP in %, four seeds
    assert "Against `random`, 4 of 4 comparisons hold" in readme
    assert "`mixup` above vanilla in box AP (+10.0" in readme
    assert "EPOCHS" not in readme and "6 epochs" in readme      # the protocol's placeholder filled from the launcher


def test_report_below_two_seeds(tmp_path):
    root = tmp_path / "det"
    fake_runs(root, dict(random=[0.10], vanilla=[0.15]))
    readme, _ = report(tmp_path, root)
    assert "Fewer than two seeds per arm: nothing is tested yet." in readme


def test_report_without_runs(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(pm.PapermillExecutionError, match="no finished detection runs"):
        report(tmp_path, tmp_path / "empty")
