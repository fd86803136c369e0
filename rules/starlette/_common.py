"""What several Starlette rules need (no rule here).

- ``starlette_1``: whether the project runs Starlette 1.0 or later, where the APIs that 0.x only
  deprecated are gone (``SemanticModel.framework_version``; an unknown version is the newest).
- ``strings``: the string literals of a list, tuple or set display, also through a module-level
  name bound once to one (``ORIGINS = ["*"]`` … ``allow_origins=ORIGINS``).
- ``is_true``: a literal ``True``.
"""

from __future__ import annotations

import ast

from ..model import SemanticModel

#: the release that removed what Starlette 0.x deprecated (``on_startup``, name-first ``TemplateResponse``…)
STARLETTE_1 = (1, 0)


def starlette_version(model: SemanticModel) -> tuple[int, ...] | None:
    """The Starlette release the project uses (FastAPI projects: the one their FastAPI allows)."""
    return model.framework_version("starlette")


def starlette_1(model: SemanticModel) -> bool:
    """True when the project runs Starlette 1.0 or later, or its version is unknown (the newest)."""
    version = starlette_version(model)
    return version is None or version >= STARLETTE_1


def display(expr: ast.expr | None, model: SemanticModel) -> ast.expr | None:
    """``expr``, or, for a name bound once at module level, the value bound to it."""
    if isinstance(expr, ast.Name):
        bindings = model.module_scope.bindings.get(expr.id, [])
        binding = model.lookup(expr.id, expr)
        if len(bindings) == 1 and binding is bindings[0] and binding.kind in ("assignment", "annotation"):
            return binding.value
    return expr


def strings(expr: ast.expr | None, model: SemanticModel) -> list[str] | None:
    """The strings of a list, tuple or set display of string literals (``display`` sees through a
    module-level name); None when it is anything else."""
    found = display(expr, model)
    if not isinstance(found, (ast.List, ast.Tuple, ast.Set)):
        return None
    values = []
    for element in found.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        values.append(element.value)
    return values


def is_true(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is True
