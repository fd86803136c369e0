from __future__ import annotations

import ast
from collections.abc import Iterator

from ..blocking import BlockingCallRule
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic

_QUEUE = "an `asyncio.Queue`, `get_nowait()`/`put_nowait()`, or `await asyncio.to_thread(...)` for a queue shared with threads"
_THREAD_QUEUES = ("queue.Queue", "queue.LifoQueue", "queue.PriorityQueue")

#: ``threading`` class -> its async counterpart, for locks that are also taken with ``with``
LOCK_REPLACEMENTS: dict[str, str] = {
    "threading.Lock": "`asyncio.Lock` (`async with lock:`)",
    "threading.RLock": "`asyncio.Lock` (`async with lock:`)",
    "threading.Semaphore": "`asyncio.Semaphore` (`async with semaphore:`)",
    "threading.BoundedSemaphore": "`asyncio.BoundedSemaphore` (`async with semaphore:`)",
    "threading.Condition": "`asyncio.Condition` (`async with condition:`)",
}

#: qualified call -> the async replacement
BLOCKING_THREAD_CALLS: dict[str, str] = {
    **{f"{lock}.acquire": replacement for lock, replacement in LOCK_REPLACEMENTS.items()},
    "threading.Condition.wait": "`asyncio.Condition`",
    "threading.Condition.wait_for": "`asyncio.Condition`",
    "threading.Event.wait": "`asyncio.Event`, or `await asyncio.to_thread(event.wait)` for an event set by a thread",
    "threading.Barrier.wait": "`asyncio.Barrier` (Python 3.11+) or `await asyncio.to_thread(barrier.wait)`",
    "threading.Thread.join": "`await asyncio.to_thread(thread.join)`",
    **{f"{queue}.{method}": _QUEUE for queue in _THREAD_QUEUES for method in ("get", "put")},
    "queue.SimpleQueue.get": _QUEUE,  # its put() never waits
}

#: method -> the arguments, as (position, keyword), that make it return at once when given False or 0
NON_BLOCKING_ARGUMENTS: dict[str, tuple[tuple[int, str], ...]] = {
    "acquire": ((0, "blocking"), (1, "timeout")),
    "wait": ((0, "timeout"),),
    "wait_for": ((1, "timeout"),),
    "join": ((0, "timeout"),),
    "get": ((0, "block"), (1, "timeout")),
    "put": ((1, "block"), (2, "timeout")),
}


