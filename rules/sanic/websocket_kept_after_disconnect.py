from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import Binding, FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_sanic_handler, positional_parameters

#: websocket methods that wait for the client's next message
RECEIVE_METHODS = frozenset({"recv", "receive"})
#: container methods that keep the websocket beyond the handler (a set, list, dict or registry of clients)
KEEPING_METHODS = frozenset({"add", "append", "appendleft", "insert", "extend", "setdefault", "register", "subscribe"})
#: exceptions whose handler sees the disconnection (by their last dotted part)
DISCONNECTION_EXCEPTIONS = frozenset(
    {"ConnectionClosed", "ConnectionClosedOK", "ConnectionClosedError", "WebsocketClosed", "Exception", "BaseException"}
)


class WebsocketKeptAfterDisconnect(Rule):
    """
    ## What it does
    Finds receive loops in Sanic websocket handlers (`while True: await ws.recv()`, `async for
    message in ws`) in handlers that keep the websocket somewhere (`clients.add(ws)`,
    `rooms[room].append(ws)`, `connections[user] = ws`) when no `try` around the loop, or around
    the receive call, has a `finally` block or an `except` for `ConnectionClosed` (or a broader
    exception).

    ## Why is this bad?
    When the client goes away, `ws.recv()` raises `ConnectionClosed`; Sanic catches it outside
    the handler and closes the socket. The handler's own code after the loop never runs, so the
    websocket stays in the set of clients: every broadcast then tries to send to a dead
    connection and fails, and the set grows with each visitor until the worker runs out of
    memory. (`async for` ends quietly on a clean close, but raises on an abnormal one.)

    ## Example
    ```python
    clients = set()


    @app.websocket("/chat")
    async def chat(request, ws):
        clients.add(ws)
        while True:
            message = await ws.recv()
            for client in clients:
                await client.send(message)
        clients.remove(ws)
    ```

    ## Use instead
    ```python
    clients = set()


    @app.websocket("/chat")
    async def chat(request, ws):
        clients.add(ws)
        try:
            while True:
                message = await ws.recv()
                for client in clients:
                    await client.send(message)
        finally:
            clients.discard(ws)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN013"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a socket kept after disconnection leaks
    until the next send fails; cleanup, a best practice.

    ## Fix safety
    There is no automatic fix: what has to be cleaned up is the application's business.
    """

    code = "SAN013"
    name = "websocket-kept-after-disconnect"
    opt_in = True
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Websocket receive loop with no disconnection handling while the socket is kept elsewhere"
    guidelines = (
        Quote("sanic", "WebSocket Support", "Use proper client disconnection handling"),
        Quote("sanic", "WebSocket Support", "Implement effective connection management"),
        Quote("sanic", "WebSocket Support", "Use proper WebSocket error handling"),
        Quote("sanic", "WebSocket Support", "Implement proper broadcasting patterns"),
    )
    node_types = (ast.Call, ast.AsyncFor)
    callees = RECEIVE_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        function = model.enclosing_function(node)
        websocket = _websocket_parameter(model, function)
        if function is None or websocket is None:
            return
        if isinstance(node, ast.Call):
            func = node.func
            if not (isinstance(func, ast.Attribute) and func.attr in RECEIVE_METHODS and _reads(model, func.value, websocket)):
                return
            loop = model.enclosing_loop(node)
            reported: ast.AST = node
        else:
            assert isinstance(node, ast.AsyncFor)
            if not _reads(model, node.iter, websocket):
                return
            loop, reported = node, node.iter
        if loop is None or _handled(model, reported, function):
            return
        kept = _keeping_use(model, function, websocket, loop)
        if kept is None:
            return
        name = websocket.name
        message = (
            f"`{model.segment(kept)}` keeps the websocket, but when the client disconnects the receive loop ends with "
            f"`ConnectionClosed` and nothing removes `{name}`; wrap the loop in `try:` ... `finally:` and clean up there"
        )
        yield self.diagnostic(reported, model, message)


def _websocket_parameter(model: SemanticModel, function: FunctionInfo | None) -> Binding | None:
    """The binding of a Sanic websocket handler's ``ws`` parameter (its second one)."""
    if function is None or not is_sanic_handler(function) or function.handler.kind != "websocket":  # type: ignore[union-attr]
        return None
    parameters = positional_parameters(function)
    if len(parameters) < 2:
        return None
    bindings = function.scope.bindings.get(parameters[1].arg, [])
    return next((b for b in bindings if b.node is parameters[1]), None)


def _reads(model: SemanticModel, expr: ast.expr, websocket: Binding) -> bool:
    return isinstance(expr, ast.Name) and model.lookup(expr.id, expr) is websocket


def _handled(model: SemanticModel, node: ast.AST, function: FunctionInfo) -> bool:
    """True when a ``try`` of the function around ``node`` has a ``finally`` or sees the disconnection."""
    child = node
    for ancestor in model.ancestors(node):
        if ancestor is function.node:
            return False
        if isinstance(ancestor, ast.Try) or type(ancestor).__name__ == "TryStar":
            if any(child is statement for statement in ancestor.body):  # type: ignore[attr-defined]
                if ancestor.finalbody or any(_sees_disconnection(model, h) for h in ancestor.handlers):  # type: ignore[attr-defined]
                    return True
        child = ancestor
    return False


def _sees_disconnection(model: SemanticModel, handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for exception in types:
        name = model.qualified_name(exception) or (exception.attr if isinstance(exception, ast.Attribute) else "")
        if name.rsplit(".", 1)[-1] in DISCONNECTION_EXCEPTIONS:
            return True
    return False


def _keeping_use(model: SemanticModel, function: FunctionInfo, websocket: Binding, loop: ast.AST) -> ast.AST | None:
    """The statement part that keeps the websocket beyond the handler, outside the loop: a call
    like ``clients.add(ws)``, or an assignment like ``connections[user] = ws``."""
    for reference in model.references(websocket):
        if model.enclosing_function(reference) is not function or loop in set(model.ancestors(reference)):
            continue
        use, where = model.value_use(reference)
        if use == "stored" and where is not None:
            return model.parent(where)
        if use == "argument" and isinstance(where, ast.Call):
            func = where.func
            if isinstance(func, ast.Attribute) and func.attr in KEEPING_METHODS:
                return where
    return None
