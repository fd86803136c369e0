from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: functions returning a (StreamReader, StreamWriter) pair
STREAM_FACTORIES = frozenset({
    "asyncio.open_connection", "asyncio.open_unix_connection",
    "asyncio.streams.open_connection", "asyncio.streams.open_unix_connection",
})

STREAM_WRITERS = frozenset({"asyncio.StreamWriter", "asyncio.streams.StreamWriter"})

#: StreamWriter methods that only append to the write buffer
BUFFERING_METHODS = frozenset({"write", "writelines"})


class WriteWithoutDrain(Rule):
    """
    ## What it does
    Finds `writer.write()` / `writer.writelines()` on an asyncio `StreamWriter` inside a loop of a
    coroutine, when nothing in that loop awaits `writer.drain()`.

    The writer is recognised by its type (`writer: asyncio.StreamWriter`), as the second value
    of `asyncio.open_connection()`, or as the `writer` parameter next to `reader` in a
    `start_server` callback.

    ## Why is this bad?
    `write()` never waits: it appends to the transport's buffer and returns. `drain()` is the
    flow control that makes the coroutine wait while the buffer is above its high-water mark.
    Without it, a loop that writes faster than the peer reads grows the buffer without limit, and
    a slow or stalled client can make the server hold its whole stream in memory.

    ## Example
    ```python
    async def send_rows(rows, writer):
        for row in rows:
            writer.write(row.encode())
    ```

    ## Use instead
    ```python
    async def send_rows(rows, writer):
        for row in rows:
            writer.write(row.encode())
            await writer.drain()
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY129"]`. It found nothing on
    the real-application corpus, and it is not a definite error: without `drain()` the buffer grows only
    when the peer is slower than the producer: flow control, a best practice.

    ## Fix safety
    No automatic fix: `await writer.drain()` lets other tasks run at that point, and where it
    belongs (after each write, or after a batch) is the program's choice.
    """

    code = "ASY129"
    name = "stream-write-without-drain"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`StreamWriter.write()` in a loop without `await writer.drain()`: no flow control"
    guidelines = (
        Quote("asyncio", "Streams and Protocols", "Use proper flow control"),
        Quote("asyncio", "Streams and Protocols", "Implement proper data buffering"),
    )
    node_types = (ast.Call,)
    callees = BUFFERING_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in BUFFERING_METHODS:
            return
        if not model.in_async_context(node) or not is_stream_writer(node.func.value, model):
            return
        loop = model.enclosing_loop(node)
        if loop is None:
            return
        while (outer := model.enclosing_loop(loop)) is not None:
            loop = outer
        function = model.enclosing_function(node)
        assert function is not None
        writer = model.segment(node.func.value)
        for call in model.nodes_in(function, ast.Call):
            assert isinstance(call, ast.Call)
            if (
                isinstance(call.func, ast.Attribute)
                and call.func.attr == "drain"
                and model.segment(call.func.value) == writer
                and any(ancestor is loop for ancestor in model.ancestors(call))
            ):
                return
        message = (
            f"`{model.segment(node.func)}()` in a loop of {model.context_label(node)} never waits for "
            f"`{writer}.drain()`: the write buffer grows without limit when the peer reads slowly; "
            f"`await {writer}.drain()` in the loop"
        )
        yield self.diagnostic(node, model, message)


def is_stream_writer(expr: ast.expr, model: SemanticModel) -> bool:
    """Whether ``expr`` is an asyncio ``StreamWriter``: by type, as the second value of
    ``open_connection()``, or as the ``writer`` parameter beside ``reader``."""
    if model.instance_type(expr) in STREAM_WRITERS:
        return True
    if not isinstance(expr, ast.Name):
        return False
    binding = model.lookup(expr.id, expr)
    if binding is None:
        return False
    if binding.kind == "parameter":
        # the start_server callback's convention: (reader, writer)
        function = binding.scope.function
        names = [arg.arg for arg in function.node.args.args] if function is not None else []
        return expr.id == "writer" and "reader" in names
    statement = binding.node
    if binding.kind != "assignment" or not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return False
    target, value = statement.targets[0], statement.value
    if isinstance(value, ast.Await):
        value = value.value
    return (
        isinstance(target, ast.Tuple)
        and len(target.elts) == 2
        and isinstance(target.elts[1], ast.Name)
        and target.elts[1].id == expr.id
        and isinstance(value, ast.Call)
        and model.qualified_name(value.func) in STREAM_FACTORIES
    )
