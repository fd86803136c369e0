"""What several Starlette rules need (no rule here).

- ``starlette_1``: whether the project runs Starlette 1.0 or later, where the APIs that 0.x only
  deprecated are gone (``SemanticModel.framework_version``; an unknown version is the newest).
- ``display``: what a name assigned once stands for; ``strings``: the string literals of a list,
  tuple or set display, also through such a name (``ORIGINS = ["*"]`` … ``allow_origins=ORIGINS``).
- ``is_true``: a literal ``True``.
- ``connection_kind``: whether an expression is a Starlette request or WebSocket.
- ``middleware_callees``: ``Rule.callees`` of a rule that asks ``configured_middleware`` about calls.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ..handlers import CONNECTION_TYPES, MIDDLEWARE_WRAPPERS, connection_parameter, is_starlette_endpoint
from ..model import SemanticModel
from ..rule import callees_of

#: the release that removed what Starlette 0.x deprecated (``on_startup``, name-first ``TemplateResponse``…)
STARLETTE_1 = (1, 0)


def middleware_callees(*classes: Iterable[str]) -> frozenset[str] | None:
    """``Rule.callees`` of a rule that asks ``configured_middleware`` whether a call configures one
    of ``classes``: the class called directly (``SessionMiddleware(app, ...)``), and the calls that
    configure the class given to them, as ``configured_middleware`` sees them
    (``Middleware(SessionMiddleware, ...)``, ``app.add_middleware(SessionMiddleware, ...)``)."""
    names = callees_of(*classes)
    return None if names is None else names | callees_of(MIDDLEWARE_WRAPPERS, ["add_middleware"])  # type: ignore[operator]


def starlette_version(model: SemanticModel) -> tuple[int, ...] | None:
    """The Starlette release the project uses (FastAPI projects: the one their FastAPI allows)."""
    return model.framework_version("starlette")


def starlette_1(model: SemanticModel) -> bool:
    """True when the project runs Starlette 1.0 or later, or its version is unknown (the newest)."""
    version = starlette_version(model)
    return version is None or version >= STARLETTE_1


def display(expr: ast.expr | None, model: SemanticModel) -> ast.expr | None:
    """``expr``, or, for a name assigned once in its scope (``ORIGINS = [...]`` at module level, a
    local ``router = APIRouter(...)``), the value assigned to it."""
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        if binding is not None and binding.kind in ("assignment", "annotation") and binding.value is not None:
            if binding.scope.bindings.get(expr.id) == [binding]:
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


WEBSOCKET_TYPES = frozenset({"starlette.websockets.WebSocket", "fastapi.WebSocket", "fastapi.websockets.WebSocket"})


def connection_kind(expr: ast.expr, model: SemanticModel) -> str | None:
    """"request" or "websocket" when ``expr`` is a Starlette/FastAPI connection: by its type
    (``request: Request``, ``ws: WebSocket``), or as the connection parameter of the Starlette
    endpoint it stands in; None otherwise."""
    kind = model.instance_type(expr)
    if kind in WEBSOCKET_TYPES:
        return "websocket"
    if kind in CONNECTION_TYPES:
        return "request"
    if not isinstance(expr, ast.Name):
        return None
    function = model.enclosing_function(expr)
    if function is None or function.handler is None or not is_starlette_endpoint(function.handler):
        return None
    parameter = connection_parameter(model, function)
    if parameter is None or parameter.arg != expr.id:
        return None
    binding = model.lookup(expr.id, expr)
    if binding is None or binding.kind != "parameter":
        return None
    return "websocket" if function.handler.kind == "websocket" else "request"
