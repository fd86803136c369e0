from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: ``web.WebSocketResponse`` methods that send a message
SENDERS = frozenset({"send_str", "send_json", "send_bytes"})
#: calls that copy a collection before it is iterated (``for ws in list(app[sockets])``)
COPIES = frozenset({"list", "set", "tuple", "values", "copy"})


class UnguardedWebSocketBroadcast(Rule):
    """
    ## What it does
    In a module that uses aiohttp, finds a `for` loop over a stored collection of WebSockets
    (`request.app[websockets]`, `self.clients`, a module-level set) that awaits
    `ws.send_str()`, `ws.send_json()` or `ws.send_bytes()` on each with neither a `try` inside
    the loop around the send nor a `ws.closed` check.

    ## Why is this bad?
    A client can disconnect at any moment, and until its handler runs its cleanup the socket stays
    in the collection. Sending to it raises (`ConnectionResetError: Cannot write to closing
    transport`), which ends the loop: every client after it misses the message, and the error
    escapes into whatever handler was broadcasting.

    ## Example
    ```python
    async def broadcast(app, message):
        for ws in app[websockets]:
            await ws.send_str(message)
    ```

    ## Use instead
    ```python
    async def broadcast(app, message):
        for ws in set(app[websockets]):
            if ws.closed:
                continue
            try:
                await ws.send_str(message)
            except ConnectionResetError:
                app[websockets].discard(ws)
    ```

    ## Fix safety
    No fix is offered: what to do with a failed client (drop it, log it) is the application's choice.
    """

    code = "AIO043"
    name = "aiohttp-unguarded-websocket-broadcast"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "Broadcast loop over stored WebSockets with no `closed` check or error handling"
    guidelines = (Quote("aiohttp", "WebSocket Support", "Create effective broadcasting"),)
    node_types = (ast.For, ast.AsyncFor)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.For, ast.AsyncFor))
        if not (isinstance(node.target, ast.Name) and model.uses("aiohttp") and _stored(model, node.iter)):
            return
        function = model.enclosing_function(node)
        if function is None:
            return
        socket = node.target.id
        if any(
            isinstance(attribute.value, ast.Name) and attribute.value.id == socket and attribute.attr == "closed"  # type: ignore[attr-defined]
            and _inside(model, attribute, node)
            for attribute in model.nodes_in(function, ast.Attribute)
        ):
            return
        for call in model.nodes_in(function, ast.Call):
            assert isinstance(call, ast.Call)
            func = call.func
            if not (
                isinstance(func, ast.Attribute)
                and func.attr in SENDERS
                and isinstance(func.value, ast.Name)
                and func.value.id == socket
                and isinstance(model.parent(call), ast.Await)
                and _inside(model, call, node)
                and not _guarded_within(model, call, node)
            ):
                continue
            yield self.diagnostic(
                call,
                model,
                f"`{model.segment(call)}` in a broadcast loop over `{model.segment(node.iter)}` in "
                f"{model.context_label(call)}: one client that has gone away raises and the rest miss the message; "
                f"skip `{socket}.closed` sockets and wrap the send in `try`/`except`",
            )
            return


def _stored(model: SemanticModel, expr: ast.expr) -> bool:
    """A collection kept beyond one call: an attribute, an item, or a module-level name (maybe copied)."""
    while isinstance(expr, ast.Call) and (
        (isinstance(expr.func, ast.Name) and expr.func.id in COPIES and len(expr.args) == 1)
        or (isinstance(expr.func, ast.Attribute) and expr.func.attr in COPIES and not expr.args)
    ):
        expr = expr.args[0] if isinstance(expr.func, ast.Name) else expr.func.value  # type: ignore[union-attr]
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        return True
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        return binding is not None and binding.scope.kind == "module" and binding.kind != "import"
    return False


def _inside(model: SemanticModel, node: ast.AST, loop: ast.AST) -> bool:
    return any(ancestor is loop for ancestor in model.ancestors(node))


def _guarded_within(model: SemanticModel, call: ast.AST, loop: ast.AST) -> bool:
    """True when a ``try`` with handlers, inside the loop, has the send in its body."""
    child = call
    for ancestor in model.ancestors(call):
        if ancestor is loop:
            return False
        if isinstance(ancestor, ast.Try) and ancestor.handlers and child in ancestor.body:
            return True
        child = ancestor
    return False
