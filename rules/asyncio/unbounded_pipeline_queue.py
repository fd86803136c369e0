from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity

#: asyncio's queues, unbounded unless given a maxsize
QUEUES = frozenset({
    "asyncio.Queue", "asyncio.LifoQueue", "asyncio.PriorityQueue",
    "asyncio.queues.Queue", "asyncio.queues.LifoQueue", "asyncio.queues.PriorityQueue",
})


class UnboundedPipelineQueue(Rule):
    """
    ## What it does
    Finds `queue.put()` / `put_nowait()` in a loop of a producer, on an asyncio queue created
    without a `maxsize` (or with `maxsize=0`). `put_nowait()` counts only in a coroutine, which
    can `await queue.put()` instead: in a plain callback (a protocol's `data_received()`) a bound
    would only make it raise `QueueFull`.

    ## Why is this bad?
    An unbounded queue never makes the producer wait: `await queue.put()` returns at once. When
    the producer (reading a file, a socket, a database cursor) is faster than the consumers, the
    whole stream piles up in memory, and the pipeline has no backpressure. With `maxsize`, `put()`
    waits while the queue is full, so the producer runs at the consumers' pace.

    ## Example
    ```python
    import asyncio

    async def pipeline(rows):
        queue = asyncio.Queue()
        consumer = asyncio.create_task(store(queue))
        async for row in rows:
            await queue.put(row)
        await queue.join()
        consumer.cancel()
    ```

    ## Use instead
    ```python
    import asyncio

    async def pipeline(rows):
        queue = asyncio.Queue(maxsize=100)
        consumer = asyncio.create_task(store(queue))
        async for row in rows:
            await queue.put(row)
        await queue.join()
        consumer.cancel()
    ```

    ## Fix safety
    No automatic fix: the bound depends on the items' size and the consumers' speed; a bound
    also makes `put_nowait()` raise `QueueFull`, which the code must then handle.
    """

    code = "ASY156"
    name = "unbounded-pipeline-queue"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "Producer loop feeding an unbounded `asyncio.Queue`: no backpressure"
    guidelines = (Quote("asyncio", "Advanced Patterns", "Use proper streaming pipelines"),)
    node_types = (ast.Call,)
    callees = frozenset({"put", "put_nowait"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in ("put", "put_nowait"):
            return
        if model.enclosing_loop(node) is None:
            return
        waits = node.func.attr == "put"
        if not waits and not model.in_async_context(node):
            return  # a callback that cannot wait: a bound would only make `put_nowait()` raise `QueueFull`
        receiver = node.func.value
        queue_type = model.instance_type(receiver)
        if queue_type not in QUEUES:
            return
        creation = _creation(receiver, model)
        if creation is None:
            return  # created elsewhere: its size is not known here
        size = argument(creation, 0, "maxsize")
        if size is not None and not (isinstance(size, ast.Constant) and size.value == 0):
            return
        advice = "give the queue a `maxsize`" if waits else "give the queue a `maxsize` and `await` its `put()`"
        message = (
            f"`{model.segment(node.func)}()` in a loop of {model.context_label(node)} feeds a queue created without "
            f"`maxsize`: it never waits, so a fast producer piles the whole stream up in memory; {advice}"
        )
        yield self.diagnostic(node, model, message)


def _creation(receiver: ast.expr, model: SemanticModel) -> ast.Call | None:
    """The constructor call that made the queue, when the module shows it (a name or ``self.<attr>``)."""
    if isinstance(receiver, ast.Name):
        binding = model.lookup(receiver.id, receiver)
        value = binding.value if binding is not None else None
        return value if isinstance(value, ast.Call) else None
    if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name):
        function = model.enclosing_function(receiver)
        if function is not None and function.class_info is not None:
            for value in function.class_info.attributes.get(receiver.attr, ()):
                if isinstance(value, ast.Call):
                    return value
    return None
