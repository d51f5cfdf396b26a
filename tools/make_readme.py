"""Write README.md from nbs/index.ipynb (nbdev-readme needs Quarto, which this project does not require).

python tools/make_readme.py          # write README.md
python tools/make_readme.py --check  # exit 1 if README.md is not what index.ipynb gives
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def render() -> str:
    nb = json.loads((ROOT / "nbs" / "index.ipynb").read_text())
    parts = []
    for c in nb["cells"]:
        src = "".join(c["source"]).strip()
        if not src or src.startswith("#| hide"): continue
        parts.append(src if c["cell_type"] == "markdown" else f"```python\n{src}\n```")
    return "\n\n".join(parts) + "\n"

if __name__ == "__main__":
    text, readme = render(), ROOT / "README.md"
    if "--check" in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            sys.exit("README.md is out of step with nbs/index.ipynb: run python tools/make_readme.py")
    else: readme.write_text(text)
