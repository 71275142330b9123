"""The package's layers: imports point down, sit at module top, and form no cycle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pcimg"

# Lowest first. A module may import its own layer's modules and any layer below it.
LAYERS = (
    ("pcimg.errors",),
    ("pcimg.primitives",),
    ("pcimg.format",),
    ("pcimg.codec",),
    ("pcimg.backends",),
    ("pcimg.generators",),
    ("pcimg.api", "pcimg.validate"),
    ("pcimg.PciImagePlugin",),
    ("pcimg.bench",),
    ("pcimg.distributed",),
    ("pcimg.cli", "pcimg.__main__"),
    ("pcimg",),
)
# The one internal import kept inside a function: the bench command needs the optional bench extra.
DEFERRED = {("pcimg.cli.bench_command", "pcimg.bench.run")}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best = None
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    assert best is not None, f"{module} is in no layer"
    return best[0]


def internal_imports(path: Path) -> list[tuple[str, bool]]:
    """(imported pcimg module, imported at module top?) for every import in a file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            targets = [target]
            if node.module is None or (node.level == 0 and target == "pcimg"):
                targets = [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for t in targets:
            if t == "pcimg" or t.startswith("pcimg."):
                found.append((_existing(t), id(node) in top))
    return found


def _existing(module: str) -> str:
    """The longest prefix of ``module`` that is a module or package file (drops imported names)."""
    parts = module.split(".")
    while parts:
        candidate = PACKAGE.parent.joinpath(*parts)
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            return ".".join(parts)
        parts.pop()
    raise AssertionError(f"no module for {module}")


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: internal_imports(path) for name, path in MODULES.items()}


def test_imports_point_down_the_layers():
    upward = [
        f"{src} -> {dst}"
        for src, imports in GRAPH.items()
        for dst, _ in imports
        if layer_of(dst) > layer_of(src) and (src, dst) not in DEFERRED
    ]
    assert not upward


def test_imports_sit_at_module_top():
    hidden = [f"{src} -> {dst}" for src, imports in GRAPH.items() for dst, at_top in imports if not at_top]
    assert sorted(hidden) == sorted(f"{a} -> {b}" for a, b in DEFERRED)


def test_no_import_cycle():
    edges = {src: {dst for dst, at_top in imports if at_top and dst != src} for src, imports in GRAPH.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            # a package imports its own submodules through __init__; that is not a cycle
            if nxt.startswith(node + "."):
                continue
            assert state.get(nxt) != 1, " -> ".join([*trail, node, nxt])
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [])


def test_no_module_shadows_the_standard_library():
    clashes = [n for n in MODULES if n.rpartition(".")[2] in sys.stdlib_module_names]
    assert not clashes
