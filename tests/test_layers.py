"""Dependencies run one way: every import under participation/ follows the declared layers,
and no two modules import each other (also not through a third)."""

import ast
from pathlib import Path

import participation
from participation.layers import LAYERS, layer_of

ROOT = Path(participation.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module of the app that the file imports, at the top or inside a function."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
            found |= {name if _is_module(name) else base for name in names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.startswith("participation")} - {own}


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (ROOT / relative).with_suffix(".py").exists() or (ROOT / relative).is_dir()


def top_package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): imported_modules(path) for path in ROOT.rglob("*.py")}


def test_every_package_is_in_a_layer():
    packages = {top_package(module) for module in import_graph()}
    assert {p for p in packages if layer_of(p) is None} == set()
    declared = [name for layer in LAYERS for name in layer]
    assert len(declared) == len(set(declared)), "a package is declared twice"


def test_no_import_points_upwards():
    upwards = sorted(
        f"{importer} -> {imported}"
        for importer, targets in import_graph().items()
        for imported in targets
        if layer_of(top_package(imported)) > layer_of(top_package(importer))
    )
    assert upwards == []


def test_no_modules_import_each_other():
    graph = import_graph()
    cycles = []
    for start in graph:
        seen, stack = set(), [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join([*path, nxt]))
                elif nxt not in seen and nxt in graph:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert sorted({min(c.split(" -> ")[:-1]) for c in cycles}) == [], cycles[:3]


def test_the_walk_sees_a_known_import():
    """A guard against a test that reads nothing: accounts' services use the outbox."""
    graph = import_graph()
    assert "participation.outbox.services" in graph["participation.accounts.services"]
