from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: the calls that make an ``asyncio.TaskGroup``
TASK_GROUPS = frozenset({"asyncio.TaskGroup", "asyncio.taskgroups.TaskGroup"})


class SingleTaskGroup(Rule):
    """
    ## What it does
    Finds `async with asyncio.TaskGroup() as group:` whose whole block is one
    `group.create_task(...)` statement that does not hand the group on.

    `return`, `break` and `continue` inside a task group's block are not reported: however the
    block is left without an exception, `asyncio.TaskGroup` waits for all its tasks before the
    statement after it runs, so nothing is skipped. (A `yield` there is ASY166's.)

    ## Why is this bad?
    A task group runs tasks concurrently; with one task there is nothing to run alongside it. The
    block schedules the task, then waits for it on exit: the same as awaiting the coroutine, with a
    task, a group and an `ExceptionGroup` around its errors on top, which the caller must unwrap
    with `except*` to tell what failed.

    ## Example
    ```python
    async def refresh(cache):
        async with asyncio.TaskGroup() as group:
            group.create_task(cache.reload())
    ```

    ## Use instead
    ```python
    async def refresh(cache):
        await cache.reload()
    ```

    ## Fix safety
    No automatic fix: the errors change from an `ExceptionGroup` to the coroutine's own exception,
    and handlers around the block may rely on either.
    """

    code = "ASY168"
    name = "single-task-group"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "Task group that only ever starts one task: await the coroutine instead"
    guidelines = (
        Quote("asyncio", "Task Management", "Implement effective task groups"),
        Quote("asyncio", "Key Principles", "Use appropriate task and future management"),
    )
    node_types = (ast.AsyncWith,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncWith)
        if len(node.items) != 1 or len(node.body) != 1:
            return
        item = node.items[0]
        group = item.optional_vars
        if not isinstance(group, ast.Name) or not isinstance(item.context_expr, ast.Call):
            return
        if model.qualified_name(item.context_expr.func) not in TASK_GROUPS:
            return
        statement = node.body[0]
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "create_task"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == group.id
        ):
            return
        binding = model.lookup(group.id, group)
        uses = model.references(binding) if binding is not None else []
        if any(use is not call.func.value and any(a is call for a in model.ancestors(use)) for use in uses):
            return  # the task gets the group, and may start more
        message = (
            f"task group `{group.id}` in {model.context_label(node)} starts one task and waits for it: "
            "`await` the coroutine directly"
        )
        yield self.diagnostic(item.context_expr, model, message)
