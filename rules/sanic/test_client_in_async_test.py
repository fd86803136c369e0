from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import APP, instance

#: the request methods of sanic-testing's clients
CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "websocket"})


class SanicTestClientMisuse(Rule):
    """
    ## What it does
    Finds sanic-testing clients used the wrong way round: `app.test_client.get(...)` (the
    synchronous client) inside an `async def` test or fixture, and an `app.asgi_client.get(...)`
    request (a coroutine) that is not awaited.

    ## Why is this bad?
    `app.test_client` starts a real Sanic server and runs its own event loop for each request; in a
    coroutine a loop is already running, so the request fails (`RuntimeError: Cannot run the event
    loop while another loop is running`) or blocks the test's loop. `app.asgi_client` calls the
    application in the test's own loop and returns coroutines: without `await` the request never
    runs, and the test checks a coroutine object instead of a response.

    ## Example
    ```python
    async def test_health():
        request, response = app.test_client.get("/health")
        assert response.status == 200
    ```

    ## Use instead
    ```python
    async def test_health():
        request, response = await app.asgi_client.get("/health")
        assert response.status == 200
    ```
    (or keep `app.test_client` in a plain `def` test).

    ## Fix safety
    There is no automatic fix: the two clients differ in what the request and response objects
    hold, and a test may depend on a live server.
    """

    code = "SAN028"
    name = "test-client-in-async-test"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "`app.test_client` in an async test, or `app.asgi_client` requests not awaited"
    guidelines = (
        Quote("sanic", "Testing", "Use proper TestClient implementation"),
        Quote("sanic", "Testing", "Implement effective async test functions"),
    )
    node_types = (ast.Call,)
    callees = CLIENT_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in CLIENT_METHODS and isinstance(func.value, ast.Attribute)):
            return
        client = func.value
        if client.attr not in ("test_client", "asgi_client") or instance(model, client.value) not in (None, APP):
            return
        call = model.segment(node)
        if client.attr == "test_client" and model.in_async_context(node):
            message = (
                f"`{call}` in {model.context_label(node)} runs a server with its own event loop inside a running "
                f"loop; in an async test use `await {model.segment(client.value)}.asgi_client.{func.attr}(...)`"
            )
            yield self.diagnostic(node, model, message)
        elif client.attr == "asgi_client" and not isinstance(model.parent(node), ast.Await):
            message = (
                f"`{call}` returns a coroutine that is never awaited, so the request never runs; "
                f"write `await {call}` in an `async def` test"
            )
            yield self.diagnostic(node, model, message)
