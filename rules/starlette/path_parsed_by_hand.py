from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.starlette import connection_kind

#: string methods that cut a path into parts
SPLITTING = frozenset({"split", "rsplit", "partition", "rpartition", "removeprefix"})


class PathParsedByHand(Rule):
    """
    ## What it does
    Finds an endpoint that cuts its own URL path into pieces to get a parameter:
    `websocket.url.path.split("/")[-1]`, `request.url.path.rsplit("/", 1)`,
    `websocket.scope["path"].removeprefix("/rooms/")`.

    ## Why is this bad?
    The router has already matched the path and extracted its parameters into
    `websocket.path_params` / `request.path_params`, converted by the route's convertors
    (`{room_id:int}`). Parsing the path again breaks as soon as the application is mounted under
    a prefix (`Mount("/api", ...)`), the route changes, or a trailing slash is added, and skips
    the validation the convertor does.

    ## Example
    ```python
    async def room(websocket):
        room_id = websocket.url.path.split("/")[-1]
        ...

    routes = [WebSocketRoute("/rooms/{room_id}", room)]
    ```

    ## Use instead
    ```python
    async def room(websocket):
        room_id = websocket.path_params["room_id"]
        ...

    routes = [WebSocketRoute("/rooms/{room_id:int}", room)]
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA038"]`. It found nothing on
    the real-application corpus, and it is not a definite error: style: `path_params` instead of parsing
    the path by hand.

    ## Fix safety
    There is no automatic fix: the parameter may not be declared in the route yet.
    """

    code = "STA038"
    name = "path-parsed-by-hand"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "URL parameter parsed from `url.path` by hand: use `path_params`"
    guidelines = (
        Quote("starlette", "WebSocket Management", "Use `websocket.path_params` for URL parameters in WebSocket routes"),
    )
    node_types = (ast.Call,)
    callees = SPLITTING

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in SPLITTING):
            return
        connection = _path_of(node.func.value)
        if connection is None:
            return
        kind = connection_kind(connection, model)
        if kind is None:
            return
        shown = model.segment(connection)
        message = (
            f"`{model.segment(node.func)}(...)` in {model.context_label(node)} parses a parameter out of the path, "
            f"which the router has already done: declare it in the route (`{{name:int}}`) and read `{shown}.path_params[\"name\"]`"
        )
        yield self.diagnostic(node, model, message)


def _path_of(expr: ast.expr) -> ast.expr | None:
    """``conn`` for ``conn.url.path`` or ``conn.scope["path"]``."""
    if isinstance(expr, ast.Attribute) and expr.attr == "path":
        url = expr.value
        if isinstance(url, ast.Attribute) and url.attr == "url":
            return url.value
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and expr.slice.value == "path":
        scope = expr.value
        if isinstance(scope, ast.Attribute) and scope.attr == "scope":
            return scope.value
    return None
