"The fair study (issue #23) end to end on tiny settings: its driver's queue and arms, then its notebook's tables and refusals."
import csv, json, shutil, subprocess, sys
from pathlib import Path
import pytest
import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import fair_study  # noqa: E402


def test_queue_and_settings():
    q = fair_study.queue(["vanilla", "puzzlemix", "mixup"], [0, 1])
    assert q[0] == ("oracle", fair_study.ORACLE_SEED)                       # the judge first
    assert q[1:] == [("vanilla", 0), ("mixup", 0), ("vanilla", 1), ("mixup", 1), ("puzzlemix", 0), ("puzzlemix", 1)]
    s = fair_study.settings("automix_official", 3)
    assert (s["method"], s["seed"], s["lam_concat"], s["mixblock_lr"], s["min_lr"], s["ema"]) == ("automix", 3, False, 0.1, 0.05, True)
    assert fair_study.settings("oracle", 100)["method"] == "vanilla"
    with pytest.raises(SystemExit, match="choose from: vanilla, automix_official"): fair_study.settings("nomix", 0)


def test_unknown_arm_cli(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "fair_study.py"), str(tmp_path / "s"), "--arms", "vanilla,nomix"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "unknown arm 'nomix'" in r.stderr and not (tmp_path / "s").exists()


@pytest.mark.parametrize("args, message", [
    (["--seeds", "x"], "--seeds: seeds must look like 0-4"), (["--seeds", "0-"], "--seeds: seeds must look like 0-4"),
    (["--seeds", "0-1000000"], "are taken"), (["--seeds", "4-0"], "runs backwards; write 0-4"),
    (["--seeds", "99-100"], "seed 100 is the label measure's judge"), (["--workers", "0"], "--workers must be at least 1"),
    (["--arms", "oracle,vanilla"], "the judge (oracle) is queued by itself")])
def test_bad_launch_stops_before_anything(tmp_path, args, message):
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "fair_study.py"), str(tmp_path / "s"), "--smoke"] + args,
                       capture_output=True, text=True)
    assert r.returncode != 0 and message in r.stderr, r.stderr
    assert not (tmp_path / "s").exists()                                       # no frozen code, no COMMIT, no worker


@pytest.fixture(scope="module")
def smoke_study(tmp_path_factory):
    out = tmp_path_factory.mktemp("fair")
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "fair_study.py"), str(out), "--worker", "1", "--smoke", "--seeds", "0-1",
                        "--arms", "vanilla,automix_official,mixup"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def run_fair(out, tmp_path):
    return pm.execute_notebook(str(ROOT / "nbs" / "study_fair.ipynb"), str(tmp_path / "fair.ipynb"), cwd=str(ROOT), progress_bar=False,
                               kernel_name="python3", parameters=dict(out_root=str(out), pairs=10))


@pytest.mark.slow
def test_fair_notebook(smoke_study, tmp_path):
    runs = [json.loads((d / "arm.json").read_text())["arm"] for d in smoke_study.glob("*_s*_*") if (d / "arm.json").exists()]
    assert sorted(runs) == sorted(["oracle"] + ["vanilla", "automix_official", "mixup"] * 2)
    for d in smoke_study.glob("*/summary.json"):
        s = json.loads(d.read_text()); assert "median10_top1_online" in s and "median10_top1_ema" in s, d
    run_fair(smoke_study, tmp_path)
    rows = list(csv.DictReader(open(smoke_study / "comparisons.csv")))
    assert len(rows) == 6                                                     # (2 + 1) pairs of arms, each once, × 2 columns
    assert {r["column"] for r in rows} == {"online", "ema"} and all(r["pairs"] == "2" for r in rows)
    res = (smoke_study / "results.md").read_text()
    for arm in ("vanilla", "automix_official", "mixup"): assert f"| {arm} |" in res
    assert "| oracle |" not in res                                             # the judge is not an arm
    lab = (smoke_study / "label_measure.md").read_text()
    assert "| mixup |" in lab and "| automix_official |" in lab and "| vanilla |" not in lab
    assert "beats vanilla" in (smoke_study / "verdicts.md").read_text()
    for f in ("fair_curves.png", "fair_label_measure.png", "flattened.md"): assert (smoke_study / f).exists(), f
    glyphs = list(csv.DictReader(open(smoke_study / "comparisons_glyphs.csv")))   # the same family, the test set's error added
    assert [(r["arm"], r["baseline"], r["column"]) for r in glyphs] == [(r["arm"], r["baseline"], r["column"]) for r in rows]
    assert all(float(r["se_glyph"]) >= 0 for r in glyphs)                      # finite (tiny runs may agree on every image: 0)
    assert "| automix_official |" in (smoke_study / "glyph_intervals.md").read_text()
    assert "with the glyphs' error added" in (smoke_study / "verdicts.md").read_text()
    lv = (smoke_study / "label_verdicts.md").read_text()                       # the label claim: a Mix Block arm against a mixer
    assert "`automix_official` places the label better than `mixup`" in lv
    assert len(list(csv.DictReader(open(smoke_study / "label_comparisons.csv")))) == 1
    assert "on each arm's own bins" in (smoke_study / "label_verdicts_own_bins.md").read_text()   # the registered family, kept
    report = (smoke_study / "README.md").read_text()                            # the report, written by the notebook
    assert report.startswith("# The fair study (in progress)") and (smoke_study / "results.md").read_text().strip() in report
    assert "**What the tables say**" in report and "AutoMix (official settings) beats vanilla" in report
    assert (smoke_study / "verdicts.md").read_text().strip() in report and "| arm | λ 0.0–0.1 |" in report


