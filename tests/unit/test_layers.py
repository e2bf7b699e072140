"""The layout's rules, read from the source (docs/architecture.md).

facade (php/) -> PHP semantics (core/) -> tls/ -> transport/; no import cycles,
counting imports inside functions and under TYPE_CHECKING; the transport layer
imports nothing PHP-facing; the facade imports no socket/ssl/select; the
comparison engine uses the library only through its public names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "phpstreams"
LIBRARY_LAYERS = ("php", "core", "tls", "transport")
SOCKET_MODULES = {"socket", "_socket", "ssl", "_ssl", "select", "selectors"}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module an ``import`` anywhere in the file names (absolute names)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            # "from . import x" / "from ..transport import net" may name submodules
            for alias in node.names:
                candidate = f"{prefix}.{alias.name}"
                if module_path(candidate) is not None:
                    found.add(candidate)
    return found


def module_path(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "phpstreams":
        return None
    base = PACKAGE.parent.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def library_files() -> list[Path]:
    return sorted(p for layer in LIBRARY_LAYERS for p in (PACKAGE / layer).rglob("*.py"))


def graph() -> dict[str, set[str]]:
    files = [PACKAGE / "__init__.py", *library_files()]
    edges = {}
    for path in files:
        name = module_name(path)
        # a module's parent packages are imported before it anyway: not an edge
        edges[name] = {
            m
            for m in imports_of(path)
            if module_path(m) is not None and not name.startswith(m + ".")
        }
    return edges


def test_no_import_cycles() -> None:
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for succ in sorted(edges.get(node, ())):
            if state.get(succ) == 1:
                cycle = [*stack[stack.index(succ) :], succ]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if succ not in state:
                visit(succ)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


# what each layer may import from the package, besides itself
ALLOWED = {
    "transport": set(),
    "core": {"transport"},
    "tls": {"core", "transport"},
    "php": {"core", "tls"},
}


@pytest.mark.parametrize("layer", LIBRARY_LAYERS)
def test_layer_imports(layer: str) -> None:
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for imported in imports_of(path):
            parts = imported.split(".")
            if parts[0] != "phpstreams" or len(parts) < 2:
                continue
            assert parts[1] in ALLOWED[layer] | {layer}, (
                f"{module_name(path)} imports {imported}"
            )


def test_facade_touches_no_socket() -> None:
    for path in sorted((PACKAGE / "php").rglob("*.py")):
        assert not imports_of(path) & SOCKET_MODULES, f"{module_name(path)} imports sockets"


def test_compare_uses_public_names_only() -> None:
    for path in sorted((PACKAGE / "compare").rglob("*.py")):
        for imported in imports_of(path):
            parts = imported.split(".")
            if parts[0] == "phpstreams" and len(parts) > 1:
                assert parts[1] == "compare", f"{module_name(path)} imports {imported}"


def test_teach_sits_above_the_facade() -> None:
    """teach/ (explain, apidoc) may read php/, core/, tls/, and compare/ (apidoc lists the
    known differences and counts scenarios); no library layer imports it, nor compare/."""
    for path in sorted((PACKAGE / "teach").rglob("*.py")):
        imported = {m.split(".")[1] for m in imports_of(path) if m.startswith("phpstreams.")}
        assert imported <= {"php", "core", "tls", "teach", "compare"}, (
            f"{module_name(path)}: {imported}"
        )
        assert not imports_of(path) & SOCKET_MODULES, f"{module_name(path)} imports sockets"
    compare = sorted((PACKAGE / "compare").rglob("*.py"))
    for path in [PACKAGE / "__init__.py", *library_files(), *compare]:
        assert not any(m.startswith("phpstreams.teach") for m in imports_of(path)), path


def test_modules_are_small() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "catalogue" in path.parts:
            continue  # scenario data, split by group instead
        lines = len(path.read_text().splitlines())
        assert lines <= MAX_LINES, f"{module_name(path)} has {lines} lines"


def test_exports_are_the_facades() -> None:
    """The static __all__ lists (top level and php/) are exactly the facade modules'."""
    import importlib

    import phpstreams
    import phpstreams.php as php

    names: set[str] = set()
    for path in sorted((PACKAGE / "php").glob("*.py")):
        if path.stem in ("__init__", "signatures"):
            continue
        names |= set(importlib.import_module(f"phpstreams.php.{path.stem}").__all__)
    assert set(php.__all__) == names
    assert set(phpstreams.__all__) == names
    assert all(getattr(phpstreams, n) is getattr(php, n) for n in names)
