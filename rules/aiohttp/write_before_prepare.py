from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import qualified

#: responses the handler streams itself, and their sending methods that need ``prepare()`` first
STREAMED = {
    "aiohttp.web.StreamResponse": ("write", "write_eof"),
    "aiohttp.web.WebSocketResponse": ("send_str", "send_bytes", "send_json", "receive", "receive_str", "receive_json"),
}


class WriteBeforePrepare(Rule):
    """
    ## What it does
    Finds a `web.StreamResponse` written to (`write()`), or a `web.WebSocketResponse` sent on or
    received from, in a function that never calls its `prepare(request)`.

    ## Why is this bad?
    A stream response sends its status and headers in `prepare()`; until then there is no
    connection to write to. aiohttp raises `RuntimeError: Cannot call write() before prepare()`
    (for WebSockets: `Call .prepare() first`), and the client gets a 500 instead of the stream.

    ## Example
    ```python
    async def events(request):
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        async for event in subscribe():
            await response.write(f"data: {event}\\n\\n".encode())
        return response
    ```

    ## Use instead
    ```python
    async def events(request):
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        async for event in subscribe():
            await response.write(f"data: {event}\\n\\n".encode())
        return response
    ```

    ## Fix safety
    No fix is offered: `prepare()` needs the request, and it must come after the headers are set.
    """

    code = "AIO032"
    name = "aiohttp-write-before-prepare"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp stream or WebSocket response used without `await response.prepare(request)`"
    guidelines = (
        Quote("aiohttp", "Response Generation", "Implement proper streaming responses"),
        Quote("aiohttp", "WebSocket Support", "Use proper WebSocket routes"),
    )
    node_types = (ast.Assign,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Assign)
        if not (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)):
            return
        kind = qualified(model, node.value.func)
        methods = STREAMED.get(kind or "")
        function = model.enclosing_function(node)
        if methods is None or function is None:
            return
        name = node.targets[0].id
        uses = [
            attribute
            for attribute in model.nodes_in(function, ast.Attribute)
            if isinstance(attribute.value, ast.Name) and attribute.value.id == name  # type: ignore[attr-defined]
        ]
        if any(use.attr == "prepare" for use in uses):  # type: ignore[attr-defined]
            return
        if any(_passed(model, use, name) for use in model.nodes_in(function, ast.Name)):  # prepared elsewhere
            return
        sent = next((use for use in uses if use.attr in methods), None)  # type: ignore[attr-defined]
        if sent is None:
            return
        shown = kind.removeprefix("aiohttp.")  # type: ignore[union-attr]
        yield self.diagnostic(
            model.parent(sent),
            model,
            f"`{name}.{sent.attr}()` on a `{shown}` that {model.context_label(node)} never prepares: "  # type: ignore[attr-defined]
            f"aiohttp raises `RuntimeError`; call `await {name}.prepare(request)` first",
        )


def _passed(model: SemanticModel, use: ast.AST, name: str) -> bool:
    """``use`` reads ``name`` as an argument of a call: the callee may prepare it."""
    parent = model.parent(use)
    if isinstance(parent, ast.keyword):
        parent = model.parent(parent)
    return isinstance(use, ast.Name) and use.id == name and isinstance(parent, ast.Call) and parent.func is not use
