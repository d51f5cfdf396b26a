"""The core install (no extras) trains AutoMix and Mixup; a baseline that needs an extra names it in one line."""
import subprocess, sys
import pytest

pytestmark = pytest.mark.slow     # a fresh interpreter trains four methods

CODE = """
import sys
for m in ("cv2", "gco", "timm"): sys.modules[m] = None        # as in an install without the extras
from automix.trainer import train
kw = dict(dataset="digits", epochs=1, train_size=64, test_size=32, batch_size=32, progress=False)
for method in ("automix", "mixup"):
    s = train(method=method, out_dir=sys.argv[1] + "/" + method, **kw)
    print(method, s["final_top1"])
for method in ("puzzlemix", "saliencymix"):
    try: train(method=method, out_dir=sys.argv[1] + "/" + method, **kw)
    except ImportError as e: print("hint:", e)
"""

def test_core_install_trains(tmp_path):
    r = subprocess.run([sys.executable, "-c", CODE, str(tmp_path)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.splitlines()
    assert any(l.startswith("automix ") for l in lines) and any(l.startswith("mixup ") for l in lines), r.stdout
    assert "hint: the graph cut of PuzzleMix and Co-Mixup needs the 'gco' module, which the core install leaves out: pip install 'automix[graphcut]'" in lines
    assert any(l.startswith("hint: SaliencyMix needs") and "automix[saliency]" in l for l in lines), r.stdout
