from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import ROUTE_CALLEES, RouteDefinition, route_definitions


class DuplicateRoute(Rule):
    """
    ## What it does
    Finds an aiohttp route registered twice with the same method and path on the same route
    table or application (a `"*"` route, `view()` or `add_view()`, takes every method).

    ## Why is this bad?
    When the two registrations follow each other, aiohttp adds them to the same resource and
    refuses the second at startup (`RuntimeError: Added route will never be executed, method
    GET is already registered`). When other routes stand between them, the second resource is
    added silently and never runs, because the first one always matches first: the handler that
    looks live in the code is dead, usually after a copy and paste.

    ## Example
    ```python
    @routes.get("/users/{id}")
    async def get_user(request):
        ...

    @routes.get("/users/{id}")
    async def get_user_v2(request):
        ...
    ```

    ## Use instead
    ```python
    @routes.get("/users/{id}")
    async def get_user(request):
        ...

    @routes.get("/v2/users/{id}")
    async def get_user_v2(request):
        ...
    ```

    ## Fix safety
    No fix is offered: which of the two handlers should serve the path is the author's call.
    """

    code = "AIO029"
    name = "aiohttp-duplicate-route"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "the same method and path registered twice on an aiohttp route table"
    guidelines = (
        Quote("aiohttp", "Server-Side Development", "Implement effective route registration"),
        Quote("aiohttp", "Route and View Registration", "Create proper route definitions"),
    )
    node_types = (ast.Call,)
    callees = ROUTE_CALLEES

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        routes = route_definitions(model)
        route = next((r for r in routes if r.call is node), None)
        if route is None or route.method is None:
            return
        for earlier in routes:
            if earlier is route:
                return
            if _conflict(earlier, route) and model.scope(earlier.call) is model.scope(route.call):
                yield self.diagnostic(
                    route.call,
                    model,
                    f"`{route.method} {route.path.value}` is already registered on `{route.table}` at line "
                    f"{earlier.call.lineno}: this route never runs (aiohttp raises `RuntimeError` at startup when "
                    "they are added one after the other)",
                )
                return


def _conflict(first: RouteDefinition, second: RouteDefinition) -> bool:
    return (
        first.table == second.table
        and first.path.value == second.path.value
        and first.method is not None
        and (first.method == second.method or "*" in (first.method, second.method))
    )
