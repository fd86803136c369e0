from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

#: calls that start a task on the running loop
TASK_STARTERS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.AbstractEventLoop.create_task",
    }
)


class FireAndForgetTask(Rule):
    """
    ## What it does
    Finds `asyncio.create_task(...)`, `asyncio.ensure_future(...)` or `loop.create_task(...)` in a
    Starlette or FastAPI endpoint whose task is dropped: the result is discarded, or assigned to a
    local name the endpoint never uses again.

    A task that is awaited, gathered, stored (`app.state.tasks.add(task)`, `self.task = ...`),
    returned or given a done-callback is not reported. In a WebSocket endpoint, which has no
    response to attach work to, the message asks to keep the task and await or cancel it before
    the endpoint returns (a task group does both).

    ## Why is this bad?
    The event loop keeps only a weak reference to a task: one nobody holds can be garbage-collected
    before it finishes. Its exception is never seen (at best a "Task exception was never
    retrieved" log line at collection), and at shutdown it is cancelled mid-way with nothing
    waiting for it. Starlette and FastAPI run post-response work for you, after the response is
    sent and within the request's lifetime: `BackgroundTask` (Starlette) and `BackgroundTasks`
    (FastAPI).

    ## Example
    ```python
    import asyncio

    from starlette.responses import JSONResponse


    async def signup(request):
        user = await create_user(await request.json())
        asyncio.create_task(send_welcome_email(user.email))
        return JSONResponse({"id": user.id}, status_code=201)
    ```

    ## Use instead
    With Starlette, attach a `BackgroundTask` to the response:

    ```python
    from starlette.background import BackgroundTask
    from starlette.responses import JSONResponse


    async def signup(request):
        user = await create_user(await request.json())
        task = BackgroundTask(send_welcome_email, user.email)
        return JSONResponse({"id": user.id}, status_code=201, background=task)
    ```

    With FastAPI, take a `BackgroundTasks` parameter (`BackgroundTasks` in Starlette bundles
    several `BackgroundTask`s the same way):

    ```python
    from fastapi import BackgroundTasks


    @app.post("/signup", status_code=201)
    async def signup(payload: Signup, background_tasks: BackgroundTasks):
        user = await create_user(payload)
        background_tasks.add_task(send_welcome_email, user.email)
        return {"id": user.id}
    ```

    ## Fix safety
    There is no automatic fix: a background task runs after the response is sent, not alongside
    the endpoint, which may or may not be what the code needs.
    """

    code = "STA011"
    name = "fire-and-forget-task"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`asyncio.create_task()` in an endpoint, its task dropped; use `BackgroundTask(s)`"
    guidelines = (
        Quote(
            "starlette",
            "Async Handling and Request Processing",
            "Use `BackgroundTask` or `BackgroundTasks` for post-response processing instead of fire-and-forget tasks",
        ),
        Quote(
            "starlette",
            "Known Issues and Mitigations",
            "**Task Cancellation**: Use Starlette's built-in background task mechanisms rather than creating raw asyncio tasks",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(TASK_STARTERS)
    #: ASY111 reports the same discarded task, without the endpoint's way of running it
    supersedes = ("ASY111",)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in TASK_STARTERS:
            return
        function = model.enclosing_function(node)
        handler = model.handler(function)
        if function is None or handler is None or handler.framework not in ("starlette", "fastapi"):
            return
        if not _dropped(node, function, model):
            return
        if handler.kind == "websocket":
            instead = "keep the task and await or cancel it before the endpoint returns, e.g. in a task group"
        elif handler.framework == "fastapi":
            instead = "take a `background_tasks: BackgroundTasks` parameter and call `background_tasks.add_task(...)`"
        else:
            instead = "return the response with `background=BackgroundTask(...)`"
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} starts a task nobody keeps: it can be "
            f"garbage-collected mid-way, its errors are lost and shutdown cancels it; {instead}"
        )
        yield self.diagnostic(node, model, message)


def _dropped(call: ast.Call, function: FunctionInfo, model: SemanticModel) -> bool:
    """True when the task is discarded, or bound to a local name the function never reads."""
    parent = model.parent(call)
    if isinstance(parent, ast.Expr):
        return True
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
    elif isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.value is call:
        target = parent.target
    else:
        return False
    if not isinstance(target, ast.Name):
        return False
    return not any(
        isinstance(name, ast.Name) and name.id == target.id and not isinstance(name.ctx, ast.Store)
        for name in model.nodes(ast.Name)
        if _within(name, function, model)
    )


def _within(node: ast.AST, function: FunctionInfo, model: SemanticModel) -> bool:
    """True when the node stands in ``function`` or in a function nested in it (a closure may read the task)."""
    inner = model.enclosing_function(node)
    while inner is not None:
        if inner is function:
            return True
        inner = model.enclosing_function(inner.node)
    return False
