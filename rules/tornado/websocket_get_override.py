from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import websocket_class


class WebSocketGetOverride(Rule):
    """
    ## What it does
    Finds `get` methods defined in Tornado `WebSocketHandler` subclasses that never call the
    base class's `get` (`super().get(...)` or `WebSocketHandler.get(self, ...)`).

    ## Why is this bad?
    `WebSocketHandler.get` is the WebSocket handshake: it checks the upgrade headers and the
    origin, and switches the connection to the WebSocket protocol before `open()` runs. A `get`
    that replaces it answers the upgrade request as plain HTTP, so the client's connection fails
    and `open`, `on_message` and `on_close` are never called. Per-connection set-up belongs in
    `open()` (or `prepare()` to refuse the upgrade).

    ## Example
    ```python
    from tornado import websocket

    class ChatSocket(websocket.WebSocketHandler):
        def get(self):
            self.room = self.get_argument("room")

        def on_message(self, message):
            self.write_message(message)
    ```

    ## Use instead
    ```python
    from tornado import websocket

    class ChatSocket(websocket.WebSocketHandler):
        def open(self):
            self.room = self.get_argument("room")

        def on_message(self, message):
            self.write_message(message)
    ```

    ## Fix safety
    There is no automatic fix: whether the code belongs in `open()`, in `prepare()` or before a
    `super().get()` call depends on what it does.
    """

    code = "TOR022"
    name = "websocket-get-override"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`get()` overridden in a `WebSocketHandler` without calling the handshake"
    guidelines = (
        Quote("tornado", "WebSockets", "Use proper WebSocketHandler implementation"),
        Quote("tornado", "Request Handling", "Implement effective method overrides"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if node.name != "get":
            return
        function = model.function_info(node)
        if function is None or function.outer.kind != "class" or not websocket_class(model, function.class_info):
            return
        for attribute in model.nodes_in(function, ast.Attribute):
            assert isinstance(attribute, ast.Attribute)
            if attribute.attr == "get" and _calls_base(attribute, model):
                return
        class_name = function.class_info.name  # type: ignore[union-attr]
        message = (
            f"`{class_name}.get` replaces `WebSocketHandler.get`, the WebSocket handshake: the upgrade is answered "
            "as plain HTTP and `open`/`on_message` never run; move the code to `open()` or call `await super().get(*args, **kwargs)`"
        )
        yield self.diagnostic(node, model, message)


def _calls_base(attribute: ast.Attribute, model: SemanticModel) -> bool:
    """True for ``super().get`` and ``<Base>.get`` where the base is a class (not ``self``)."""
    receiver = attribute.value
    if isinstance(receiver, ast.Call):
        return model.qualified_name(receiver.func) == "builtins.super"
    if isinstance(receiver, (ast.Name, ast.Attribute)):
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
            return False
        return model.class_def(receiver) is not None or (model.qualified_name(receiver) or "").startswith("tornado.")
    return False
