from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import is_aiohttp_handler, is_middleware

#: calls that start a task on the running loop, as the model names them
_TASK_STARTERS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
        "asyncio.AbstractEventLoop.create_task",
    }
)


class DiscardedTaskInHandler(Rule):
    """
    ## What it does
    Finds `asyncio.create_task(...)`, `asyncio.ensure_future(...)` or `loop.create_task(...)` in an
    aiohttp handler or middleware whose task is thrown away: the call is a statement of its own.
    It restates the general ASY111 (discarded task) for aiohttp code, with aiohttp's remedies, and
    replaces it there.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task: one nobody holds can be garbage-collected
    before it finishes. Its exception is never seen, and when the application shuts down the task
    is cancelled mid-way with nothing waiting for it, because aiohttp only cleans up what the
    application knows about.

    ## Example
    ```python
    async def signup(request):
        user = await create_user(await request.json())
        asyncio.create_task(send_welcome_email(user.email))
        return web.json_response({"id": user.id}, status=201)
    ```

    ## Use instead
    Keep the task where the application can wait for it at cleanup, or let `aiojobs` do it:

    ```python
    background_tasks = web.AppKey("background_tasks", set[asyncio.Task[None]])


    async def signup(request):
        user = await create_user(await request.json())
        task = asyncio.create_task(send_welcome_email(user.email))
        request.app[background_tasks].add(task)
        task.add_done_callback(request.app[background_tasks].discard)
        return web.json_response({"id": user.id}, status=201)
    ```

    ## Fix safety
    No fix is offered: where the task should live and how shutdown should treat it is the
    application's choice.
    """

    code = "AIO040"
    name = "aiohttp-discarded-task-in-handler"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "Task started in an aiohttp handler or middleware and its reference discarded"
    guidelines = (Quote("aiohttp", "Concurrency and Performance", "Create appropriate task management"),)
    node_types = (ast.Call,)
    callees = callees_of(_TASK_STARTERS)
    supersedes = ("ASY111",)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(model.parent(node), ast.Expr) or model.qualified_name(node.func) not in _TASK_STARTERS:
            return
        function = model.enclosing_function(node)
        if function is None or not (is_aiohttp_handler(function) or is_middleware(model, function)):
            return
        yield self.diagnostic(
            node,
            model,
            f"`{model.segment(node.func)}()` in {model.context_label(node)} starts a task nobody keeps: it can be "
            "garbage-collected mid-way, its errors are lost and shutdown cancels it; keep it in a set on "
            "`request.app[...]` (discarded when done, awaited at cleanup) or spawn it with `aiojobs`",
        )
