from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import connection_parameter
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: ``WebSocket`` methods that need an accepted connection
MESSAGE_METHODS = frozenset(
    {
        "send", "send_text", "send_bytes", "send_json",
        "receive", "receive_text", "receive_bytes", "receive_json",
        "iter_text", "iter_bytes", "iter_json",
    }
)
#: ``WebSocket`` methods that end a connection without accepting it
REJECT_METHODS = frozenset({"close", "send_denial_response"})


class WebSocketIoBeforeAccept(Rule):
    """
    ## What it does
    Finds Starlette and FastAPI WebSocket endpoints that send or receive before
    `await websocket.accept()` on some path through the function, and endpoints that never accept
    (nor close) the connection at all. In a `WebSocketEndpoint` class it checks an overridden
    `on_connect`, which must accept.

    Handing the websocket to another function (`await manager.connect(websocket)`) counts as a
    possible accept, and a branch that returns or raises does not lead anywhere, so the usual
    "check, close and return, then accept" shape is fine. An endpoint that ends by raising
    (`raise WebSocketException(...)` rejects the handshake on purpose) or is a stub (`pass`) is
    not reported for never accepting.

    ## Why is this bad?
    Until the handshake is accepted there is no WebSocket to talk on: Starlette raises
    `RuntimeError: WebSocket is not connected. Need to call "accept" first.` on the first send or
    receive. An endpoint that returns without accepting makes the server refuse the handshake
    (HTTP 403), which clients report as a failed connection with no reason.

    ## Example
    ```python
    async def chat(websocket):
        if websocket.query_params.get("token") != TOKEN:
            await websocket.close(code=1008)
        await websocket.send_text("welcome")
        await websocket.accept()
    ```

    ## Use instead
    ```python
    async def chat(websocket):
        if websocket.query_params.get("token") != TOKEN:
            await websocket.close(code=1008)
            return
        await websocket.accept()
        await websocket.send_text("welcome")
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA009"]`. An endpoint often
    accepts the WebSocket in a helper (a subprotocol negotiation, an authentication step) defined in
    another module, which the rule cannot see; on the real-application corpus every judged finding was
    such an endpoint. Enable it where endpoints accept their sockets themselves.

    ## Fix safety
    There is no automatic fix: where the accept belongs (after which authorization checks) is the
    endpoint's design.
    """

    code = "STA009"
    name = "websocket-io-before-accept"
    opt_in = True
    framework = "starlette"
    severity = Severity.ERROR
    summary = "A WebSocket endpoint sends or receives before `accept()`, or never accepts"
    guidelines = (
        Quote("starlette", "WebSocket Management", "Always `await websocket.accept()` before sending/receiving messages"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        function = model.function_info(node)
        handler = model.handler(function)
        if function is None or handler is None or handler.kind != "websocket":
            return
        if handler.framework not in ("starlette", "fastapi"):
            return
        if function.class_info is not None and function.name != "on_connect":
            return  # WebSocketEndpoint calls on_receive/on_disconnect after on_connect accepted
        websocket = connection_parameter(model, function)
        if websocket is None:
            return
        openers, messages, rejects = _uses(function, websocket, model)
        unaccepted = [call for call in messages if not any(model.always_before(opener, call) for opener in openers)]
        for call in unaccepted:
            if any(model.always_before(earlier, call) for earlier in unaccepted if earlier is not call):
                continue  # the earlier one fails first
            message = (
                f"`{model.segment(call.func)}()` runs before `{websocket.arg}.accept()` on some path of "
                f"{model.context_label(call)}; Starlette raises `RuntimeError` until the connection is accepted"
            )
            yield self.diagnostic(call, model, message)
        if not openers and not messages and not rejects and not _rejects_or_stub(function.node.body, model):
            message = (
                f"{model.context_label(websocket)} never calls `await {websocket.arg}.accept()`: the server "
                "refuses the handshake (HTTP 403) when it returns"
            )
            yield self.diagnostic(websocket, model, message)


def _uses(function: FunctionInfo, websocket: ast.arg, model: SemanticModel) -> tuple[list[ast.Call], list[ast.Call], list[ast.Call]]:
    """The function's calls that may accept the websocket (``accept()``, or a call it is handed
    to), that send or receive on it, and that reject it."""
    openers, messages, rejects = [], [], []
    for call in model.nodes_in(function, ast.Call):
        assert isinstance(call, ast.Call)
        method = call.func.attr if isinstance(call.func, ast.Attribute) else None
        if method is not None and _is_parameter(call.func.value, websocket, model):  # type: ignore[union-attr]
            if method == "accept":
                openers.append(call)
            elif method in MESSAGE_METHODS:
                messages.append(call)
            elif method in REJECT_METHODS:
                rejects.append(call)
        elif any(_is_parameter(value, websocket, model) for value in (*call.args, *(k.value for k in call.keywords))):
            openers.append(call)
    return openers, messages, rejects


def _is_parameter(expr: ast.expr, parameter: ast.arg, model: SemanticModel) -> bool:
    if isinstance(expr, ast.Starred):
        expr = expr.value
    if not (isinstance(expr, ast.Name) and expr.id == parameter.arg):
        return False
    binding = model.lookup(expr.id, expr)
    return binding is not None and binding.node is parameter


#: calls that end a function for good (a test's endpoint that must never run)
NEVER_RETURN = frozenset({"pytest.fail", "pytest.skip", "sys.exit", "os._exit"})


def _rejects_or_stub(body: list[ast.stmt], model: SemanticModel) -> bool:
    """True for a body that only holds a docstring, ``pass`` or ``...`` (a stub that never serves a
    connection), or whose last statement raises (``raise WebSocketException(...)`` rejects the
    handshake on purpose) or calls a function that never returns."""
    if all(
        isinstance(statement, ast.Pass) or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in body
    ):
        return True
    last = body[-1]
    if isinstance(last, ast.Raise):
        return True
    return isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and model.qualified_name(last.value.func) in NEVER_RETURN
