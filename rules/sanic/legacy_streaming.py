from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.sanic import qualified

#: the callback-style streaming API -> when Sanic removed it
LEGACY_STREAMING = {
    "sanic.response.stream": "deprecated in Sanic 21.12 and removed in 22.6",
    "sanic.response.StreamingHTTPResponse": "removed in Sanic 21.12",
}


class LegacyStreaming(Rule):
    """
    ## What it does
    Finds responses streamed the old way: `sanic.response.stream(callback)` and
    `StreamingHTTPResponse(callback)`, where Sanic calls a callback that writes to the response.

    ## Why is this bad?
    `StreamingHTTPResponse` was removed in Sanic 21.12 and `stream()` in 22.6: on current Sanic
    the import fails and the application does not start, and code kept on an old Sanic for them
    misses years of fixes. The callback style also hides the streaming in a nested function,
    where errors and cancellation are hard to follow. Since 21.3 a handler streams directly with
    `await request.respond()`, and response middleware still runs.

    ## Example
    ```python
    from sanic.response import stream


    @app.get("/export")
    async def export(request):
        async def write_rows(response):
            async for row in fetch_rows():
                await response.write(row.to_csv())

        return stream(write_rows, content_type="text/csv")
    ```

    ## Use instead
    ```python
    @app.get("/export")
    async def export(request):
        response = await request.respond(content_type="text/csv")
        async for row in fetch_rows():
            await response.send(row.to_csv())
        await response.eof()
    ```

    ## Fix safety
    There is no automatic fix: the callback's body has to move into the handler.
    """

    code = "SAN011"
    name = "legacy-streaming"
    framework = "sanic"
    severity = Severity.INFORMATION
    summary = "Callback streaming (`stream()`, `StreamingHTTPResponse`) instead of `await request.respond()`"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Use proper streaming responses"),
        Quote("sanic", "Performance Optimization", "Create effective streaming responses"),
        Quote("sanic", "Key Principles", "Follow established Sanic best practices"),
    )
    node_types = (ast.Call,)
    callees = callees_of(LEGACY_STREAMING)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = qualified(model, node.func)
        status = LEGACY_STREAMING.get(name or "")
        if status is None:
            return
        shown = name.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        message = (
            f"`{shown}()` streams through a callback, {status}; stream from the handler with "
            "`response = await request.respond(...)`, then `await response.send(...)`"
        )
        yield self.diagnostic(node, model, message)
