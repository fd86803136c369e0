from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import Binding, ClassInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: coroutine queues whose ``join()`` waits for one ``task_done()`` per item put
QUEUES = frozenset({
    "tornado.queues.Queue", "tornado.queues.PriorityQueue", "tornado.queues.LifoQueue",
    "asyncio.Queue", "asyncio.PriorityQueue", "asyncio.LifoQueue",
    "asyncio.queues.Queue", "asyncio.queues.PriorityQueue", "asyncio.queues.LifoQueue",
})  # fmt: skip
#: the methods a consumer takes an item with
GET_METHODS = ("get", "get_nowait")

#: what a queue expression is, to tell two spellings of the same queue: the binding of a plain
#: name, or (class, attribute) for ``self.<attribute>`` in the methods of one class
QueueKey = tuple[str, object]


class QueueJoinWithoutTaskDone(Rule):
    """
    ## What it does
    Finds `queue.join()` on a `tornado.queues.Queue` (or an `asyncio.Queue`) whose items the
    module takes with `queue.get()` (or `async for item in queue`) while nothing in the module
    calls `task_done()` on it (a `task_done()` on a receiver the module cannot tell apart from
    that queue, such as a function's parameter, counts as called).

    ## Why is this bad?
    A queue counts unfinished tasks: `put()` adds one, and only `task_done()` takes one away;
    `get()` does not. `join()` waits until the count is back to zero, so when the consumers never
    call `task_done()`, `join()` never returns (with a `timeout`, it always raises
    `tornado.util.TimeoutError`), even though every item was processed long ago. The coroutine
    waiting on it hangs, and whatever it was to do next (answer the request, shut down) never
    happens.

    ## Example
    ```python
    from tornado import queues, web

    jobs = queues.Queue()

    async def worker():
        async for job in jobs:
            await process(job)

    class BatchHandler(web.RequestHandler):
        async def post(self):
            for job in parse(self.request.body):
                await jobs.put(job)
            await jobs.join()
            self.write("done")
    ```

    ## Use instead
    ```python
    from tornado import queues, web

    jobs = queues.Queue()

    async def worker():
        async for job in jobs:
            try:
                await process(job)
            finally:
                jobs.task_done()
    ```
    (the handler unchanged: `join()` now returns once every job put is processed).

    ## Fix safety
    There is no automatic fix: `task_done()` belongs after the consumer's work on each item, in a
    `finally:` so that a failing item still counts, and only the consumer's author knows where
    that work ends.
    """

    code = "TOR041"
    name = "queue-join-without-task-done"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`queue.join()` on a queue whose consumer never calls `task_done()`"
    guidelines = (
        Quote("tornado", "Asynchronous Programming", "Implement proper task coordination"),
        Quote("tornado", "Concurrent Execution", "Use proper coroutine coordination"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"join"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "join"):
            return
        if model.instance_type(func.value) not in QUEUES or (queue := queue_key(model, func.value)) is None:
            return
        if marks_done(model, queue):
            return
        taken = list(consumers(model, queue))
        if not taken:
            return  # the items are taken elsewhere, where task_done() may well be called
        consumer = min(taken, key=lambda at: (at.lineno, at.col_offset))  # type: ignore[attr-defined]
        name = model.segment(func.value)
        message = (
            f"`{name}.join()` in {model.context_label(node)} cannot complete: the items taken at line "
            f"{consumer.lineno} ({model.context_label(consumer)}) are never marked done; call `{name}.task_done()` "
            f"once per item taken, in a `finally:` after its work"
        )
        yield self.diagnostic(node, model, message)


def queue_key(model: SemanticModel, expr: ast.expr) -> QueueKey | None:
    """What ``expr`` is, to match other spellings of the same queue; None when that is not known."""
    if isinstance(expr, ast.Name):
        binding: Binding | None = model.lookup(expr.id, expr)
        return ("name", id(binding)) if binding is not None else None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        owner = _self_class(model, expr.value)
        return ("attribute", (id(owner), expr.attr)) if owner is not None else None
    return None


def _self_class(model: SemanticModel, name: ast.Name) -> ClassInfo | None:
    """The class when ``name`` is the ``self`` parameter of one of its methods."""
    found = model.parameter_of(name)
    if found is None:
        return None
    function, parameter = found
    positional = [*function.node.args.posonlyargs, *function.node.args.args]
    if function.class_info is None or function.outer.kind != "class" or positional[:1] != [parameter]:
        return None
    return function.class_info


def marks_done(model: SemanticModel, queue: QueueKey) -> bool:
    """True when some ``task_done()`` of the module may be on ``queue``: every one is, except those
    on another queue the module knows (by its type and spelling)."""
    for attribute in model.attributes_named("task_done"):
        receiver = attribute.value
        if model.instance_type(receiver) not in QUEUES or queue_key(model, receiver) in (None, queue):
            return True
    return False


def consumers(model: SemanticModel, queue: QueueKey) -> Iterator[ast.AST]:
    """Where the module takes items from ``queue``: ``get()``/``get_nowait()`` calls and ``async for``
    loops over it."""
    for method in GET_METHODS:
        for attribute in model.attributes_named(method):
            parent = model.parent(attribute)
            if isinstance(parent, ast.Call) and parent.func is attribute and queue_key(model, attribute.value) == queue:
                yield parent
    for loop in model.nodes(ast.AsyncFor):
        assert isinstance(loop, ast.AsyncFor)
        if queue_key(model, loop.iter) == queue:
            yield loop