class BlockingThreadPrimitive(BlockingCallRule):
    """
    ## What it does
    Finds thread synchronisation used from async code: `acquire()` of a `threading.Lock`, `RLock`,
    `Semaphore`, `BoundedSemaphore` or `Condition`, or `with lock:` on one; `wait()` of a
    `threading.Event`, `Condition` or `Barrier`; `Thread.join()`; and the blocking `get()`/`put()`
    of a `queue.Queue` (and `LifoQueue`, `PriorityQueue`, `SimpleQueue.get()`).

    Calls that cannot wait are not reported: `acquire(blocking=False)`, `wait(0)`,
    `get(block=False)`/`get_nowait()`, `put_nowait()`, and `put()` on a queue created without a
    `maxsize`.

    ## Why is this bad?
    These primitives wait by blocking the thread. In a coroutine that thread is the event loop's:
    while a worker thread holds the lock (or the queue is empty, or the event is not set), nothing
    else on the loop runs. If the lock is held by another coroutine of the same loop, that
    coroutine can never run to release it: the whole process deadlocks.

    ## Example
    ```python
    import threading

    cache_lock = threading.Lock()

    async def refresh(cache, client):
        with cache_lock:
            cache.update(await client.fetch_all())
    ```

    ## Use instead
    ```python
    import asyncio

    cache_lock = asyncio.Lock()

    async def refresh(cache, client):
        async with cache_lock:
            cache.update(await client.fetch_all())
    ```
    For state truly shared with threads, wait in a thread (`await asyncio.to_thread(jobs.get)`) or
    hand work to the loop with `loop.call_soon_threadsafe()`.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY107"]`. A thread lock, event
    or queue used in async code is often shared with a real worker thread, where an asyncio primitive
    would not exclude the thread, or never blocks (`put()` on an unbounded `queue.Queue`); on the
    real-application corpus every sampled finding was such a case. Enable it to find thread primitives
    that wait on the event loop.

    ## Fix safety
    No automatic fix: an `asyncio` primitive only works between coroutines of one loop; when the
    other side is a thread, the code needs a different hand-off, which the linter cannot tell.
    """

    code = "ASY107"
    name = "blocking-thread-primitive-in-async"
    opt_in = True
    framework = "asyncio"
    summary = "Thread lock, event or queue waited on in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "Synchronization Primitives", "Use proper Lock implementation"),
        Quote("asyncio", "Synchronization Primitives", "Implement effective Event usage"),
        Quote("asyncio", "Synchronization Primitives", "Use proper queues"),
        Quote("asyncio", "Thread and Process Integration", "Implement proper thread safety"),
        Quote("asyncio", "Key Principles", "Apply effective synchronization primitives"),
        Quote("asyncio", "Thread and Process Integration", "Create effective synchronization"),
    )
    node_types = (ast.Call, ast.With)
    calls = BLOCKING_THREAD_CALLS
    framework_quotes = {
        "sanic": (Quote("sanic", "Asynchronous Programming", "Implement proper synchronization primitives"),),
    }

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.With):
            yield from self.check_with(node, model)
            return
        assert isinstance(node, ast.Call)
        for diagnostic in super().check(node, model):
            if not _returns_at_once(node, model):
                yield diagnostic

    def check_with(self, node: ast.With, model: SemanticModel) -> Iterator[Diagnostic]:
        if not model.in_async_context(node):
            return
        for item in node.items:
            lock = model.instance_type(item.context_expr)
            replacement = LOCK_REPLACEMENTS.get(lock or "")
            if replacement is not None:
                message = (
                    f"`with` on a `{lock}` blocks the event loop in {model.context_label(node)} while "
                    f"another thread holds it; use {replacement}"
                )
                yield self.diagnostic(item.context_expr, model, message)


def _returns_at_once(call: ast.Call, model: SemanticModel) -> bool:
    """True when the arguments say the call cannot wait, or it is a put() on an unbounded queue."""
    if not isinstance(call.func, ast.Attribute):
        return False
    method = call.func.attr
    for position, keyword_name in NON_BLOCKING_ARGUMENTS.get(method, ()):
        value = argument(call, position, keyword_name)
        if isinstance(value, ast.Constant) and value.value == 0:
            return True
    return method == "put" and _unbounded_queue(call.func.value, model)


def _unbounded_queue(queue: ast.expr, model: SemanticModel) -> bool:
    """True when every place that creates this queue gives it no ``maxsize``: its put() never waits."""
    created = _assigned_values(queue, model)
    return bool(created) and all(
        isinstance(value, ast.Call)
        and model.qualified_name(value.func) in _THREAD_QUEUES
        and _no_limit(argument(value, 0, "maxsize"))
        for value in created
    )


def _no_limit(maxsize: ast.expr | None) -> bool:
    return maxsize is None or (
        isinstance(maxsize, ast.Constant) and isinstance(maxsize.value, int) and maxsize.value <= 0
    )


def _assigned_values(expr: ast.expr, model: SemanticModel) -> list[ast.expr]:
    """The expressions assigned to a name (its binding's value) or to ``self.<attr>`` in its class."""
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        return [binding.value] if binding is not None and binding.value is not None else []
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        function = model.enclosing_function(expr)
        if function is None or function.class_info is None:
            return []
        parameters = function.node.args.posonlyargs + function.node.args.args
        if parameters and parameters[0].arg == expr.value.id:
            return list(function.class_info.attributes.get(expr.attr, ()))
    return []
