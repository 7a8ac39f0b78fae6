"""The package's import rules, checked on the source (see docs/architecture.md).

* no import cycle between netlib modules, counting imports inside functions too;
* no module imports another module's private (``_name``) names, nor reaches them through a
  module it imported (``clusters._relabel``);
* imports inside functions only for optional heavy dependencies (pyspark);
* each module imports only from its own layer's package or from lower layers, so the
  analyses never import each other sideways and nothing imports the pipeline or the CLI.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "netlib"

#: Lowest first. A module may import from its own unit and from units on lower layers.
LAYERS: list[set[str]] = [
    {"errors", "safe", "schema", "lazy"},
    {"units", "provenance", "times", "loadreport", "stats", "results", "outdir", "text",
     "options", "lookup", "memory", "progress"},
    {"dataset"},
    {"synth"},
    {"io"},
    {"traces", "overview", "coaction"},
    {"coordination", "mirrors", "hubs", "triage"},
    {"evaluate", "plots", "registry"},
    {"report"},
    {"pipeline"},
    {"cli", ""},  # "" is the package root, netlib/__init__.py
]
LAYER_OF = {unit: level for level, units in enumerate(LAYERS) for unit in units}
#: Optional heavy dependencies that may be imported inside a function.
LAZY_ALLOWED = ("pyspark", "ipywidgets", "anywidget", "stix2")


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(module: str, path: Path) -> list[tuple[ast.AST, str, list[str]]]:
    """(node, imported module, imported names) for every netlib import in a module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base == "netlib" or base.startswith("netlib."):
                out.append((node, base, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "netlib" or alias.name.startswith("netlib."):
                    out.append((node, alias.name, []))
    return out


def _targets(base: str, names: list[str], modules: dict[str, Path] = MODULES) -> list[str]:
    """The modules an import loads: ``from a import b`` loads ``a.b`` when that is a module."""
    found = [f"{base}.{n}" for n in names if f"{base}.{n}" in modules]
    return found + ([base] if len(found) < len(names) or not names else [])


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for _node, base, names in _imports(module, path):
            graph[module].update(t for t in _targets(base, names, modules) if t != module)
    return graph


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Every set of modules that import each other, directly or in a ring (Tarjan)."""
    graph = _graph(modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return cycles


def private_imports(modules: dict[str, Path]) -> list[str]:
    """Private names taken from another module: imported, or read through a module alias."""
    bad = []
    for module, path in modules.items():
        aliases: dict[str, str] = {}  # local name -> the netlib module it is bound to
        for node, base, names in _imports(module, path):
            for name in names:
                if name.startswith("_") and f"{base}.{name}" not in modules:
                    bad.append(f"{module}:{node.lineno} imports {name} from {base}")
            for alias in node.names:
                if isinstance(node, ast.ImportFrom) and f"{base}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
                elif isinstance(node, ast.Import) and alias.asname:
                    aliases[alias.asname] = alias.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                owner = aliases[node.value.id]
                if owner != module and f"{owner}.{node.attr}" not in modules:
                    bad.append(f"{module}:{node.lineno} reads {node.attr} from {owner}")
    return bad


def test_every_unit_has_a_layer():
    units = {_unit(m) for m in MODULES}
    missing = sorted(u for u in units if u not in LAYER_OF)
    assert not missing, f"add these to LAYERS in {Path(__file__).name}: {missing}"


def test_no_import_cycles():
    cycles = import_cycles(MODULES)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_names_imported_across_modules():
    bad = private_imports(MODULES)
    assert not bad, "\n".join(bad)


def test_the_checks_find_a_planted_cycle_and_private_names(tmp_path):
    """The checks above can fail: a package with a ring and private reads is caught."""
    package = tmp_path / "netlib"
    package.mkdir()
    files = {
        "__init__.py": "",
        "a.py": "from netlib.b import B\n",
        "b.py": "from netlib import c\nB = 1\n",
        "c.py": "from netlib import a\n",
        "d.py": "from netlib.a import _hidden\nfrom netlib import b as bee\n"
                "import netlib.c as sea\nx = bee._secret + sea._other + bee.B\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    planted = _modules(package)
    assert import_cycles(planted) == [["netlib.a", "netlib.b", "netlib.c"]]
    assert private_imports(planted) == ["netlib.d:1 imports _hidden from netlib.a",
                                        "netlib.d:4 reads _secret from netlib.b",
                                        "netlib.d:4 reads _other from netlib.c"]


def test_imports_inside_functions_only_for_optional_dependencies():
    bad = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = ["." * node.level + (node.module or "")]
                else:
                    continue
                for name in names:
                    if name.startswith(("netlib", ".")):
                        bad.append(f"{module}:{node.lineno} imports {name} inside "
                                   f"{func.name}()")
    assert not bad, "\n".join(bad)


def test_layers_are_respected():
    bad = []
    for module, path in MODULES.items():
        unit = _unit(module)
        for node, base, names in _imports(module, path):
            for target in _targets(base, names):
                other = _unit(target)
                if other == unit or other not in LAYER_OF or unit not in LAYER_OF:
                    continue
                if LAYER_OF[other] >= LAYER_OF[unit]:
                    bad.append(f"{module}:{node.lineno} imports {target} "
                               f"(layer {LAYER_OF[other]} from layer {LAYER_OF[unit]})")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_public_functions_take_at_most_twelve_parameters(name):
    """Configs carry the options: no public function takes more than twelve parameters."""
    module = importlib.import_module(name)
    too_many = []
    for attr in getattr(module, "__all__", []):
        obj = getattr(module, attr, None)
        if not inspect.isfunction(obj):
            continue
        params = inspect.signature(obj).parameters.values()
        count = sum(p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params)
        if count > 12:
            too_many.append(f"{name}.{attr} takes {count} parameters")
    assert not too_many, "\n".join(too_many)


def test_the_command_line_does_not_import_what_only_some_paths_use():
    """``netlib analyze`` starts without scipy.stats (0.4 s): the analyses compute their
    p-values from scipy.special, and the comparison with a reference ranking (Spearman) is
    imported when first used."""
    code = ("import sys, netlib.cli; "
            "print(sorted(m for m in ('scipy.stats', 'sklearn', 'pyspark') if m in sys.modules))")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent)
    assert got.stdout.strip() == "[]"
    from netlib.hubs import reference_agreement
    assert reference_agreement.__module__ == "netlib.hubs.compare"
