"""The package's shape: every module imports a name from the module that defines it, not through another module's
re-export. One exception, on purpose: `automix.data` is where every dataset module registers itself (`import *` of
datasets, benchmarks, fine-grained, clutter), so a name that needs the whole registry (`get_spec("cifar10")`,
`DATASETS`) is imported from there — importing `automix.datasets` alone would see an empty registry."""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "automix"

def defined(module: str) -> set[str]:
    "Names a module binds at top level itself: functions, classes, assignments (not names it imports)."
    tree, out = ast.parse((PKG / f"{module}.py").read_text()), set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                out |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    return out

REGISTRY = {"data": ("datasets", "benchmarks", "finegrained", "clutter")}   # the assembling module and what it assembles

def importable(module: str) -> set[str]:
    return defined(module).union(*(defined(m) for m in REGISTRY.get(module, ())))

def imports(path: Path):
    "(module, name, line) for every `from automix.X import name` / `from .X import name`, at any depth."
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and (node.level == 1 or node.module.startswith("automix.")):
            mod = node.module.removeprefix("automix.")
            for a in node.names:
                if a.name != "*": yield mod, a.name, node.lineno

def test_no_name_comes_through_a_reexport():
    bad = [f"{p.name}:{line} imports {name} from {mod}, which does not define it"
           for p in sorted(PKG.glob("*.py")) if p.name not in ("_modidx.py", "__init__.py")
           for mod, name, line in imports(p) if name not in importable(mod)]
    assert not bad, "\n".join(bad)

def test_the_check_sees_a_reexport(tmp_path):
    "The check bites: `trainer` defines `train` but not `resolve_config` (it imports it from `config`)."
    assert "train" in defined("trainer") and "resolve_config" not in defined("trainer") and "resolve_config" in defined("config")
