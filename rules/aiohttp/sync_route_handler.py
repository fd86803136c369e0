from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import VIEW_TYPES, header_range, is_aiohttp_handler


class SyncRouteHandler(Rule):
    """
    ## What it does
    Finds aiohttp request handlers written as a plain `def`: functions registered on a route
    (`@routes.get`, `app.router.add_get`, `web.get(...)`) and the HTTP-method methods of
    `web.View` subclasses. A handler with decorators besides its route is left alone, since a
    decorator may wrap it in a coroutine.

    ## Why is this bad?
    aiohttp handlers must be coroutines. A plain function registered on a route is wrapped with
    a `DeprecationWarning` in aiohttp 3 and rejected by aiohttp 4; meanwhile its body runs on the
    event loop, so anything slow in it stalls every other request. A plain `def` method on a
    `web.View` fails on every request: the view awaits the method's result, a response, which is
    not awaitable (`TypeError`).

    ## Example
    ```python
    @routes.get("/health")
    def health(request):
        return web.json_response({"status": "ok"})
    ```

    ## Use instead
    ```python
    @routes.get("/health")
    async def health(request):
        return web.json_response({"status": "ok"})
    ```

    ## Fix safety
    There is no automatic fix: a handler that calls blocking code needs that code made async (or
    moved to a thread) too, and its callers in tests call it differently once it is a coroutine.
    """

    code = "AIO019"
    name = "sync-route-handler"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp route handler defined with plain `def`"
    guidelines = (
        Quote("aiohttp", "Server-Side Development", "Create appropriate handler functions"),
        Quote("aiohttp", "Route and View Registration", "Use appropriate handler decorators"),
    )
    node_types = (ast.FunctionDef,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.FunctionDef)
        function = model.function_info(node)
        if function is None or not is_aiohttp_handler(function):
            return
        handler = function.handler
        assert handler is not None
        if any(decorator is not handler.registration for decorator in node.decorator_list):
            return
        if function.class_info is not None and model.is_subclass(function.class_info, *VIEW_TYPES):
            consequence = "the view awaits its result, so every request to it fails with `TypeError`"
        else:
            consequence = "aiohttp 3 wraps it with a `DeprecationWarning`, aiohttp 4 rejects it, and it runs on the event loop"
        yield Diagnostic(
            self.code,
            f"aiohttp handler `{function.qualname}` is a plain `def`: {consequence}; make it `async def`",
            header_range(model, node),
            self.severity,
        )
