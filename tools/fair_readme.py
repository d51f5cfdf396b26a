"""The README's fair-study section, from the tables that `nbs/study_fair.ipynb` wrote into results/study_fair/.

    python tools/fair_readme.py            # rewrite the section between its markers in nbs/index.ipynb
    python tools/make_readme.py            # then README.md from the index notebook

Counts, tables, verdicts and the closing readings are computed from the study's files; the prose around them is fixed.
"""
import csv, json, re, sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "study_fair"
BEGIN, END = "<!-- fair-study:begin -->", "<!-- fair-study:end -->"


def read_text(f: str) -> str:
    return (OUT / f).read_text() if (OUT / f).exists() else ""


def rows_of(f: str) -> list[dict]:
    return list(csv.DictReader(open(OUT / f))) if (OUT / f).exists() else []


VERDICT = re.compile(r"`(\w+)` places the label better than `(\w+)`: \*\*([\w ]+)\*\*")   # a line of label_verdicts.md


def top1(cell: str) -> float:
    "The mean of a results.csv cell such as '88.07 ± 0.54'."
    return float(cell.split(" ")[0])


def hint() -> str:
    "Two readings computed from the tables (a hint while the seeds are few): EMA minus online per arm, and the judge's share at the λ extremes."
    gain = ", ".join(f"{r['arm']} {top1(r['ema top-1']) - top1(r['online top-1']):+.2f}" for r in rows_of("results.csv"))
    bins = rows_of("label_measure_bins.csv")
    ends = {}
    for b in bins:
        if b["lam_bin"] in ("0.0–0.1", "0.9–1.0"): ends.setdefault(b["arm"], {})[b["lam_bin"]] = float(b["mean_share"])
    f2 = lambda x: "—" if x is None else f"{x:.2f}"
    share = ", ".join(f"{a} {f2(v.get('0.0–0.1'))} → {f2(v.get('0.9–1.0'))}" for a, v in sorted(ends.items()))
    return (f"Two readings from the tables: EMA minus online top-1 per arm — {gain}. "
            f"The judge's mean share of belief in source a at λ ≈ 0.05 → λ ≈ 0.95 (a mask that follows λ moves from near 0 to "
            f"near 1; one that ignores λ stays put) — {share}.")


def seeds_line() -> str:
    "How many seeds each arm has, and how many of the family's comparisons hold (from the study's files)."
    rows, comp = rows_of("results.csv"), rows_of("comparisons.csv")
    if not rows: return "no arm has finished a run yet."
    n = sorted({int(r["seeds"]) for r in rows}); tested = [c for c in comp if c["p"] not in ("", "nan")]
    span = f"{n[0]}" if n[0] == n[-1] else f"{n[0]}–{n[-1]}"
    return (f"each arm has {span} seeds{' so far' if n[0] < 5 else ''}, and {sum(c['holds'] == 'True' for c in tested)} of the {len(tested)} "
            f"comparisons that can be tested hold after Holm's correction.")


def glyph_line() -> str:
    "How many comparisons hold at the final epoch on the seeds alone and with the glyphs' error added."
    count = lambda f: sum(r["holds"] == "True" for r in rows_of(f)) if (OUT / f).exists() else None
    seeds, glyphs = count("comparisons_final.csv"), count("comparisons_glyphs.csv")
    if seeds is None or glyphs is None: return ""
    return f"At the final epoch {seeds} comparisons hold on the seeds alone and {glyphs} with the glyphs' error added."


MIX_BLOCK = ("automix_official", "automix_preset", "samix", "adautomix")   # the arms whose mask a network learns


