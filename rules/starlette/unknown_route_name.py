from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..guidelines import Quote
from ..handlers import application_framework
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.starlette import connection_kind, display

#: route tables: the class -> the position of `routes`
ROUTE_TABLES = {"starlette.applications.Starlette": 1, "starlette.Starlette": 1, "starlette.routing.Router": 0}
ROUTES = frozenset({"starlette.routing.Route", "starlette.routing.WebSocketRoute"})
MOUNTS = frozenset({"starlette.routing.Mount"})
STATIC_FILES = frozenset({"starlette.staticfiles.StaticFiles"})
REVERSING = frozenset({"url_for", "url_path_for"})


@dataclass
class RouteNames:
    """The route names a module's route tables define, as far as it shows them."""

    names: set[str] = field(default_factory=set)
    #: prefixes of mounted applications whose routes this module does not show (``"api:"``)
    opaque_prefixes: set[str] = field(default_factory=set)
    #: False when some route's name cannot be known here (a computed name, ``*other.routes``…)
    complete: bool = True

    def knows(self, name: str) -> bool:
        return name in self.names or any(name.startswith(prefix) for prefix in self.opaque_prefixes)


class UnknownRouteName(Rule):
    """
    ## What it does
    Finds `request.url_for("name", ...)` or `app.url_path_for("name", ...)` with a literal name
    that no route of the module's route table has, when the module builds the whole table
    (`Starlette(routes=[...])` or `Router(routes=[...])` with every route visible).

    A route's name is its `name=`, or else the endpoint's function or class name; a `Mount`'s
    routes are named `"mount_name:route_name"`.

    ## Why is this bad?
    Reversing a name no route has raises `NoMatchFound` at run time, a 500 on the page that
    builds the link, typically after a route was renamed or a `Mount` was given no `name=`
    (`url_for("static", path=...)` needs `Mount("/static", ..., name="static")`).

    ## Example
    ```python
    async def homepage(request):
        return RedirectResponse(request.url_for("user_profile", user_id=1))

    routes = [
        Route("/users/{user_id:int}", user_detail),
        Mount("/static", StaticFiles(directory="static")),
    ]
    ```

    ## Use instead
    ```python
    routes = [
        Route("/users/{user_id:int}", user_detail, name="user_profile"),
        Mount("/static", StaticFiles(directory="static"), name="static"),
    ]
    ```

    ## Fix safety
    There is no automatic fix: either the name or the route is wrong.
    """

    code = "STA040"
    name = "unknown-route-name"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`url_for(\"name\")` with a name no route of the module's route table has"
    guidelines = (
        Quote("starlette", "Template and Static File Handling", "Set proper `name` parameters for URL reversing with `url_for()`"),
    )
    node_types = (ast.Call,)
    callees = REVERSING

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in REVERSING):
            return
        name = argument(node, 0, "name")
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return
        receiver = node.func.value
        if connection_kind(receiver, model) is None and application_framework(model, receiver) != "starlette":
            return
        if model.uses("fastapi"):
            return  # path operations are named by their decorators too
        table = _route_names(model)
        if table is None or not table.complete or table.knows(name.value):
            return
        known = ", ".join(f"`{n}`" for n in sorted(table.names)) or "none"
        message = (
            f"no route of this module is named `{name.value}` (known: {known}), so `{model.segment(node.func)}(...)` raises "
            "`NoMatchFound`; give the route `name=` or fix the name"
        )
        yield self.diagnostic(name, model, message)


def _route_names(model: SemanticModel) -> RouteNames | None:
    """The names of every route table the module builds; None when it builds none."""
    table: RouteNames | None = None
    for call in model.nodes(ast.Call):
        position = ROUTE_TABLES.get(model.qualified_name(call.func) or "")
        if position is None:
            continue
        table = table or RouteNames()
        routes = argument(call, position, "routes")
        if routes is not None:
            _collect(routes, "", model, table)
    return table


def _collect(routes: ast.expr, prefix: str, model: SemanticModel, table: RouteNames) -> None:
    listed = display(routes, model)
    if not isinstance(listed, (ast.List, ast.Tuple)) or _changed_later(routes, model):
        table.complete = False
        return
    for entry in listed.elts:
        entry = display(entry, model)
        callee = model.qualified_name(entry.func) if isinstance(entry, ast.Call) else None
        if callee in ROUTES:
            _add_route(entry, prefix, table)
        elif callee in MOUNTS:
            _add_mount(entry, prefix, model, table)
        else:
            table.complete = False


def _changed_later(routes: ast.expr, model: SemanticModel) -> bool:
    """A list named ``routes`` that grows after its display: ``routes += [...]``,
    ``routes.append(...)``, ``routes.extend(...)``."""
    if not isinstance(routes, ast.Name):
        return False
    if any(isinstance(a.target, ast.Name) and a.target.id == routes.id for a in model.nodes(ast.AugAssign)):
        return True
    binding = model.lookup(routes.id, routes)
    references = model.references(binding) if binding is not None else []
    return any(model.value_use(name)[0] == "receiver" for name in references)


def _add_route(route: ast.Call, prefix: str, table: RouteNames) -> None:
    name = keyword(route, "name")
    endpoint = argument(route, 1, "endpoint")
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        table.names.add(prefix + name.value)
    elif name is None and isinstance(endpoint, ast.Name):
        table.names.add(prefix + endpoint.id)
    elif name is None and isinstance(endpoint, ast.Attribute):
        table.names.add(prefix + endpoint.attr)
    else:
        table.complete = False


def _add_mount(mount: ast.Call, prefix: str, model: SemanticModel, table: RouteNames) -> None:
    name = keyword(mount, "name")
    if name is not None and not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        table.complete = False
        return
    mounted = prefix + name.value + ":" if name is not None else prefix
    routes = keyword(mount, "routes")
    app = argument(mount, 1, "app")
    if routes is not None:
        _collect(routes, mounted, model, table)
        return
    if name is not None:
        table.names.add(prefix + name.value)  # `url_for("static", path=...)`
    app_value = display(app, model) if app is not None else None
    if isinstance(app_value, ast.Call) and model.qualified_name(app_value.func) in STATIC_FILES:
        return
    if name is None:
        table.complete = False  # an unnamed sub-application's routes keep their own names
    else:
        table.opaque_prefixes.add(mounted)
