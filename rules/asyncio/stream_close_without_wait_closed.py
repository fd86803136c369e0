from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from .write_without_drain import is_stream_writer


class StreamCloseWithoutWaitClosed(Rule):
    """
    ## What it does
    Finds `writer.close()` on an asyncio `StreamWriter` in a coroutine that never awaits
    `writer.wait_closed()`.

    The writer is recognised as in `ASY129`: by its type, as the second value of
    `asyncio.open_connection()`, or as the `writer` parameter next to `reader`.

    ## Why is this bad?
    `close()` only starts closing: buffered data is still being flushed and the socket is still
    open when it returns. Without `await writer.wait_closed()`, the coroutine moves on (or returns
    and its caller reconnects) before the connection is gone, errors raised while flushing are
    never seen, and under load sockets pile up in the closing state. The asyncio documentation
    pairs the two calls.

    ## Example
    ```python
    async def handle(reader, writer):
        writer.write(b"bye\\n")
        writer.close()
    ```

    ## Use instead
    ```python
    async def handle(reader, writer):
        writer.write(b"bye\\n")
        writer.close()
        await writer.wait_closed()
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY148"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `wait_closed()` after `close()` is tidy
    shutdown; leaving it out loses only late errors.

    ## Fix safety
    No automatic fix: `wait_closed()` can raise the connection's error (a reset by the peer),
    which the code may need to handle.
    """

    code = "ASY148"
    name = "stream-close-without-wait-closed"
    opt_in = True
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "`StreamWriter.close()` without `await writer.wait_closed()`"
    guidelines = (Quote("asyncio", "Error Handling", "Implement proper cleanup actions"),)
    node_types = (ast.Call,)
    callees = frozenset({"close"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr != "close":
            return
        if not model.in_async_context(node) or not is_stream_writer(node.func.value, model):
            return
        function = model.enclosing_function(node)
        assert function is not None
        writer = model.segment(node.func.value)
        for call in model.nodes_in(function, ast.Call):
            assert isinstance(call, ast.Call)
            if isinstance(call.func, ast.Attribute) and call.func.attr == "wait_closed" and model.segment(call.func.value) == writer:
                return
        message = (
            f"`{writer}.close()` in {model.context_label(node)} only starts closing the connection; "
            f"`await {writer}.wait_closed()` after it, so that the socket is gone and closing errors are seen"
        )
        yield self.diagnostic(node, model, message)
