from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from .discarded_task import TASK_CREATION_CALLEES, TASK_FACTORIES


class ResultOfPendingTask(Rule):
    """
    ## What it does
    Finds `task.result()` (or `task.exception()`) in the coroutine that created the task with
    `asyncio.create_task()` / `ensure_future()` / `loop.create_task()`, when nothing before it
    waits for the task: no `await task`, no `asyncio.wait()`/`gather()` given it, no
    `task.done()` check.

    ## Why is this bad?
    `result()` does not wait. On a task that has not finished it raises
    `asyncio.InvalidStateError` ("Result is not set."); and a freshly created task has not even
    started. Code that works when the task happens to be done (a cached answer, a fast test)
    fails under real latency.

    ## Example
    ```python
    import asyncio

    async def load(user_id):
        task = asyncio.create_task(fetch_user(user_id))
        await audit(user_id)
        return task.result()
    ```

    ## Use instead
    ```python
    import asyncio

    async def load(user_id):
        task = asyncio.create_task(fetch_user(user_id))
        await audit(user_id)
        return await task
    ```

    ## Fix safety
    No automatic fix: `await task` re-raises the task's exception and lets other tasks run,
    where `result()` did neither when it worked.
    """

    code = "ASY151"
    name = "result-of-pending-task"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`task.result()` before anything waits for the task: `InvalidStateError`"
    guidelines = (Quote("asyncio", "Future and Result Handling", "Implement effective result retrieval"),)
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
        for reference in model.references(binding):
            if model.enclosing_function(reference) is not function:
                return  # used by another function, which may wait for it
            kind, where = model.value_use(reference)
            if kind == "receiver":
                assert isinstance(where, ast.Attribute)
                call = model.parent(where)
                if where.attr in ("result", "exception") and isinstance(call, ast.Call) and call.func is where:
                    message = (
                        f"`{model.segment(call.func)}()` in {model.context_label(call)} reads a task that nothing has "
                        f"waited for: it raises `InvalidStateError` unless the task already finished; "
                        f"use `await {binding.name}`"
                    )
                    yield self.diagnostic(call, model, message)
                    return
                if where.attr in ("done", "cancelled", "add_done_callback", "cancel"):
                    return  # checked or handled by a callback
                continue
            return  # awaited, passed to wait()/gather(), stored, returned…: it may be done by then


def creates_task(call: ast.Call, model: SemanticModel) -> bool:
    """Whether the call schedules a new task: ``asyncio.create_task()``, ``ensure_future()``, ``loop.create_task()``."""
    if model.qualified_name(call.func) in TASK_FACTORIES:
        return True
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "create_task" and model.is_event_loop(func.value)
