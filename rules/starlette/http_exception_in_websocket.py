from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

HTTP_EXCEPTIONS = frozenset(
    {"starlette.exceptions.HTTPException", "fastapi.HTTPException", "fastapi.exceptions.HTTPException"}
)


class HttpExceptionInWebsocket(Rule):
    """
    ## What it does
    Finds `raise HTTPException(...)` in a WebSocket endpoint: a function routed with
    `WebSocketRoute`, `@app.websocket(...)` or a `WebSocketEndpoint` method.

    ## Why is this bad?
    `HTTPException` becomes an HTTP response, and a WebSocket connection has none to send: the
    client does not get the status code or detail, only a dropped connection (an abnormal close,
    1006, or a 403 handshake rejection, depending on the server and on whether the socket was
    accepted). `WebSocketException(code=..., reason=...)` closes the connection with a WebSocket
    close code the client can read, and goes to the handlers registered for it.

    ## Example
    ```python
    async def feed(websocket):
        if "token" not in websocket.query_params:
            raise HTTPException(status_code=403)
        await websocket.accept()
    ```

    ## Use instead
    ```python
    async def feed(websocket):
        if "token" not in websocket.query_params:
            raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION)
        await websocket.accept()
    ```

    ## Fix safety
    There is no automatic fix: an HTTP status code has no single WebSocket close code.
    """

    code = "STA031"
    name = "http-exception-in-websocket"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`HTTPException` raised in a WebSocket endpoint; raise `WebSocketException`"
    guidelines = (
        Quote(
            "starlette",
            "Exception Handling and Error Management",
            "Handle WebSocket exceptions separately with `WebSocketException`",
        ),
    )
    node_types = (ast.Raise,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Raise)
        raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if raised is None or model.qualified_name(raised) not in HTTP_EXCEPTIONS:
            return
        function = model.enclosing_function(node)
        if function is None or function.handler is None or function.handler.kind != "websocket":
            return
        message = (
            f"`{model.segment(raised)}` raised in {model.context_label(node)} cannot become an HTTP response on a WebSocket: "
            "the client only sees the connection drop; raise `WebSocketException(code=..., reason=...)`"
        )
        yield self.diagnostic(node, model, message)
