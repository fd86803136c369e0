from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: `WebSocketEndpoint` callbacks that run once the connection is accepted
ACCEPTED_CALLBACKS = frozenset({"on_receive", "on_disconnect"})
HTTP_EXCEPTIONS = frozenset(
    {"starlette.exceptions.HTTPException", "fastapi.HTTPException", "fastapi.exceptions.HTTPException"}
)


class HttpExceptionInWebsocket(Rule):
    """
    ## What it does
    Finds `raise HTTPException(...)` in a WebSocket endpoint once the connection is accepted:
    after `await websocket.accept()` in a function routed with `WebSocketRoute` or
    `@app.websocket(...)`, or in `WebSocketEndpoint.on_receive`/`on_disconnect`.

    Before `accept()` it is not reported: there Starlette sends the exception as an HTTP
    response that denies the handshake (where the server supports the WebSocket denial
    response extension; a 403 otherwise).

    ## Why is this bad?
    `HTTPException` becomes an HTTP response, and an accepted WebSocket has none to send: the
    client does not get the status code or detail, only a connection dropped with an abnormal
    close while the server logs a protocol error. `WebSocketException(code=..., reason=...)`
    closes the connection with a WebSocket close code the client can read, and goes to the
    handlers registered for it.

    ## Example
    ```python
    async def feed(websocket):
        await websocket.accept()
        message = await websocket.receive_json()
        if message.get("room") not in ROOMS:
            raise HTTPException(status_code=404)
    ```

    ## Use instead
    ```python
    async def feed(websocket):
        await websocket.accept()
        message = await websocket.receive_json()
        if message.get("room") not in ROOMS:
            raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="unknown room")
    ```

    ## Fix safety
    There is no automatic fix: an HTTP status code has no single WebSocket close code.
    """

    code = "STA031"
    name = "http-exception-in-websocket"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`HTTPException` raised in an accepted WebSocket; raise `WebSocketException`"
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
        if not (function.name in ACCEPTED_CALLBACKS and function.class_info is not None or _accepted_before(node, function, model)):
            return  # before `accept()`, Starlette turns it into a handshake denial response
        message = (
            f"`{model.segment(raised)}` raised in {model.context_label(node)} cannot become an HTTP response on a WebSocket: "
            "the client only sees the connection drop; raise `WebSocketException(code=..., reason=...)`"
        )
        yield self.diagnostic(node, model, message)


def _accepted_before(node: ast.Raise, function: FunctionInfo, model: SemanticModel) -> bool:
    """Some `<connection>.accept()` of the function runs on every path to ``node``."""
    for call in model.nodes_in(function, ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "accept" and model.always_before(call, node):
            return True
    return False
