from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_sanic_handler

#: the exception a cancelled task receives, by its spellings
CANCELLED = frozenset({"asyncio.CancelledError", "asyncio.exceptions.CancelledError", "concurrent.futures.CancelledError"})


class SwallowedCancellationInHandler(Rule):
    """
    ## What it does
    Finds `except asyncio.CancelledError:` blocks in Sanic request and websocket handlers that do
    not raise again.

    ## Why is this bad?
    Sanic cancels a handler's task when the client disconnects, when `RESPONSE_TIMEOUT` runs out,
    and when the server shuts down. A handler that catches the `CancelledError` and carries on
    keeps working (and holding connections) for a client that is gone; a websocket handler that
    does so in its loop never ends, so the worker cannot stop gracefully and is killed after
    `GRACEFUL_SHUTDOWN_TIMEOUT`.

    ## Example
    ```python
    @app.websocket("/feed")
    async def feed(request, ws):
        while True:
            try:
                await ws.send(await next_event())
            except asyncio.CancelledError:
                logger.info("feed interrupted")
    ```

    ## Use instead
    ```python
    @app.websocket("/feed")
    async def feed(request, ws):
        while True:
            try:
                await ws.send(await next_event())
            except asyncio.CancelledError:
                logger.info("feed interrupted")
                raise
    ```
    (or clean up in `finally:`).

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN040"]`. A Sanic handler may
    catch the cancellation of work it timed out on purpose and answer with what it has; on the
    real-application corpus the sampled findings were such handlers. Enable it to review every handler
    that swallows a cancellation.

    ## Fix safety
    There is no automatic fix: a bare `raise` at the end of the block is usually right, but code
    after the `try` may rely on running.
    """

    code = "SAN040"
    name = "swallowed-cancellation-in-handler"
    opt_in = True
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Sanic handler catches `CancelledError` and does not re-raise it"
    guidelines = (Quote("sanic", "Asynchronous Programming", "Use proper cancellation handling"),)
    node_types = (ast.ExceptHandler,)
    supersedes = ("ASY115",)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.ExceptHandler)
        if node.type is None:
            return
        types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        if not any(model.qualified_name(caught) in CANCELLED for caught in types):
            return
        function = model.enclosing_function(node)
        if not is_sanic_handler(function):
            return
        if any(node in model.ancestors(raised) for raised in model.nodes_in(function, ast.Raise)):
            return
        message = (
            f"`except {model.segment(node.type)}:` in {model.context_label(node)} swallows the cancellation Sanic "
            f"sends when the client disconnects, the response times out or the server stops; "
            f"end the block with `raise` (or clean up in `finally:`)"
        )
        yield self.diagnostic(node, model, message)
