from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import websocket_class


class WebSocketAnyOrigin(Rule):
    """
    ## What it does
    Finds `check_origin` overrides in Tornado `WebSocketHandler` subclasses that accept every
    origin: a method whose every path ends in `return True`, or
    `check_origin = lambda self, origin: True`.

    ## Why is this bad?
    Browsers let any page open a WebSocket to any host, and send that host's cookies with the
    handshake. Tornado's default `check_origin` accepts only pages of the WebSocket's own host;
    returning `True` turns that off, so a page on any site can open an authenticated connection
    as the visitor and read and send messages in their name (cross-site WebSocket hijacking).

    ## Example
    ```python
    from tornado import websocket

    class ChatSocket(websocket.WebSocketHandler):
        def check_origin(self, origin):
            return True
    ```

    ## Use instead
    ```python
    from urllib.parse import urlparse

    from tornado import websocket

    ALLOWED_HOSTS = {"example.com", "app.example.com"}

    class ChatSocket(websocket.WebSocketHandler):
        def check_origin(self, origin):
            return urlparse(origin).hostname in ALLOWED_HOSTS
    ```

    Or drop the override to accept the handler's own host only.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR007"]`. It found nothing on
    the real-application corpus, and it is not a definite error: accepting every origin is right for
    public, token-authenticated WebSockets.

    ## Fix safety
    There is no automatic fix: which origins to accept is the application's decision.
    """

    code = "TOR007"
    name = "websocket-any-origin"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "WebSocket `check_origin` that accepts every origin"
    guidelines = (
        Quote("tornado", "WebSockets", "Use proper authentication"),
        Quote("tornado", "Authentication and Security", "Implement proper authorization checks"),
        Quote("tornado", "Key Principles", "Create secure and reliable real-time web applications"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        scope = model.scope(node)
        if scope.kind != "class" or not websocket_class(model, scope.class_info):
            return
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name) and t.id == "check_origin"]
            value = node.value
            if targets and isinstance(value, ast.Lambda) and _is_true(value.body):
                yield self._report(value.body, model, scope.class_info.name)  # type: ignore[union-attr]
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        function = model.function_info(node)
        if node.name != "check_origin" or function is None:
            return
        last = _always_true(function, model)
        if last is not None:
            yield self._report(last, model, scope.class_info.name)  # type: ignore[union-attr]

    def _report(self, node: ast.AST, model: SemanticModel, class_name: str) -> Diagnostic:
        message = (
            f"`{class_name}.check_origin` accepts WebSocket connections from every origin: any site can open one "
            "with the visitor's cookies (cross-site WebSocket hijacking); compare the origin's host with an allow-list"
        )
        return self.diagnostic(node, model, message)


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _always_true(function: FunctionInfo, model: SemanticModel) -> ast.Return | None:
    """The final ``return True`` when every ``return`` of the function returns ``True``, none raises,
    and the body ends with it (so no path falls through to ``None``)."""
    body = function.node.body
    last = body[-1]
    if not (isinstance(last, ast.Return) and _is_true(last.value)):
        return None
    returns = [node for node in model.nodes(ast.Return) if model.scope(node) is function.scope]
    raises = [node for node in model.nodes(ast.Raise) if model.scope(node) is function.scope]
    if raises or not all(_is_true(node.value) for node in returns):  # type: ignore[attr-defined]
        return None
    return last
