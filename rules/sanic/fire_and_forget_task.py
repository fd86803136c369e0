from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.sanic import callback_kind, is_sanic_handler

#: calls that start a task on the running loop
TASK_STARTERS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
        "asyncio.AbstractEventLoop.create_task",
    }
)


class SanicFireAndForgetTask(Rule):
    """
    ## What it does
    Finds `asyncio.create_task(...)`, `asyncio.ensure_future(...)` or `loop.create_task(...)` in a
    Sanic request handler or middleware whose task is dropped: not kept, awaited or cancelled.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task, so a task nobody holds can be
    garbage-collected before it finishes; its exception is never seen (only a "Task exception
    was never retrieved" at exit); and when the server stops, the task is cut off wherever it is.
    Sanic has a place for background work started by a request: `request.app.add_task()` runs
    it through Sanic, which reports its exceptions, keeps named tasks in the app's task registry
    (`app.get_task(name)`, `app.cancel_task(name)`) and can cancel them on shutdown.

    ## Example
    ```python
    @app.post("/orders")
    async def create_order(request):
        order = await save_order(request.json)
        asyncio.create_task(send_confirmation(order))
        return json(order, status=201)
    ```

    ## Use instead
    ```python
    @app.post("/orders")
    async def create_order(request):
        order = await save_order(request.json)
        request.app.add_task(send_confirmation(order), name=f"confirm-{order['id']}")
        return json(order, status=201)
    ```

    ## Fix safety
    There is no automatic fix: a name for the task, and whether it must finish before shutdown,
    are the application's choice.
    """

    code = "SAN035"
    name = "sanic-fire-and-forget-task"
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Task started and dropped in a Sanic handler: use `request.app.add_task()`"
    guidelines = (Quote("sanic", "Asynchronous Programming", "Create appropriate task management"),)
    node_types = (ast.Call,)
    callees = callees_of(TASK_STARTERS)
    supersedes = ("ASY111",)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in TASK_STARTERS:
            return
        function = model.enclosing_function(node)
        if not (is_sanic_handler(function) or callback_kind(model, function) == "middleware"):
            return
        if not self.dropped(node, model):
            return
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} starts a task nobody keeps: it can be "
            f"garbage-collected mid-way, its errors are lost and shutdown cuts it off; "
            f"use `request.app.add_task(..., name=...)`"
        )
        yield self.diagnostic(node, model, message)

    @staticmethod
    def dropped(call: ast.Call, model: SemanticModel) -> bool:
        """True when the task is discarded, or bound to a local name nothing reads."""
        use, where = model.value_use(call)
        if use == "discarded":
            return True
        if use != "bound" or not isinstance(where, ast.Name):
            return False
        binding = model.lookup(where.id, where)
        return binding is not None and not model.references(binding)
