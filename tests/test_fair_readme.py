"The README's fair-study summary counts each label verdict for the right arm and side (tools/fair_readme.py)."
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import fair_readme  # noqa: E402

TEXT = """- `automix_official` places the label better than `cutmix`: **contradicted** — …
- `automix_official` places the label better than `mixup`: **not shown** — …
- `automix_official` places the label better than `adautomix`: **contradicted** — …
- `adautomix` places the label better than `cutmix`: **supported** — …
- `comixup`: no mixed image on the study's pairs (every output it keeps is one source, unmixed), so it is not in this family.
"""


def test_label_tally_against_hand_crafted_arms():
    assert fair_readme.label_tally(TEXT, {"cutmix", "mixup"}) == "`adautomix`: 1 supported; `automix_official`: 1 contradicted, 1 not shown"


def test_label_tally_among_mix_blocks_counts_both_sides():
    # official vs adautomix is contradicted for official, so supported for adautomix
    assert fair_readme.label_tally(TEXT, set(fair_readme.MIX_BLOCK)) == "`adautomix`: 1 supported; `automix_official`: 1 contradicted"


def test_bins_table_marks_a_missing_interval(tmp_path, monkeypatch):
    (tmp_path / "label_measure_bins.csv").write_text(
        "arm,lam_bin,count,oracle_gap,pixel_gap,mean_share,oracle_gap_lo95,oracle_gap_hi95,pixel_gap_lo95,pixel_gap_hi95\n"
        "mixup,0.0–0.1,1000,0.06,0.0,0.02,0.05,0.07,0.0,0.0\n"
        "mixup,0.1–0.2,1000,0.17,0.0,0.05,,,0.0,0.0\n"
        "cutmix,0.1–0.2,2000,0.20,0.1,0.1,0.19,0.21,0.1,0.1\n")
    monkeypatch.setattr(fair_readme, "OUT", tmp_path)
    t = fair_readme.bins_table("oracle_gap")
    assert "| mixup | 0.06 ± 0.01 | 0.17 ± n/a |" in t                   # one seed: no interval, not "± 0.00"
    assert "| cutmix | — | 0.20 ± 0.01 (n 2,000) |" in t                 # no output in the first bin; an unusual count marked
