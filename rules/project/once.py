"""Code that blocks at most once, or only on the way to an error: where ``ASY200`` does not follow
or report a chain. A blocking call there costs the loop once per process (or once per failure),
not once per request.

- ``on_failure_path``: the call builds the exception a ``raise`` statement raises;
- ``behind_cache_guard``: the call fills a module-level cache (``if _cache is None: _cache = ...``
  under ``global _cache``);
- ``memoised_once``: a ``functools.cache``/``lru_cache`` function without parameters;
- start-up coroutines, run once before anything else runs on the loop: ``start_up``.
"""

from __future__ import annotations

import ast

from ..model import FunctionInfo, SemanticModel

#: decorators that memoise a function's result
MEMOISING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})


def on_failure_path(model: SemanticModel, node: ast.AST) -> bool:
    """True in the expression of a ``raise`` statement (``raise failed(code, stderr)``): it runs
    only when the code is already failing."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, ast.Raise):
            return True
        if isinstance(ancestor, ast.stmt):
            return False
    return False


def declared_globals(model: SemanticModel) -> dict[int, set[str]]:
    """``id`` of each function's node -> the names it declares ``global`` (for ``behind_cache_guard``)."""
    found: dict[int, set[str]] = {}
    for statement in model.nodes(ast.Global):
        function = model.enclosing_function(statement)
        if function is not None:
            found.setdefault(id(function.node), set()).update(statement.names)  # type: ignore[attr-defined]
    return found


def behind_cache_guard(model: SemanticModel, node: ast.AST, globals_of: dict[int, set[str]]) -> bool:
    """True in the body of ``if NAME is None:`` (or ``if not NAME:``) that assigns ``NAME``, where
    the function declares ``global NAME`` (``globals_of``: ``declared_globals``): the body runs
    once per process."""
    function = model.enclosing_function(node)
    declared = globals_of.get(id(function.node), ()) if function is not None else ()
    if not declared:
        return False
    child = node
    for ancestor in model.ancestors(node):
        if ancestor is function.node:  # type: ignore[union-attr]
            return False
        if isinstance(ancestor, ast.If) and any(child is s for s in ancestor.body):
            name = _unset_test(ancestor.test)
            if name in declared and any(_assigns(statement, name) for statement in ancestor.body):
                return True
        child = ancestor
    return False


def _unset_test(test: ast.expr) -> str | None:
    """``NAME`` of ``NAME is None`` or ``not NAME``."""
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id
    return None


def _assigns(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        return isinstance(statement.target, ast.Name) and statement.target.id == name
    return False


def memoised_once(model: SemanticModel, function: FunctionInfo) -> bool:
    """True for a ``@functools.cache``/``@lru_cache`` function without parameters: its body runs
    once per process (with parameters it runs once per new argument, and is followed)."""
    arguments = function.node.args
    if arguments.posonlyargs or arguments.args or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
        return False
    for decorator in function.node.decorator_list:
        callee = decorator.func if isinstance(decorator, ast.Call) else decorator
        if model.qualified_name(callee) in MEMOISING_DECORATORS:
            return True
    return False
