"""tools/main_run.py: the README's main-job table and its twins (the same run on other float paths)."""
import json, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import main_run  # noqa: E402


def test_machine_names_the_cpu_and_threads():
    assert main_run.machine("cpu (1 threads; Intel(R) Xeon(R) Processor)") == "an Intel Xeon on one CPU thread"
    assert main_run.machine("cpu (2 threads; AMD EPYC, family 23 model 49 stepping 0; AVX2 kernels; torch 2.14.1)") == \
        "an AMD EPYC on two CPU threads"
    assert main_run.machine("NVIDIA H200 (sm_90; CUDA 13.0; torch 2.14.1)") == "NVIDIA H200 (sm_90; CUDA 13.0; torch 2.14.1)"


def test_twins_are_kept_one_per_float_path(tmp_path, monkeypatch):
    rec = tmp_path / "rec"
    rec.mkdir()
    cfg = dict(dataset="digits", method="automix", seed=0, commit="abc", hardware="cpu (2 threads; A)", out_dir="x")
    (rec / "config.json").write_text(json.dumps(cfg))
    (rec / "twin.json").write_text(json.dumps(dict(hardware="cpu (1 threads; A)", summary=dict(x=1))))   # the older one-twin form
    monkeypatch.setattr(main_run, "OUT", rec)
    assert [t["hardware"] for t in main_run.twins_of()] == ["cpu (1 threads; A)"]
    def twin(name, **kw):
        d = tmp_path / name
        d.mkdir()
        (d / "config.json").write_text(json.dumps({**cfg, "out_dir": name, **kw}))
        (d / "summary.json").write_text(json.dumps(dict(x=2)))
        return d
    main_run.keep(None, [twin("b", hardware="cpu (2 threads; B)")])
    main_run.keep(None, [twin("c", hardware="cpu (2 threads; B)", float_path=dict(cpu="B"))])   # the same path again: replaced
    assert [t["hardware"] for t in main_run.twins_of()] == ["cpu (1 threads; A)", "cpu (2 threads; B)"]
    with pytest.raises(SystemExit, match=r"differs in \['commit'\]"): main_run.keep(None, [twin("d", commit="other")])
