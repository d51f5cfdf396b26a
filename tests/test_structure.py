"""The package's shape: every module imports a name from the module that defines it, not through another module's
re-export. One exception, on purpose: `automix.data` is where every dataset module registers itself (`import *` of
datasets, benchmarks, fine-grained, clutter), so a name that needs the whole registry (`get_spec("cifar10")`,
`DATASETS`) is imported from there — importing `automix.datasets` alone would see an empty registry."""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "automix"

def defined(module: str, pkg: Path = PKG) -> set[str]:
    "Names a module binds at top level itself: functions, classes, assignments (not names it imports)."
    tree, out = ast.parse((pkg / f"{module}.py").read_text()), set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                out |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    return out

REGISTRY = {"data": ("datasets", "benchmarks", "finegrained", "clutter")}   # the assembling module and what it assembles

def importable(module: str, pkg: Path = PKG) -> set[str]:
    return defined(module, pkg).union(*(defined(m, pkg) for m in REGISTRY.get(module, ()) if (pkg / f"{m}.py").exists()))

def imports(path: Path):
    "(module, name, line) for every `from automix.X import name` / `from .X import name`, at any depth."
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and (node.level == 1 or node.module.startswith("automix.")):
            mod = node.module.removeprefix("automix.")
            for a in node.names:
                if a.name != "*": yield mod, a.name, node.lineno

def reexports(pkg: Path = PKG) -> list[str]:
    return [f"{p.name}:{line} imports {name} from {mod}, which does not define it"
            for p in sorted(pkg.glob("*.py")) if p.name not in ("_modidx.py", "__init__.py")
            for mod, name, line in imports(p) if name not in importable(mod, pkg)]

def test_no_name_comes_through_a_reexport():
    bad = reexports()
    assert not bad, "\n".join(bad)

def test_the_check_sees_a_reexport(tmp_path):
    "The check bites: a planted module importing `f` through `b`, which only imports it from `a`, is reported; `a` → `b` is not."
    (tmp_path / "a.py").write_text("def f(): pass\n")
    (tmp_path / "b.py").write_text("from .a import f\n")
    (tmp_path / "c.py").write_text("from .b import f\nfrom .a import f as g\n")
    test = reexports(tmp_path)
    assert test == ["c.py:1 imports f from b, which does not define it"], test


def joined(source: str) -> list[int]:
    """Lines where `;` joins two statements (not inside a string or a comment). A trailing `;`, which hides a notebook
    cell's last value, joins nothing; IPython's `%magic` and `!shell` lines are skipped."""
    import io, tokenize
    lines = ["#" if l.lstrip().startswith(("%", "!")) else l for l in source.split("\n")]
    toks = list(tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline))
    ends = (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER)
    return [a.start[0] for a, b in zip(toks, toks[1:]) if a.type == tokenize.OP and a.string == ";" and b.type not in ends]


def semicolons(path: Path) -> list[int]:
    "Lines of a module where `;` joins statements."
    return joined(path.read_text())


def notebook_semicolons(path: Path) -> dict[str, list[int]]:
    "Per code cell (by id) of a notebook, the lines where `;` joins statements."
    import json
    cells = json.loads(path.read_text())["cells"]
    found = {c.get("id", str(i)): joined("".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "code"}
    return {k: v for k, v in found.items() if v}


def test_one_statement_per_line():
    "STYLE: one statement per line, in the package and in every notebook's cells."
    found = {p.name: semicolons(p) for p in sorted(PKG.glob("*.py"))}
    found |= {p.name: notebook_semicolons(p) for p in sorted((PKG.parent / "nbs").glob("*.ipynb"))}
    assert not {k: v for k, v in found.items() if v}, found


def test_semicolon_finder_bites(tmp_path):
    (tmp_path / "m.py").write_text('a = 1; b = "x; y"  # c; d\nplt.show();\n')
    assert semicolons(tmp_path / "m.py") == [1]
    nb = dict(cells=[dict(cell_type="code", id="x", source=["%time f(); g()\n", "if a: b(); c()\n", "d();"]),
                     dict(cell_type="markdown", id="y", source=["a; b"])])
    (tmp_path / "n.ipynb").write_text(__import__("json").dumps(nb))
    assert notebook_semicolons(tmp_path / "n.ipynb") == {"x": [2]}


def long_modules(pkg: Path = PKG, limit: int = 400) -> dict[str, int]:
    "Modules longer than `limit` lines (nbdev's generated index `_modidx.py` aside): each should fit in a head."
    sizes = {p.name: len(p.read_text().splitlines()) for p in sorted(pkg.glob("*.py")) if p.name != "_modidx.py"}
    return {k: n for k, n in sizes.items() if n > limit}


def test_modules_fit_in_a_head():
    assert not long_modules(), long_modules()


def test_module_size_check_bites(tmp_path):
    (tmp_path / "big.py").write_text("x = 1\n" * 401)
    (tmp_path / "small.py").write_text("x = 1\n" * 400)
    assert long_modules(tmp_path) == {"big.py": 401}


def asks_for_mixes(text: str) -> bool:
    "Whether code branches on a method having `mixes` (every method and mixer answers `mixes`: one form of a mixed batch)."
    import re
    return re.search(r"hasattr\([^()]*,\s*['\"]mixes['\"]\)", text) is not None


def test_one_form_of_a_mixed_batch():
    root = PKG.parent
    files = [*PKG.glob("*.py"), *(root / "tools").glob("*.py"), *(root / "benchmarks").glob("*.py"), *(root / "nbs").glob("*.ipynb")]
    assert not [p.name for p in files if asks_for_mixes(p.read_text())]
    assert asks_for_mixes('if hasattr(method, "mixes"): pass') and not asks_for_mixes("out = method.mixes(x)")


def long_lines(pkg: Path = PKG, limit: int = 120) -> list[str]:
    """Package lines over `limit` characters. nbdev writes each module's `__all__` itself, wrapping the list at 120 after
    its `__all__ = ` prefix, so that first line is left to it."""
    return [f"{p.name}:{i}" for p in sorted(pkg.glob("*.py")) if p.name != "_modidx.py"
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if len(line) > limit and not line.startswith("__all__ = [")]


def test_lines_fit_the_screen():
    assert not long_lines(), long_lines()


def test_long_line_check_bites(tmp_path):
    (tmp_path / "m.py").write_text("x = 1\n" + "y = '" + "λ" * 116 + "'\n" + "z = '" + "a" * 114 + "'\n")
    assert long_lines(tmp_path) == ["m.py:2"]              # characters, not bytes: 122 on line 2, 120 on line 3