def bins_table(col: str) -> str:
    "One label measure per arm (rows) and λ bin (columns): mean over seeds ± the half-width of its 95% t-interval over seeds."
    rows = rows_of("label_measure_bins.csv")
    if not rows: return "(not computed yet)"
    bins = sorted({r["lam_bin"] for r in rows}); usual = Counter(r["count"] for r in rows).most_common(1)[0][0]
    seeds = max((int(r["seeds"]) for r in rows_of("results.csv")), default=0)
    cell = {(r["arm"], r["lam_bin"]): r for r in rows}
    def fmt(r):
        if r is None: return "—"
        m, lo, hi = float(r[col]), float(r[f"{col}_lo95"] or "nan"), float(r[f"{col}_hi95"] or "nan")
        ci = f"{(hi - lo) / 2:.2f}" if hi == hi and lo == lo else "n/a"
        return f"{m:.2f} ± {ci}" + ("" if r["count"] == usual else f" (n {int(r['count']):,})")
    out = ["| arm | " + " | ".join(f"λ {b}" for b in bins) + " |", "|---" * (len(bins) + 1) + "|"]
    out += ["| " + a + " | " + " | ".join(fmt(cell.get((a, b))) for b in bins) + " |" for a in sorted({r["arm"] for r in rows})]
    per = f" (the {int(usual) // seeds} pairs at the grid's λ in that bin × {seeds} seeds)" if seeds else ""
    return "\n".join(out) + (f"\n\nEach cell: mean over the seeds ± the half-width of the 95% t-interval over seeds, over {int(usual):,} "
                             f"outputs{per} unless (n) says otherwise (a mixer that sets its own λ moves outputs between bins); — where "
                             "none of that arm's outputs fell in the bin.")


def label_tally(text: str, others) -> str:
    "Per Mix Block arm, how many of its label verdicts against the arms in `others` are supported, contradicted, not shown."
    per = {}
    for x, y, v in VERDICT.findall(text):
        if y in others: per.setdefault(x, Counter())[v] += 1
        if x in others and y in MIX_BLOCK:                                       # the pair stated from the other side
            per.setdefault(y, Counter())[{"supported": "contradicted", "contradicted": "supported"}.get(v, v)] += 1
    return "; ".join(f"`{a}`: " + ", ".join(f"{c[k]} {k}" for k in ("supported", "contradicted", "not shown") if c[k])
                     for a, c in sorted(per.items()))


def findings() -> str:
    "What the tables say, claim by claim, computed from the comparison files (Holm over the stated families)."
    comp, res = rows_of("comparisons.csv"), rows_of("results.csv")
    if not comp or not res: return ""
    holds = lambda r: r["holds"] == "True"
    sel = lambda base, col: [r for r in comp if r["baseline"] == base and r["column"] == col]
    up = lambda base, col: [r["arm"] for r in sel(base, col) if holds(r) and float(r["diff"]) > 0]
    down = lambda base, col: [r["arm"] for r in sel(base, col) if holds(r) and float(r["diff"]) < 0]
    names = lambda xs: ", ".join(f"`{x}`" for x in xs) or "none"
    r0 = {r["arm"]: r for r in res}
    van = r0.get("vanilla")
    mixers = [a for a in r0 if a != "vanilla"]
    gain = {a: top1(r0[a]["ema top-1"]) - top1(r0[a]["online top-1"]) for a in r0}
    below = [a for a in mixers if van and top1(r0[a]["online top-1"]) < top1(van["online top-1"])]
    am = {r["column"]: r for r in sel("vanilla", "online") + sel("vanilla", "ema") if r["arm"] == "automix_official"}
    iv = lambda r: f"{float(r['diff']):+.2f} [{float(r['lo_simult']):+.2f}, {float(r['hi_simult']):+.2f}], Holm p {float(r['p_holm']):.3f}"
    word = lambda r: ("holds" if float(r["diff"]) > 0 else "holds the other way") if holds(r) else "not shown"
    out = [f"**What the tables say** (the top-1 family of {len(comp)} comparisons in `comparisons.csv` and the label family in "
           "`label_verdicts.md`, each Holm-adjusted; the weight-average line describes, it does not test):", ""]
    if am: out.append(f"- *AutoMix (official settings) beats vanilla* — online {iv(am['online'])}: {word(am['online'])}; "
                      f"EMA {iv(am['ema'])}: {word(am['ema'])}.")
    out.append(f"- *Mixing beats vanilla* — in the EMA column (each arm's EMA against vanilla's EMA): {names(up('vanilla', 'ema'))}; "
               f"in the online column: {names(up('vanilla', 'online'))}. Worse than vanilla: EMA {names(down('vanilla', 'ema'))}, "
               f"online {names(down('vanilla', 'online'))}.")
    beaten = lambda col: [r["arm"] for r in sel("automix_official", col) if holds(r) and float(r["diff"]) < 0]   # diff: arm − AutoMix
    out.append(f"- *AutoMix (official) beats the other methods* — holds in the online column against {names(beaten('online'))}, "
               f"in the EMA column against {names(beaten('ema'))}; a method better than AutoMix (official): online "
               f"{names(up('automix_official', 'online'))}, EMA {names(up('automix_official', 'ema'))}.")
    if van: out.append(f"- *The weight average* (descriptive) — EMA minus online top-1, mean over seeds: vanilla {gain['vanilla']:+.2f}; "
                       f"the other arms {min(gain[a] for a in mixers):+.2f} to {max(gain[a] for a in mixers):+.2f}. The online network of "
                       f"{len(below)} of the {len(mixers)} other arms is below vanilla's online network on average (after correction "
                       f"only where the table's online column says so).")
    text = read_text("label_verdicts.md")
    hand = {a for x, y, _ in VERDICT.findall(text) for a in (x, y)} - set(MIX_BLOCK)
    if text.strip():
        out.append(f"- *A Mix Block places the label better than a hand-crafted mix* (judge's gap on the λ bins both cover; each Mix "
                   f"Block arm against the hand-crafted arms {names(sorted(hand))}) — {label_tally(text, hand)}. Among the Mix Block "
                   f"arms, each against the other three — {label_tally(text, set(MIX_BLOCK))}.")
        skipped = re.findall(r"- `(\w+)`: no mixed image", text)
        if skipped: out.append(f"  Not in the label family: {names(skipped)} (no mixed image on the study's pairs).")
    return "\n".join(out)


