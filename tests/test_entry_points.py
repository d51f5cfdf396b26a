"""What the quick start's install (`pip install -e ".[dev]"`) must put on the PATH: the package's commands, the test
runner under both its names (nbdev 3's `nbdev-test` and the design's `nbdev_test`), and `jupyter lab` to read the notebooks."""
import subprocess
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)

@pytest.mark.parametrize("cmd", ["automix-train", "automix-sweep"])
def test_package_commands(cmd):
    r = run(cmd, "--help")
    assert r.returncode == 0 and "--" in r.stdout, r.stderr

def test_nbdev_test_alias_is_nbdevs_runner():
    a, b = run("nbdev_test", "--help"), run("nbdev-test", "--help")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert "--flags" in a.stdout and a.stdout.split("\n", 1)[1] == b.stdout.split("\n", 1)[1]    # same options; only the usage line's name differs
    r = run("nbdev_test", "nbs/04a_config.ipynb")                # runs a notebook's tests as nbdev-test does
    assert r.returncode == 0 and "Success" in r.stdout + r.stderr, r.stdout + r.stderr

def test_jupyter_lab_installed():
    r = run("jupyter", "lab", "--version")
    assert r.returncode == 0 and r.stdout.strip()[0].isdigit(), r.stderr
