from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..guidelines import Quote
from ..model import HandlerInfo, SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity

_PARAMETER = re.compile(r"<([^<>:]+)(?::([^<>]+))?>")
#: annotations Sanic's router turns into the type of an untyped path parameter
_ANNOTATION_TYPES = {"builtins.str": "str", "builtins.int": "int", "builtins.float": "float", "uuid.UUID": "uuid"}


@dataclass
class Route:
    handler: HandlerInfo
    receiver: ast.expr
    #: what tells the app or blueprint apart: its binding, else its source text
    owner: object
    path: str  # as Sanic compares it: leading slash, parameter names dropped
    methods: frozenset[str]
    version: str | None
    host: str | None
    statement: ast.stmt  # the definition or call statement that registers the route


class DuplicateRoute(Rule):
    """
    ## What it does
    Finds a URI and HTTP method registered twice on the same Sanic app or blueprint: by route
    decorators (`@app.get`, `@app.route(..., methods=[...])`, `@bp.post`…), `add_route` and
    websocket routes (which answer `GET`). Paths are compared as Sanic's router compares them:
    `/items`, `items` and `/items/` are one path (unless `strict_slashes` is set), and
    `<id>` and `<item_id>` are the same parameter (parameter types still tell routes apart, also
    those an untyped parameter takes from the handler's annotation: `<foo>` with `foo: int`). A
    different `version=` makes a different route, and so does a different `host=` (a route
    without one has its blueprint's). Registrations are compared when they stand in
    the same block, so alternatives in `if`/`else` branches are not reported.

    ## Why is this bad?
    Sanic refuses the second registration: `sanic_routing.exceptions.RouteExists: Route already
    registered: items [GET]` when the module is imported, and the application does not start.
    Usually a handler was copied and its path or method not changed.

    ## Example
    ```python
    @app.get("/items")
    async def list_items(request):
        return json(await load_items())


    @app.get("/items")
    async def create_item(request):
        return json(await save_item(request.json), status=201)
    ```

    ## Use instead
    ```python
    @app.get("/items")
    async def list_items(request):
        return json(await load_items())


    @app.post("/items")
    async def create_item(request):
        return json(await save_item(request.json), status=201)
    ```

    ## Fix safety
    There is no automatic fix: only the author knows which path or method each handler should
    have.
    """

    code = "SAN009"
    name = "duplicate-route"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "The same URI and method registered twice on one Sanic app or blueprint"
    guidelines = (
        Quote("sanic", "Routing", "Create proper route decoration"),
        Quote("sanic", "Routing", "Use appropriate HTTP method handlers"),
        Quote("sanic", "Key Principles", "Create robust routing and middleware systems"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        seen: list[Route] = []
        for handler in model.handlers:
            route = _route(model, handler)
            if route is None:
                continue
            earlier = next((r for r in seen if _conflict(model, r, route)), None)
            seen.append(route)
            if earlier is None:
                continue
            methods = ", ".join(sorted(earlier.methods & route.methods))
            shown_path = handler.path
            message = (
                f"`{methods} {shown_path}` is already registered on `{model.segment(route.receiver)}` by "
                f"`{earlier.handler.function.qualname}` (line {earlier.handler.registration.lineno}): Sanic raises "  # type: ignore[attr-defined]
                "`RouteExists` at start-up; give one of them another path or method"
            )
            yield self.diagnostic(handler.registration, model, message)


def _route(model: SemanticModel, handler: HandlerInfo) -> Route | None:
    """The route a handler's registration makes, when the module says enough to compare it."""
    registration = handler.registration
    if handler.framework != "sanic" or handler.path is None or not isinstance(registration, ast.Call):
        return None
    if not isinstance(registration.func, ast.Attribute):
        return None
    methods_argument = keyword(registration, "methods")
    if methods_argument is not None and not isinstance(methods_argument, (ast.List, ast.Tuple, ast.Set)):
        return None  # methods computed at run time
    receiver = registration.func.value
    if handler.kind == "websocket":
        methods = frozenset({"GET"})
    else:
        methods = frozenset(handler.methods)
    binding = model.lookup(receiver.id, receiver) if isinstance(receiver, ast.Name) else None
    strict = keyword(registration, "strict_slashes") is not None or _strict_owner(binding)
    statement = next((a for a in (registration, *model.ancestors(registration)) if isinstance(a, ast.stmt)), None)
    if statement is None or not methods:
        return None
    if isinstance(model.parent(registration), (ast.FunctionDef, ast.AsyncFunctionDef)):
        statement = model.parent(registration)  # a decorator: the decorated definition registers
    return Route(
        handler=handler,
        receiver=receiver,
        owner=binding if binding is not None else model.segment(receiver),
        path=_normalised(handler.path, strict, _annotated_types(model, handler)),
        methods=methods,
        version=_text(model, keyword(registration, "version")),
        host=_text(model, keyword(registration, "host")) or _owner_host(model, binding),
        statement=statement,  # type: ignore[arg-type]
    )


def _owner_host(model: SemanticModel, binding: object) -> str | None:
    """The ``host=...`` the app or blueprint is made with: its routes' host unless they name one."""
    value = getattr(binding, "value", None)
    return _text(model, keyword(value, "host")) if isinstance(value, ast.Call) else None


def _strict_owner(binding: object) -> bool:
    """True when the app or blueprint is made with ``strict_slashes=...``."""
    value = getattr(binding, "value", None)
    return isinstance(value, ast.Call) and keyword(value, "strict_slashes") is not None


def _annotated_types(model: SemanticModel, handler: HandlerInfo) -> dict[str, str]:
    """The path-parameter types the handler's annotations give (``foo: int`` makes an untyped
    ``<foo>`` an ``<foo:int>``, as Sanic's router does since 23.3)."""
    arguments = handler.function.node.args
    found = {}
    for parameter in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        kind = _ANNOTATION_TYPES.get(model.qualified_name(parameter.annotation) or "") if parameter.annotation else None
        if kind is not None:
            found[parameter.arg] = kind
    return found


def _normalised(path: str, strict: bool, annotated: dict[str, str]) -> str:
    def parameter(match: re.Match[str]) -> str:
        kind = match.group(2) or annotated.get(match.group(1).strip()) or "str"
        return f"<{kind.strip()}>"

    path = _PARAMETER.sub(parameter, path)
    path = "/" + path.lstrip("/")
    return path if strict or path == "/" else path.rstrip("/")


def _text(model: SemanticModel, node: ast.expr | None) -> str | None:
    return model.segment(node) if node is not None else None


def _conflict(model: SemanticModel, first: Route, second: Route) -> bool:
    if first.owner is not second.owner and first.owner != second.owner:
        return False
    if first.path != second.path or not first.methods & second.methods or first.version != second.version:
        return False
    if first.host is not None and second.host is not None and first.host != second.host:
        return False
    return _same_block(model, first.statement, second.statement)


def _same_block(model: SemanticModel, first: ast.stmt, second: ast.stmt) -> bool:
    parent = model.parent(first)
    if parent is not model.parent(second):
        return False
    for name in ("body", "orelse", "finalbody"):
        statements = getattr(parent, name, None)
        if isinstance(statements, list) and any(s is first for s in statements):
            return any(s is second for s in statements)
    return False
