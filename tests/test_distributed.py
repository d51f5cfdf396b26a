"""Multi-process training on the CPU (gloo): agreement with one process, identical momentum encoders, a killed worker
restarted by torchrun, and a kill during a checkpoint write. Kept small enough for CI on 2 cores."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pandas as pd
import pytest
import torch

pytestmark = pytest.mark.slow     # several processes

ROOT = Path(__file__).resolve().parents[1]
COMMON = ["--dataset", "digits", "--batch_size", "64", "--progress", "false"]

def env():
    e = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"): e.pop(k, None)
    return e

def single(out, *args):
    subprocess.run([sys.executable, "-m", "automix.train", "--out_dir", str(out), *COMMON, *args], cwd=ROOT, env=env(),
                   check=True, capture_output=True, timeout=600)

def torchrun(out, *args, nproc=2, max_restarts=0):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}",
           f"--max-restarts={max_restarts}", "-m", "automix.train", "--out_dir", str(out), *COMMON, *args]
    return subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

@pytest.mark.parametrize("method", ["vanilla", "automix"])
def test_two_processes_match_one(tmp_path, method):
    args = ["--method", method, "--epochs", "5", "--dump_rank_state", "true"]
    single(tmp_path / "one", *args)
    p = torchrun(tmp_path / "two", *args); log = p.communicate(timeout=600)[0]
    assert p.returncode == 0, log[-3000:]
    one = json.loads((tmp_path / "one" / "summary.json").read_text()); two = json.loads((tmp_path / "two" / "summary.json").read_text())
    # Same global batch, different random streams. Compared: the trained (online) network. After 110 steps AutoMix's
    # momentum encoder (its reported head) still carries much of its random start and swings with any change of stream
    # (the golden test measured 32 points at epoch 2 from rounding alone; here one vs two processes: 77.5 vs 86.4).
    # The online networks differ as two seeds do: over seeds 0–5 of these settings in one process, their final top-1
    # spans 1.4 (vanilla) and 2.2 points (AutoMix) on an AMD EPYC (`python tools/float_spread.py --streams`, kept in
    # results/float_paths/streams.json); 5 points is 2.2× the wider span.
    assert abs(one["final_top1_online"] - two["final_top1_online"]) <= 5.0, (one, two)
    assert min(one["final_top1_online"], two["final_top1_online"]) > 80, (one, two)      # both trained (chance: 10%)
    r0, r1 = (torch.load(tmp_path / "two" / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    net = "encoder_k." if method == "automix" else "model."
    keys = [k for k in r0 if k.startswith(net)]
    assert keys and all(torch.equal(r0[k], r1[k]) for k in keys)               # bit-identical on both ranks

def test_killed_worker_is_restarted_and_the_run_matches(tmp_path):
    args = ["--method", "mixup", "--epochs", "4"]
    ref = torchrun(tmp_path / "ref", *args); assert ref.wait(timeout=600) == 0
    p = torchrun(tmp_path / "killed", *args, max_restarts=1)
    metrics = tmp_path / "killed" / "metrics.csv"
    t0 = time.time()
    while not (metrics.exists() and len(pd.read_csv(metrics)) >= 1):
        assert time.time() - t0 < 300 and p.poll() is None, "run ended before epoch 1 finished"
        time.sleep(0.2)
    time.sleep(0.5)                                                              # now inside epoch 2
    workers = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "no worker processes found"
    os.kill(int(workers[-1]), signal.SIGKILL)
    log = p.communicate(timeout=600)[0]
    assert p.returncode == 0, log[-3000:]
    a = pd.read_csv(tmp_path / "ref" / "metrics.csv").drop(columns="epoch_time_s")
    b = pd.read_csv(metrics).drop(columns="epoch_time_s")
    assert len(b) == 4 and a.values.tolist() == b.values.tolist()

def test_kill_during_checkpoint_write_keeps_the_previous_one(tmp_path):
    path = tmp_path / "last.pt"
    code = f"""
import torch, os
from automix.runs import save_checkpoint
save_checkpoint({str(path)!r}, dict(epoch=1, w=torch.ones(3)))
print("first", flush=True)
save_checkpoint({str(path)!r}, dict(epoch=2, w=torch.zeros(400_000_000)))
"""
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env(), stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "first"
    time.sleep(0.3); p.kill(); p.wait()
    from automix.runs import load_checkpoint
    ck = load_checkpoint(path)
    assert ck["epoch"] == 1 and torch.equal(ck["w"], torch.ones(3))
