from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: exceptions whose handler catches what ``write_message`` raises on a closed connection
CLOSED_ERRORS = frozenset(
    {
        "tornado.websocket.WebSocketClosedError",
        "tornado.websocket.WebSocketError",
        "tornado.iostream.StreamClosedError",
        "builtins.Exception",
        "builtins.BaseException",
    }
)
SUPPRESS = "contextlib.suppress"
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class BroadcastWithoutClosedHandling(Rule):
    """
    ## What it does
    Finds `connection.write_message(...)` called on the variable of a loop (or comprehension)
    over connections, where no `try`/`except` (or `contextlib.suppress`) inside the loop catches
    `WebSocketClosedError`, or a broader class that includes it.

    ## Why is this bad?
    `write_message` raises `tornado.websocket.WebSocketClosedError` when the connection has
    closed, and a broadcast list always holds some that closed moments ago and have not been
    removed yet (their `on_close` runs later). The first one stops the loop: every connection
    after it misses the message, and the exception ends the handler that broadcast. A `try`
    around the whole loop does not help, as the loop still stops at the first closed connection.

    ## Example
    ```python
    from tornado import websocket

    class ChatSocket(websocket.WebSocketHandler):
        waiters = set()

        def on_message(self, message):
            for waiter in self.waiters:
                waiter.write_message(message)
    ```

    ## Use instead
    ```python
    import logging

    from tornado import websocket

    class ChatSocket(websocket.WebSocketHandler):
        waiters = set()

        def on_message(self, message):
            for waiter in list(self.waiters):
                try:
                    waiter.write_message(message)
                except websocket.WebSocketClosedError:
                    self.waiters.discard(waiter)
                    logging.info("dropped a closed connection")
    ```

    ## Fix safety
    There is no automatic fix: what to do with a closed connection (drop it, log it) is the
    application's choice.
    """

    code = "TOR016"
    name = "broadcast-without-closed-handling"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`write_message` in a loop over connections without handling `WebSocketClosedError`"
    guidelines = (
        Quote("tornado", "WebSockets", "Create effective broadcasting patterns"),
        Quote("tornado", "WebSockets", "Create appropriate connection management"),
        Quote("tornado", "Key Principles", "Create robust WebSocket implementation"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"write_message"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "write_message" and isinstance(func.value, ast.Name)):
            return
        loop = model.enclosing_loop(node)
        if loop is None or not _loop_variable(model, func.value, loop) or _handled(model, node, loop):
            return
        message = (
            f"`{model.segment(func)}()` in a loop over connections: the first closed one raises WebSocketClosedError "
            "and the rest miss the message; catch `WebSocketClosedError` around the call, inside the loop"
        )
        yield self.diagnostic(node, model, message)


def _loop_variable(model: SemanticModel, name: ast.Name, loop: ast.AST) -> bool:
    """True when ``name`` is bound by the loop itself: its target, or a comprehension's."""
    binding = model.lookup(name.id, name)
    if binding is None or binding.kind != "loop":
        return False
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return binding.node is loop
    if isinstance(loop, _COMPREHENSIONS):
        return any(binding.node is generator for generator in loop.generators)
    return False


def _handled(model: SemanticModel, call: ast.Call, loop: ast.AST) -> bool:
    """True when a ``try`` body or ``suppress`` block between the loop and the call catches a closed connection."""
    child: ast.AST = call
    for ancestor in model.ancestors(call):
        if ancestor is loop:
            return False
        if isinstance(ancestor, ast.Try) and any(child is statement for statement in ancestor.body):
            if any(_catches(model, handler) for handler in ancestor.handlers):
                return True
        if type(ancestor).__name__ == "TryStar" and any(child is statement for statement in ancestor.body):  # type: ignore[attr-defined]
            if any(_catches(model, handler) for handler in ancestor.handlers):  # type: ignore[attr-defined]
                return True
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(child is statement for statement in ancestor.body):
            for item in ancestor.items:
                context = item.context_expr
                if isinstance(context, ast.Call) and model.qualified_name(context.func) == SUPPRESS:
                    if any(_is_closed_error(model, argument) for argument in context.args):
                        return True
        child = ancestor
    return False


def _catches(model: SemanticModel, handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(_is_closed_error(model, exception) for exception in types)


def _is_closed_error(model: SemanticModel, exception: ast.expr) -> bool:
    return model.qualified_name(exception) in CLOSED_ERRORS
