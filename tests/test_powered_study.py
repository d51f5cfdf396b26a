"""The powered study's launcher (tools/powered_study.py) and its report (nbs/study_powered.ipynb), at tiny settings."""
import json, re, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import powered_study  # noqa: E402


def test_queue_and_settings():
    q = powered_study.queue(list(powered_study.ARMS), [5, 6])
    assert [s for _, s in q] == [5] * 5 + [6] * 5                       # block by block
    assert q[0] == ("automix_official", 5) and q[5] == ("automix_official", 6)   # the longest run of a block first
    for arm in ("vanilla_paper", "mixup_paper"):                       # the official baseline protocol
        s = powered_study.settings(arm, 5)
        assert (s["min_lr"], s["ema"]) == (0.0, False)
    s = powered_study.settings("automix_official", 7)
    assert (s["min_lr"], s["ema"], s["lam_concat"], s["mixblock_lr"], s["seed"]) == (0.05, True, False, 0.1, 7)
    assert all(powered_study.settings(a, 0)["eval_every"] == 200 for a in powered_study.ARMS)   # tested in the last 10 only
    with pytest.raises(SystemExit, match="choose from: vanilla, mixup, automix_official"): powered_study.settings("cutmix", 0)


def test_a_block_keeps_its_class(tmp_path):
    "A block belongs to the class of its first run: a second class in one block is refused, and a worker elsewhere skips it."
    from automix.config import resolve_config
    from automix.sweep import run_folder
    arms = list(powered_study.ARMS)
    assert powered_study.block_class(tmp_path, 5, arms, smoke=True) is None
    folder = lambda arm: run_folder(tmp_path, resolve_config(**powered_study.settings(arm, 5, smoke=True)))
    for arm, hw in (("vanilla", "cpu (1 threads; A)"), ("mixup", "cpu (1 threads; A)")):
        folder(arm).mkdir(parents=True)
        (folder(arm) / "config.json").write_text(json.dumps(dict(hardware=hw)))
    assert powered_study.block_class(tmp_path, 5, arms, smoke=True) == "cpu (1 threads; A)"
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "powered_study.py"), str(tmp_path), "--worker", "1", "--smoke",
                        "--seeds", "5"], capture_output=True, text=True, timeout=300)
    assert "its block runs on cpu (1 threads; A)" in r.stdout and "skipped" in r.stdout, r.stdout + r.stderr
    assert not folder("automix_official").exists()                      # nothing started for that block here
    folder("mixup_paper").mkdir(parents=True)
    (folder("mixup_paper") / "config.json").write_text(json.dumps(dict(hardware="cpu (2 threads; B)")))
    with pytest.raises(SystemExit, match="two float-path classes"): powered_study.block_class(tmp_path, 5, arms, smoke=True)


def test_bad_input_is_refused_before_anything_starts(tmp_path):
    for args, said in ((["--arms", "vanilla,nomix"], "unknown arm 'nomix'"), (["--seeds", "9-5"], "runs backwards"),
                       (["--workers", "0"], "at least 1")):
        r = subprocess.run([sys.executable, str(ROOT / "tools" / "powered_study.py"), str(tmp_path / "s")] + args,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode != 0 and said in r.stderr, (args, r.stderr)
        assert not (tmp_path / "s").exists()


def report(out_root: Path, out: Path, blocks: int):
    import papermill as pm
    pm.execute_notebook(str(ROOT / "nbs" / "study_powered.ipynb"), str(out), parameters=dict(out_root=str(out_root), blocks_registered=blocks),
                        progress_bar=False, cwd=str(ROOT))


def test_the_report_keeps_the_registered_number(tmp_path):
    "A parameter cannot turn an early look into verdicts: the folder's PROTOCOL.md fixes the number of blocks."
    import papermill as pm
    (tmp_path / "PROTOCOL.md").write_text((ROOT / "results" / "study_powered" / "PROTOCOL.md").read_text())
    with pytest.raises(pm.PapermillExecutionError, match="registers 31 blocks from seed 5"):
        report(tmp_path, tmp_path / "x.ipynb", 20)


@pytest.mark.slow
def test_smoke_study_and_its_report(tmp_path):
    "Two tiny blocks through the launcher's worker, then the report: its tables, rebuilt byte for byte; fewer blocks than registered: interim."
    out = tmp_path / "s"
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "powered_study.py"), str(out), "--worker", "1", "--smoke", "--seeds", "0-1"],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert sorted(json.loads(p.read_text())["arm"] for p in out.glob("*/arm.json")) == sorted(list(powered_study.ARMS) * 2)
    report(out, tmp_path / "a.ipynb", 2)
    files = {f: (out / f).read_bytes() for f in ("comparisons.csv", "pairs.csv", "agreement.csv", "flatness.csv", "best_head.csv",
                                                 "README.md")}
    import pandas as pd
    t = pd.read_csv(out / "comparisons.csv")
    assert len(t) == 8 and t.comparison.str.startswith("C").sum() == 6
    assert {"mean", "lo", "hi", "p_t", "p_signflip", "p_holm", "verdict"} <= set(t.columns)
    assert t.verdict.iloc[:6].isin(["better", "worse", "equal within 1.5", "not shown"]).all()
    assert "protocol's share" in t.comparison.iloc[6] and (t.n == 2).all()
    assert (abs(t.level.iloc[:6] - (1 - 0.05 / 6)) < 1e-6).all() and (t.level.iloc[6:] == 0.95).all() and t.within_margin.iloc[:6].notna().all()
    a = pd.read_csv(out / "agreement.csv")                               # every block counted once per comparison
    assert len(a) == 6 and (a.first_higher + a.tied + a.first_lower == a.n).all() and (a.n == 2).all()
    text = (out / "README.md").read_text()
    assert "## In short" in text and len(re.findall(r"^- \*\*C\d\*\* ", text, re.M)) == 6 and "protocol accounts for" in text
    assert "What these answers rest on" in text and "**Scope.**" in text and "possible decompositions" in text
    assert "No run records `hardware_history`" not in (out / "README.md").read_text()     # this commit's trainer keeps it
    report(out, tmp_path / "b.ipynb", 2)                                 # the rebuild: the same bytes
    assert all((out / f).read_bytes() == b for f, b in files.items())
    report(out, tmp_path / "c.ipynb", 3)                                 # an interim look: the count of blocks, nothing else
    text = (out / "README.md").read_text()
    assert "interim, 2 of 3 blocks" in text and "p-values" in text and not re.search(r"\[[-+]\d", text)   # no interval
    assert not any((out / f).exists() for f in ("comparisons.csv", "pairs.csv", "agreement.csv", "flatness.csv", "best_head.csv",
                                                "forest.png"))
    run = next(d for d in out.glob("*_s1_*") if json.loads((d / "arm.json").read_text())["arm"] == "mixup")   # a run resumed
    # on another class leaves its block
    cfg = json.loads((run / "config.json").read_text())
    (run / "config.json").write_text(json.dumps({**cfg, "hardware_history": [cfg["hardware"], "cpu (2 threads; elsewhere)"]}))
    report(out, tmp_path / "d.ipynb", 2)
    assert "interim, 1 of 2 blocks" in (out / "README.md").read_text() and "a run resumed on another class (mixup)" in (tmp_path / "d.ipynb").read_text()
