from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import handler_self, websocket_class

#: the RequestHandler methods Tornado replaces with a RuntimeError once the WebSocket is open
HTTP_ONLY_METHODS = frozenset({"write", "redirect", "set_header", "set_cookie", "set_status", "flush", "finish"})
#: WebSocketHandler methods that run on an open connection
CONNECTION_METHODS = frozenset({"open", "on_message", "on_close", "on_ping", "on_pong"})


class HttpOutputInWebSocket(Rule):
    """
    ## What it does
    Finds `self.write()`, `self.finish()`, `self.set_header()`, `self.set_status()`,
    `self.set_cookie()`, `self.redirect()` and `self.flush()` called in the `open`, `on_message`,
    `on_close`, `on_ping` or `on_pong` methods of a Tornado `WebSocketHandler`.

    ## Why is this bad?
    Once the handshake is done, the connection speaks the WebSocket protocol, not HTTP: Tornado
    replaces these methods with one that raises `RuntimeError: Method not supported for Web
    Sockets`. The message is lost and the error ends up in the log (or closes the connection).
    Messages go out with `self.write_message()`, and a connection ends with `self.close(code,
    reason)`.

    ## Example
    ```python
    from tornado import websocket

    class EchoSocket(websocket.WebSocketHandler):
        def on_message(self, message):
            self.write(message)
    ```

    ## Use instead
    ```python
    from tornado import websocket

    class EchoSocket(websocket.WebSocketHandler):
        def on_message(self, message):
            self.write_message(message)
    ```

    ## Fix safety
    There is no automatic fix: `write` and `finish` have no one-to-one WebSocket counterpart
    (`write_message`, `close`), and headers cannot be set after the handshake at all.
    """

    code = "TOR033"
    name = "http-output-in-websocket"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "HTTP response method called on an open Tornado WebSocket"
    guidelines = (
        Quote("tornado", "WebSockets", "Implement effective message handling"),
        Quote("tornado", "WebSockets", "Use proper WebSocketHandler implementation"),
    )
    node_types = (ast.Call,)
    callees = HTTP_ONLY_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in HTTP_ONLY_METHODS):
            return
        class_info = handler_self(model, node.func.value)
        if class_info is None or not websocket_class(model, class_info):
            return
        function = model.enclosing_function(node)
        while function is not None and function.outer.kind == "function":
            function = function.outer.function  # a closure runs when its method does
        if function is None or function.name not in CONNECTION_METHODS:
            return
        method = node.func.attr
        instead = {"write": "`self.write_message()`", "finish": "`self.close()`", "redirect": "`self.close()`"}.get(
            method, "nothing: headers, cookies and the status are set in `prepare()` or `get()` before the handshake"
        )
        message = (
            f"`self.{method}()` in `{class_info.name}.{function.name}` raises RuntimeError: once the WebSocket is open "
            f"Tornado does not support HTTP response methods; use {instead}"
        )
        yield self.diagnostic(node, model, message)
