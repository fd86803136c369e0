from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import application_framework
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.starlette import starlette_1

#: the decorators that register one route at a time, deprecated in 0.x and removed in 1.0 from
#: applications and routers -> the route class to list instead
ROUTE_DECORATORS = {"route": "Route", "websocket_route": "WebSocketRoute"}
#: ``Starlette.add_websocket_route``: the application lost it in 1.0 (``Router`` keeps it, and
#: ``add_route`` stays on both, so those are not reported)
APPLICATION_ONLY = {"add_websocket_route": "WebSocketRoute"}
STARLETTE_APPLICATIONS = frozenset({"starlette.applications.Starlette", "starlette.Starlette"})


class DecoratorRoutes(Rule):
    """
    ## What it does
    Finds routes registered with decorators on a Starlette application or router,
    `@app.route(...)` and `@app.websocket_route(...)` (also on `app.router` or a `Router`), and
    `app.add_websocket_route(...)` on the application itself.

    `add_route(...)` and `router.add_websocket_route(...)`, which Starlette 1.x keeps, are not
    reported, nor are FastAPI's own decorators (`@app.get(...)`).

    ## Why is this bad?
    Starlette deprecated the decorators in 0.x and removed them in 1.0, as it removed
    `add_websocket_route` from the application: there they fail with `AttributeError` when the
    module is imported. Even before, routes scattered over decorators
    cannot be seen, ordered, tested or reused as one list; `Starlette(routes=routes)` shows the
    whole URL space in one place and in the order the router tries it.

    ## Example
    ```python
    app = Starlette()

    @app.route("/users")
    async def list_users(request):
        ...
    ```

    ## Use instead
    ```python
    async def list_users(request):
        ...

    routes = [Route("/users", list_users)]
    app = Starlette(routes=routes)
    ```

    ## Fix safety
    There is no automatic fix: moving every route into the list changes the module's layout and
    the order in which the router tries the routes.
    """

    code = "STA022"
    name = "decorator-routes"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`@app.route`/`@app.websocket_route` are removed in Starlette 1.0 (deprecated before); list `Route`s"
    guidelines = (
        Quote(
            "starlette",
            "Application Structure and Configuration",
            "Always define routes as a list and pass to `Starlette(routes=routes)` constructor rather than using decorators for better maintainability",
        ),
        Quote(
            "starlette",
            "Routing and URL Patterns",
            "Define routes using explicit `Route` objects in a routes list rather than decorators for better testability and IDE support",
        ),
    )
    node_types = (ast.Call,)
    callees = frozenset({*ROUTE_DECORATORS, *APPLICATION_ONLY})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute):
            return
        receiver = node.func.value
        if node.func.attr in ROUTE_DECORATORS:
            if application_framework(model, receiver) != "starlette":
                return
            route_class = ROUTE_DECORATORS[node.func.attr]
        elif node.func.attr in APPLICATION_ONLY:
            if model.instance_type(receiver) not in STARLETTE_APPLICATIONS:
                return
            route_class = APPLICATION_ONLY[node.func.attr]
        else:
            return
        parent = model.parent(node)
        decorates = isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node in parent.decorator_list
        shown = f"`@{model.segment(node.func)}(...)`" if decorates else f"`{model.segment(node.func)}(...)`"
        breaks = starlette_1(model)
        status = "fails with `AttributeError`: Starlette 1.0 removed it" if breaks else "is removed in Starlette 1.0"
        message = f"{shown} {status}; list `{route_class}(...)` objects and pass them as `Starlette(routes=routes)`"
        found = self.diagnostic(node, model, message)
        found.severity = Severity.ERROR if breaks else Severity.INFORMATION
        yield found
