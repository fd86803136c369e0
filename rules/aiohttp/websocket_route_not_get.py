from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import ROUTE_CALLEES, RouteDefinition, qualified, route_definitions


class WebSocketRouteNotGet(Rule):
    """
    ## What it does
    Finds an aiohttp WebSocket handler (one that creates a `web.WebSocketResponse`) registered
    for a method other than GET: `routes.post("/ws")`, `router.add_post("/ws", ws_handler)`.

    ## Why is this bad?
    A WebSocket connection opens with an HTTP GET carrying `Upgrade: websocket` (RFC 6455). A
    route for POST or PUT never sees that request: every client gets `405 Method Not Allowed`
    and the handler never runs.

    ## Example
    ```python
    @routes.post("/ws")
    async def websocket(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        ...
    ```

    ## Use instead
    ```python
    @routes.get("/ws")
    async def websocket(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        ...
    ```

    ## Fix safety
    No fix is offered.
    """

    code = "AIO038"
    name = "aiohttp-websocket-route-not-get"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp WebSocket handler registered for a method other than GET"
    guidelines = (
        Quote("aiohttp", "WebSocket Support", "Implement effective handler registration"),
        Quote("aiohttp", "WebSocket Support", "Use proper WebSocket routes"),
    )
    node_types = (ast.Call,)
    callees = ROUTE_CALLEES

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        route = next((r for r in route_definitions(model) if r.call is node), None)
        if route is None or route.method in (None, "GET", "*"):
            return
        function = _handler(model, route)
        if function is None or not any(
            qualified(model, call.func) == "aiohttp.web.WebSocketResponse"  # type: ignore[attr-defined]
            for call in model.nodes_in(function, ast.Call)
        ):
            return
        yield self.diagnostic(
            node,
            model,
            f"WebSocket handler `{function.name}` is registered for {route.method}: the WebSocket handshake is a GET, "
            "so clients get 405 and the handler never runs; register it for GET",
        )


def _handler(model: SemanticModel, route: RouteDefinition) -> FunctionInfo | None:
    """The function a route runs: the decorated one, or the argument after the path."""
    parent = model.parent(route.call)
    if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and route.call in parent.decorator_list:
        return model.function_info(parent)
    arguments = route.call.args
    at = next((i for i, a in enumerate(arguments) if a is route.path), None)
    if at is None or at + 1 >= len(arguments):
        return None
    return model.function_def(arguments[at + 1])