def section() -> str:
    runs = [json.loads((d / "config.json").read_text()) | json.loads((d / "arm.json").read_text())
            for d in sorted(p.parent for p in OUT.glob("*/summary.json")) if (d / "arm.json").exists()]
    arms = [r for r in runs if r["arm"] != "oracle"]
    hw, commits = sorted({r["hardware"] for r in arms}), sorted({r["commit"] for r in arms})
    read = lambda f: read_text(f).strip() if (OUT / f).exists() else "(not computed yet)"
    seeds = Counter(r["arm"] for r in arms)
    done = len(seeds) == 13 and min(seeds.values()) >= 5
    status = (f"**Complete: {len(arms)} runs, 5 seeds of each of the 13 arms**" if done else f"**Status: {len(arms)} of 65 runs finished**")
    return f"""{BEGIN}
### The fair study{"" if done else " (in progress)"}: every method with and without a weight average

The study below (issue #23) replaces the one after it as the project's test of the paper. It gives every method the same
treatment: one backbone schedule (cosine 0.1 → 0.05, the official CIFAR AutoMix floor), one weight average for every
run (an EMA on the momentum encoder's cosine schedule, 0.99 → 0.999 — for the AutoMix family that *is* their momentum
encoder; for vanilla and the mixers torch's `AveragedModel`), so each run reports an **online** and an **EMA** network;
AutoMix at the official CIFAR Mix Block settings *and* at the repository's preset; 13 arms × 5 seeds, on one hardware
class from one frozen commit. The protocol was written before the runs: `results/study_fair/PROTOCOL.md`.

{status} (hardware: {', '.join(hw)}; commit {', '.join(commits)}), plus the label
measure's judge (a vanilla run at seed 100); {seeds_line()}{"" if done else " Until every arm has its 5 seeds the table is provisional."}
Train or resume: `python tools/fair_study.py results/study_fair` (checks out the frozen commit in
`results/study_fair/COMMIT`; finished runs are skipped). Every table and figure below is rebuilt from the run folders by
`papermill nbs/study.ipynb runs/study_fair.ipynb -p out_root results/study_fair -p figures_dir figures` (which hands a
fair-study folder to `nbs/study_fair.ipynb`; the label measure needs the runs' `last.pt`, kept on the machine that
trained them, or the measures cached in the folders), and this section by
`python tools/fair_readme.py && python tools/make_readme.py`.

Median top-1 of the last 10 epochs, mean ± std over the finished seeds; Δ paired by seed within a column, with a
Bonferroni-simultaneous interval over the family (n = 1: no interval); ✓ where Holm's adjusted p < 0.05. Holm's
step-down test is more powerful than the Bonferroni intervals beside it, so a ✓ can stand next to an interval that
includes 0 (the test and the interval agree at the family's smallest p-value, not elsewhere):

{read("results.md")}

{findings()}

Claim by claim (derived by the notebook from the table, Holm-adjusted over the family):

{read("verdicts.md")}

How much can five seeds see? From the spread of the paired differences measured so far, the difference that the
family's correction detects with 80% power (notebook `study_fair`, "What can five seeds resolve?"; points of top-1):

{read("resolve.md")}

Differences of the size the paper reports (a point or two) are far below what 5 seeds resolve here: "not shown" means
that, not that the methods are equal.

Would a difference hold on other test images? The intervals above hold the 1,000 test images fixed, and those show only
339 distinct glyphs. Below, each comparison again with the test set's own sampling error added — a bootstrap over
glyphs (less the seed × image noise the seed term already holds), on the seeds' n − 1 degrees of freedom (conservative:
this check can only take away what the seeds alone show), Bonferroni-simultaneous intervals, ✓ where Holm's adjusted p < 0.05 over the same family — for the **final** epoch's networks (the
only epoch whose per-image verdicts the checkpoints give). {glyph_line()} "Other test images" means new renders of
glyphs from scikit-learn's digits, whose writers the training split shares; every run trains on the same training set.

{read("glyph_intervals.md")}

The label measure (notebook `06a_agreement`): on 200 fixed held-out pairs at ten λ values, the mean gap between the
label share λ and a judge's share of belief in each source's class (a vanilla network trained once, seed 100), beside
the pixel gap `|V − λ|` that a flat blend wins by construction. Mixers that do not consult the network give the same
mixes at every seed, so their interval is a point; the Mix Block arms vary with their training. Each arm's gap here is
its mean over *its own* λ bins (`λ bins`): for mixers that follow λ the measure is easy near 0 or 1 and hard near 0.5, so an
arm whose mixes reach few bins is not comparable on this column — the tests below compare on common bins:

{read("label_measure.md")}

Does a Mix Block place the label better than a hand-crafted mix? Each Mix Block arm against every other pixel-mixing
arm on the judge's gap, on the λ bins both arms cover at every seed (each bin weighted equally; `compare_family_bins`),
leaving out bins whose every output is one unmixed source, paired by seed, Holm over this family of its own (derived by
the notebook; intervals Bonferroni-simultaneous). This is an amendment, made after reading the per-bin table and dated
in `PROTOCOL.md` with the verdicts it changed: the protocol registered each arm's mean over its own bins, which the
λ-dependence of the gap confounds; that family is still computed (`label_verdicts_own_bins.md`). Note what the official CIFAR configuration does: its Mix Block never sees λ (`lam_concat=False`
and `lam_mul=False` in openmixup's `r18_l2_a2_near_L1_01_mlr5e_2.py`); only the mask loss pulls the mask's mean toward
each draw's λ, so its mask for a given pair is the same at every λ and cannot follow the label share — the preset's λ
channel can (openmixup's ImageNet AutoMix configurations, `*_lam_cat_*`, use one, and it ships a `_lam_cat_` CIFAR
variant beside the default).

{read("label_verdicts.md")}

Per λ bin (`label_measure_bins.csv`; the figure below draws the same numbers with their bands). The judge's belief
gap |s − λ|:

{bins_table("oracle_gap")}

The pixel gap |V − λ| (0 for a flat blend by construction):

{bins_table("pixel_gap")}

![fair study curves](figures/fair_curves.png)

![label measure per λ bin](figures/fair_label_measure.png)

{hint()}
{END}"""


def main():
    p = ROOT / "nbs" / "index.ipynb"
    nb = json.loads(p.read_text())
    cell = next((c for c in nb["cells"] if BEGIN in "".join(c["source"])), None)
    if cell is None: cell = next((c for c in nb["cells"] if "### The evidence:" in "".join(c["source"])), None)
    if cell is None: sys.exit(f"neither the markers {BEGIN!r} nor the evidence heading are in {p}")
    text = "".join(cell["source"])
    new = section()
    if BEGIN in text: text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: new, text, flags=re.S)
    else:
        anchor = "### The evidence: `digits_clutter`, 200 epochs, twelve methods × 5 seeds"
        if anchor not in text: sys.exit(f"no anchor {anchor!r} in {p}")
        text = text.replace(anchor, new + "\n\n" + anchor.replace("### The evidence:", "### Superseded: the first evidence,") +
                            "\n\n*Superseded by the fair study above: this table scores the AutoMix family by its weight average and "
                            "every other method by raw weights, mixes GPU- and CPU-trained runs, and runs AutoMix at settings picked "
                            "on another dataset. It stays as what it was (`results/study200/`).*", 1)
    lines = text.split("\n"); cell["source"] = [l + "\n" for l in lines[:-1]] + [lines[-1]]
    p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
