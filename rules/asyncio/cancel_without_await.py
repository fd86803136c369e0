from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from .discarded_task import TASK_CREATION_CALLEES
from .result_of_pending_task import creates_task


class CancelWithoutAwait(Rule):
    """
    ## What it does
    Finds `task.cancel()` in the coroutine that created the task, when nothing awaits the task
    after cancelling it (no `await task`, no `asyncio.wait()`/`gather()` given it) and the task is
    not handed on.

    ## Why is this bad?
    `cancel()` only asks: it schedules a `CancelledError` into the task and returns at once. The
    task is still running its `except`/`finally` blocks, and may even refuse, when the code goes
    on; closing a connection the task still uses, or returning while its cleanup is half done,
    races with it. Its last exception is also never retrieved. Awaiting the task after
    `cancel()` (and catching the `CancelledError`) is the documented way to know it has stopped.

    ## Example
    ```python
    import asyncio

    async def run(connection):
        heartbeat = asyncio.create_task(send_heartbeats(connection))
        await serve(connection)
        heartbeat.cancel()
        await connection.close()
    ```

    ## Use instead
    ```python
    import asyncio
    import contextlib

    async def run(connection):
        heartbeat = asyncio.create_task(send_heartbeats(connection))
        await serve(connection)
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        await connection.close()
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY155"]`. A cancelled task
    that has nothing to clean up (it only sleeps and puts on a queue) needs no waiting; on the
    real-application corpus every sampled finding was such a task. Enable it where cancelled tasks hold
    resources.

    ## Fix safety
    No automatic fix: awaiting the task can raise its own exception, which the code may need to
    handle.
    """

    code = "ASY155"
    name = "cancel-without-await"
    opt_in = True
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "Task cancelled and never awaited: its cleanup may still be running"
    guidelines = (Quote("asyncio", "Future and Result Handling", "Implement proper cancellation"),)
    node_types = (ast.Call,)
    callees = TASK_CREATION_CALLEES

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not creates_task(node, model) or not model.in_async_context(node):
            return
        binding = model.bound_to(node)
        if binding is None:
            return
        function = model.enclosing_function(node)
        cancels, waits = [], []
        for reference in model.references(binding):
            if model.enclosing_function(reference) is not function:
                return  # another function may wait for it
            kind, where = model.value_use(reference)
            if kind == "receiver":
                assert isinstance(where, ast.Attribute)
                call = model.parent(where)
                if where.attr == "cancel" and isinstance(call, ast.Call) and call.func is where:
                    cancels.append(call)
                elif where.attr == "add_done_callback":
                    return  # a callback collects it
                continue
            if isinstance(model.parent(reference), ast.Await) or _waited_through(reference, model):
                waits.append(reference)
                continue
            return  # returned, stored, aliased: waited for elsewhere, perhaps
        for cancel in cancels:
            if any((wait.lineno, wait.col_offset) > (cancel.lineno, cancel.col_offset) for wait in waits):
                continue
            message = (
                f"`{model.segment(cancel.func)}()` in {model.context_label(cancel)} only requests cancellation and "
                f"nothing awaits `{binding.name}` afterwards: its cleanup may still be running when the code goes on; "
                f"`await {binding.name}` (suppressing `CancelledError`) after cancelling"
            )
            yield self.diagnostic(cancel, model, message)


#: asyncio functions that wait for the tasks given to them
WAITING_FUNCTIONS = frozenset({"asyncio.wait", "asyncio.gather", "asyncio.wait_for", "asyncio.shield"})


def _waited_through(reference: ast.Name, model: SemanticModel) -> bool:
    """Whether the task is given, directly or in a list, to a function that waits for it."""
    for ancestor in model.ancestors(reference):
        if isinstance(ancestor, ast.Call):
            return model.qualified_name(ancestor.func) in WAITING_FUNCTIONS
        if not isinstance(ancestor, (ast.List, ast.Tuple, ast.Set, ast.Starred, ast.keyword)):
            return False
    return False
