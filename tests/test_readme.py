"""The README's code examples run as written."""
import re, subprocess, sys
import pytest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def blocks(heading: str) -> list[str]:
    "The python blocks of the README section that starts with `heading`."
    text = (ROOT / "README.md").read_text()
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)

@pytest.mark.slow      # a torchvision ResNet-18 trains an epoch of AutoMix on the CPU: two minutes
def test_own_loop_examples(tmp_path):
    code = blocks("## AutoMix in your own training loop")
    assert len(code) == 2
    outs = []
    for c in code:
        r = subprocess.run([sys.executable, "-c", c], cwd=tmp_path, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stderr[-3000:]
        outs.append(r.stdout)
    assert outs[0].startswith("tensor([")                  # the deployed model's predictions