@pytest.mark.slow
def test_fair_notebook_refuses_two_hardware_classes(smoke_study, tmp_path):
    d = next(p.parent for p in smoke_study.glob("*_mixup_s1_*/config.json"))
    cfg = json.loads((d / "config.json").read_text()); keep = dict(cfg)
    cfg["hardware"] = "NVIDIA H200"; (d / "config.json").write_text(json.dumps(cfg))
    try:
        with pytest.raises(pm.PapermillExecutionError, match="runs of 2 hardware values in one table"): run_fair(smoke_study, tmp_path)
    finally: (d / "config.json").write_text(json.dumps(keep))


@pytest.mark.slow
def test_study_notebook_hands_over_to_the_fair_one(smoke_study, tmp_path):
    "The 200-epoch study's notebook, given a fair-study folder, runs study_fair.ipynb on it and writes none of its own tables."
    for f in ("results.md", "verdicts.md"): (smoke_study / f).unlink(missing_ok=True)
    pm.execute_notebook(str(ROOT / "nbs" / "study.ipynb"), str(tmp_path / "s.ipynb"), cwd=str(ROOT), progress_bar=False,
                        kernel_name="python3", parameters=dict(out_root=str(smoke_study), analysis_out=str(tmp_path / "a.ipynb")))
    assert (tmp_path / "a.ipynb").is_file() and "beats vanilla" in (smoke_study / "verdicts.md").read_text()
    assert "| automix_official |" in (smoke_study / "results.md").read_text()
    shown = (tmp_path / "s.ipynb").read_text()
    assert "beats vanilla" in shown and str(tmp_path / "a.ipynb") in shown                # the tables shown, the copy named
    for f in ("late_gain.md", "heads.md", "label_agreement.md", "downstream.md", "study_curves.png"):
        assert not (smoke_study / f).exists(), f                                            # the 200-epoch study's own tables: none


@pytest.mark.slow
def test_fair_notebook_names_what_it_cannot_read(smoke_study, tmp_path):
    "An empty folder, and a run whose label measure is neither cached nor computable, stop with their names; nothing is skipped."
    (tmp_path / "empty").mkdir()
    with pytest.raises(pm.PapermillExecutionError, match="no finished run of the fair study's driver"): run_fair(tmp_path / "empty", tmp_path)
    copy = tmp_path / "copy"; shutil.copytree(smoke_study, copy, ignore=shutil.ignore_patterns("code"))
    d = next(p.parent for p in copy.glob("*_mixup_s1_*/config.json"))
    for f in list(d.glob("oracle_agreement_*.json")) + [d / "last.pt"]: f.unlink()
    with pytest.raises(pm.PapermillExecutionError, match=f"neither cached nor computable.*{d.name}"): run_fair(copy, tmp_path)
    shutil.rmtree(d)                                                            # and a cache that holds nothing is no measure either
    judge = next(p.parent for p in copy.glob("*/arm.json") if json.loads(p.read_text())["arm"] == "oracle")
    e = next(p.parent for p in copy.glob("*_mixup_s0_*/config.json"))
    (e / f"oracle_agreement_{judge.name}_10.json").write_text("[]")
    with pytest.raises(pm.PapermillExecutionError, match=f"is empty for .*{e.name}"): run_fair(copy, tmp_path)


@pytest.mark.slow
def test_study_notebook_names_a_missing_folder(tmp_path):
    "A typo in out_root is an error that names it, not an empty study (and no folder is created)."
    with pytest.raises(pm.PapermillExecutionError, match="is not a folder"):
        pm.execute_notebook(str(ROOT / "nbs" / "study.ipynb"), str(tmp_path / "s.ipynb"), cwd=str(ROOT), progress_bar=False,
                            kernel_name="python3", parameters=dict(out_root=str(tmp_path / "typo")))
    assert not (tmp_path / "typo").exists()
