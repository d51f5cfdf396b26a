"""The study's device driver end to end on tiny settings (CPU): queue, per-run analyses, packing."""
import json, os, subprocess, sys, tarfile
import pytest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def study(out, methods, *extra, **env):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "device_study.py"), str(out), "--deadline", "400", "--margin", "0",
                           "--workers", "2", "--smoke", "--seeds", "0", "--methods", methods, *extra],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=600)

def test_device_study_unknown_method(tmp_path):
    r = study(tmp_path / "s", "vanilla,nomix")
    assert r.returncode != 0 and "unknown method(s) nomix; choose from:" in r.stderr and "automix" in r.stderr
    r = study(tmp_path / "s", "vanilla", "--set", "nofield=1")
    assert r.returncode != 0 and "bad --set" in r.stderr and "nofield" in r.stderr

@pytest.mark.slow
def test_device_study_smoke(tmp_path):
    r = study(tmp_path / "s", "vanilla,automix", "--set", "lam_margin=0.1", AUTOMIX_COMMIT="cafe1234")
    assert r.returncode == 0, r.stdout + r.stderr
    runs = sorted((tmp_path / "s").glob("digits_clutter_*"))
    assert [d.name.split("_")[2] for d in runs] == ["automix", "vanilla"]
    for d in runs:
        assert (d / "summary.json").is_file() and (d / "downstream.json").is_file() and not (d / "FAILED").exists()
        cfg = json.loads((d / "config.json").read_text())
        assert cfg["commit"] == "cafe1234" and cfg["hardware"].startswith("cpu") and cfg["lam_margin"] == 0.1
    assert [r["checkpoint"] for r in json.loads((runs[0] / "label_agreement.json").read_text())] == ["epoch1", "epoch2"]
    back = tmp_path / "s" / "back"
    names = tarfile.open(back / "runs.tar.gz").getnames()
    assert any(n.endswith("/metrics.csv") for n in names) and not any(n.endswith(".pt") for n in names)
    assert sorted(Path(n).name for n in tarfile.open(back / "ckpt_automix.tar").getnames()) == ["epoch1.pt", "epoch2.pt"]

def test_ablation_table(tmp_path):
    "The ablation table lists each setting's runs beside the study's runs of the same seeds, and no other seeds."
    def run(root, seed, top1, lr=0.01):
        d = tmp_path / root / f"digits_clutter_automix_s{seed}_abc"; d.mkdir(parents=True)
        (d / "config.json").write_text(json.dumps(dict(seed=seed, mixblock_lr=lr, momentum_start=0.99, momentum_end=0.999, hardware="cpu")))
        (d / "summary.json").write_text(json.dumps(dict(median10_top1=top1, median10_top1_mix_k=top1 - 1, median10_top1_one_q=top1 - 2)))
    run("study", 0, 87.5); run("study", 1, 89.7); run("study", 2, 88.0); run("ablate/lr", 0, 86.45, lr=0.1)
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "ablation_table.py"), str(tmp_path / "study"), str(tmp_path / "ablate")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = [l for l in r.stdout.splitlines() if l.startswith("| ") and "setting" not in l]
    assert rows == ["| lr | 0.1 | 0.99 → 0.999 | 0 | 86.45 | 85.45 | 84.45 | cpu |",
                    "| study preset | 0.01 | 0.99 → 0.999 | 0 | 87.50 | 86.50 | 85.50 | cpu |"]

@pytest.mark.slow
def test_gpu_fast_script_smoke(tmp_path):
    "The prepared GPU script runs end to end on the CPU at tiny sizes and writes what benchmarks/README.md needs."
    out = tmp_path / "gf.json"
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu_fast.py"), "--smoke", "--device", "cpu", "--out", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(out.read_text())
    assert res["epoch"]["epoch_wall_s"] > 0 and res["epoch"]["automix_800_epochs_h"] > 0
    assert {s["method"] for s in res["steps"]} == {"vanilla", "automix"} and all(s["ms_per_step"] > 0 for s in res["steps"])


def test_step_memory_script_smoke(tmp_path):
    "The memory benchmark runs each method in its own process and writes rows with memory and time beside Mixup's."
    out = tmp_path / "mem.json"
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "step_memory.py"), "--backbone", "narrow_resnet10", "--batch", "8",
                        "--iters", "1", "--threads", "1", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(out.read_text())
    assert [row["method"] for row in res["rows"]] == ["vanilla", "mixup", "automix"] and "1 threads" in res["hardware"]
    assert all(row["step_memory_mib"] > 0 and row["step_s"] > 0 for row in res["rows"])
    assert next(row for row in res["rows"] if row["method"] == "mixup")["memory_x_mixup"] == 1.0
