"""The engine's imports, read from its source with ``ast``: which module depends on which.

The core of the engine is layered, each layer built only on those below it: the semantic model
(``model.py``, its parts in ``semantic/``, and ``handlers.py``, which it runs after its walk);
``rule.py`` (what a rule and a diagnostic are); ``registry.py`` (every rule, selection);
``runner.py`` (lint a document); ``fixes.py`` (build fixes, re-linting). A dependency is an import
that runs: at module level, or deferred into a function. An import under ``if TYPE_CHECKING:``
loads nothing and only names a type for annotations, so it is no dependency.

And the engine never imports the language server, pygls or lsprotocol, not even for types.
"""

from __future__ import annotations

import ast
import functools
from collections import deque
from pathlib import Path

import asyncguide.rules

RULES = Path(asyncguide.rules.__file__).parent
PACKAGE = "asyncguide.rules"

#: the core modules, lowest layer first; a name ending in "." stands for every module under it
LAYERS: tuple[tuple[str, ...], ...] = (
    ("asyncguide.rules.model", "asyncguide.rules.semantic", "asyncguide.rules.semantic.", "asyncguide.rules.handlers"),
    ("asyncguide.rules.rule",),
    ("asyncguide.rules.registry",),
    ("asyncguide.rules.runner",),
    ("asyncguide.rules.fixes",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(RULES).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def type_checking_blocks(tree: ast.Module) -> set[int]:
    """The ids of every node under an ``if TYPE_CHECKING:`` (however ``typing`` is spelled)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        if isinstance(test, (ast.Name, ast.Attribute)) and ast.unparse(test).endswith("TYPE_CHECKING"):
            inside.update(id(child) for statement in node.body for child in ast.walk(statement))
    return inside


def imported_names(path: Path, *, with_type_checking: bool) -> set[str]:
    """Every module ``path`` imports, absolute; for ``from m import n``, both ``m`` and ``m.n``
    (``n`` may be a submodule)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    skipped = set() if with_type_checking else type_checking_blocks(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


@functools.cache
def runtime_graph() -> dict[str, set[str]]:
    """Engine module -> the engine modules it imports at run time (``TYPE_CHECKING`` left out)."""
    paths = {module_name(path): path for path in RULES.rglob("*.py")}
    return {
        name: {imported for imported in imported_names(path, with_type_checking=False) if imported in paths} - {name}
        for name, path in paths.items()
    }


def layer(module: str) -> int | None:
    for index, members in enumerate(LAYERS):
        if any(module == member or (member.endswith(".") and module.startswith(member)) for member in members):
            return index
    return None


def path_between(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """The modules of a shortest chain of imports from ``start`` to ``goal``, or None."""
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current == goal:
            chain = [current]
            while came_from[chain[-1]] is not None:
                chain.append(came_from[chain[-1]])  # type: ignore[arg-type]
            return chain[::-1]
        for imported in sorted(graph[current]):
            if imported not in came_from:
                came_from[imported] = current
                queue.append(imported)
    return None


def test_the_graph_is_read_from_the_sources() -> None:
    graph = runtime_graph()
    assert "asyncguide.rules.model" in graph["asyncguide.rules.runner"]
    assert "asyncguide.rules.semantic.walk" in graph["asyncguide.rules.model"]
    # deferred into a function still counts; a TYPE_CHECKING import does not
    assert "asyncguide.rules.runner" in graph["asyncguide.rules.project.summary"]
    assert "asyncguide.rules.model" not in graph["asyncguide.rules.handlers"]
    assert "asyncguide.rules.model" in imported_names(RULES / "handlers.py", with_type_checking=True)
    assert all(layer(module) is not None for module in graph if module.startswith("asyncguide.rules.semantic."))


def test_no_engine_core_module_is_part_of_an_import_cycle() -> None:
    graph = runtime_graph()
    cycles = []
    for module in sorted(graph):
        if layer(module) is None:
            continue
        for imported in sorted(graph[module]):
            back = path_between(graph, imported, module)
            if back is not None:
                cycles.append(" -> ".join([module, *back]))
    assert cycles == []


def test_each_core_layer_depends_only_on_the_layers_below() -> None:
    graph = runtime_graph()
    upward = []
    for module in sorted(graph):
        own = layer(module)
        if own is None:
            continue
        for other in sorted(graph):
            other_layer = layer(other)
            if other_layer is not None and other_layer > own:
                chain = path_between(graph, module, other)
                if chain is not None:
                    upward.append(" -> ".join(chain))
    assert upward == []


def test_the_engine_never_imports_the_server_pygls_or_lsprotocol() -> None:
    forbidden = ("pygls", "lsprotocol", "asyncguide.server")
    offending = sorted(
        f"{module_name(path)} imports {imported}"
        for path in RULES.rglob("*.py")
        for imported in imported_names(path, with_type_checking=True)
        if any(imported == name or imported.startswith(f"{name}.") for name in forbidden)
    )
    assert offending == []
