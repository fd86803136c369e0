from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, callees_of

if TYPE_CHECKING:
    import libcst as cst

ENSURE_FUTURE = frozenset({"asyncio.ensure_future", "asyncio.tasks.ensure_future"})

#: library functions and methods known to be coroutine functions (calling one gives a coroutine).
#: Awaitables that are not coroutines (``gather()``, ``run_in_executor()``, ``asyncpg.create_pool()``,
#: aiohttp's request context managers) are left out on purpose: ``create_task`` rejects them.
KNOWN_COROUTINE_FUNCTIONS = frozenset(
    {
        "asyncio.sleep",
        "asyncio.wait",
        "asyncio.wait_for",
        "asyncio.to_thread",
        "asyncio.open_connection",
        "asyncio.open_unix_connection",
        "asyncio.start_server",
        "asyncio.start_unix_server",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        "asyncio.Queue.get",
        "asyncio.Queue.put",
        "asyncio.Queue.join",
        "asyncio.Lock.acquire",
        "asyncio.Event.wait",
        "asyncio.Condition.wait",
        "asyncio.Condition.wait_for",
        "asyncio.Semaphore.acquire",
        "asyncio.BoundedSemaphore.acquire",
        "asyncio.AbstractEventLoop.sock_recv",
        "asyncio.AbstractEventLoop.sock_sendall",
        "asyncio.AbstractEventLoop.sock_connect",
        "asyncio.AbstractEventLoop.sock_accept",
        "asyncio.AbstractEventLoop.getaddrinfo",
        "asyncio.AbstractEventLoop.create_connection",
        "asyncio.AbstractEventLoop.create_server",
        "asyncio.AbstractEventLoop.shutdown_asyncgens",
        "asyncpg.connect",
        "asyncpg.Connection.execute",
        "asyncpg.Connection.fetch",
        "asyncpg.Connection.fetchrow",
        "asyncpg.Connection.fetchval",
        "aiohttp.ClientResponse.json",
        "aiohttp.ClientResponse.text",
        "aiohttp.ClientResponse.read",
    }
)


class EnsureFutureCoroutine(Rule):
    """
    ## What it does
    Finds `asyncio.ensure_future()` called with a coroutine: a call of an `async def` function or
    method of the module, of a known asyncio coroutine function, or of an imported function known
    to be one.

    ## Why is this bad?
    `ensure_future()` accepts anything awaitable and returns "some future": a coroutine becomes a
    `Task`, a future is returned as it is. Given a coroutine, it is a roundabout
    `create_task()`, and hides what the code does. Outside a running loop, it also falls back to
    `asyncio.get_event_loop()` — which warns since Python 3.12 and fails without a current loop
    since 3.14 — where `create_task()` fails at once and clearly. `asyncio.create_task()` says
    what happens, returns a `Task` (typed as one) and accepts `name=` for debugging.

    ## Example
    ```python
    import asyncio

    async def main():
        task = asyncio.ensure_future(fetch_all())
        await task
    ```

    ## Use instead
    ```python
    import asyncio

    async def main():
        task = asyncio.create_task(fetch_all())
        await task
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY123"]`. A spelling
    preference: given a coroutine, `ensure_future()` schedules it as `create_task()` does, so the code
    works; outside a running loop the replacement can even break code that runs before the loop starts.
    Enable it for consistency.

    ## Fix safety
    Safe inside a coroutine, where a loop is running and both schedule the coroutine on it, and
    when `loop=` is given: `ensure_future(coro, loop=loop)` becomes `loop.create_task(coro)`, which
    is what it calls. Elsewhere (a plain function, module level) the fix is unsafe: the code may
    run before the loop does, where `create_task()` raises `RuntimeError`. The fix keeps the
    module alias (`aio.create_task`); after `from asyncio import ensure_future` it writes
    `asyncio.create_task`, adding `import asyncio` when needed.
    """

    code = "ASY123"
    name = "ensure-future-coroutine"
    opt_in = True
    framework = "asyncio"
    summary = "`asyncio.ensure_future()` given a coroutine; use `asyncio.create_task()`"
    guidelines = (
        Quote("asyncio", "Task Management", "Use proper create_task method"),
        Quote("asyncio", "Future and Result Handling", "Use proper Future objects"),
        Quote("asyncio", "Key Principles", "Use appropriate task and future management"),
    )
    node_types = (ast.Call,)
    callees = callees_of(ENSURE_FUTURE)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Replace with `asyncio.create_task(...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name not in ENSURE_FUTURE:
            return
        awaitable = argument(node, 0, "coro_or_future")
        if not (isinstance(awaitable, ast.Call) and is_coroutine_call(awaitable, model)):
            return
        loop = keyword(node, "loop")
        shown = model.segment(awaitable.func)
        replacement = f"`{model.segment(loop)}.create_task()`" if loop is not None else "`asyncio.create_task()`"
        message = (
            f"`asyncio.ensure_future()` given the coroutine `{shown}()` in {model.context_label(node)}; "
            f"use {replacement}, which says it starts a task and returns a `Task`"
        )
        yield self.diagnostic(node, model, message, fix=self._applicability(node, model, loop))

    @staticmethod
    def _applicability(call: ast.Call, model: SemanticModel, loop: ast.expr | None) -> Applicability | None:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return None  # `*args` / `**kwargs`: what is passed is not known
        if len(call.args) + len(call.keywords) > (2 if loop is not None else 1):
            return None
        if loop is not None or model.in_async_context(call):
            return Applicability.SAFE
        return Applicability.UNSAFE

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call) or diagnostic.fix is None:
            return None
        awaitable = argument(call, 0, "coro_or_future")
        loop = keyword(call, "loop")
        if awaitable is None:
            return None
        if loop is not None:
            receiver = context.text(loop)
            if not isinstance(loop, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
                receiver = f"({receiver})"
            edit = context.replace(call, f"{receiver}.create_task({context.text(awaitable)})")
            return Fix(self.fix_title, diagnostic.fix, (edit,))
        import_edit = None
        if isinstance(call.func, ast.Attribute):
            reference = None  # `aio.ensure_future` -> `aio.create_task`: the user's alias stays
        else:
            reference, import_edit = context.import_name("asyncio", "create_task")

        def to_create_task(expression: cst.BaseExpression) -> cst.BaseExpression:
            assert isinstance(expression, cst.Call)
            if reference is None:
                assert isinstance(expression.func, cst.Attribute)
                func: cst.BaseExpression = expression.func.with_changes(attr=cst.Name("create_task"))
            else:
                func = cst.parse_expression(reference)
            # `create_task` names its parameter `coro`: pass the coroutine positionally.
            args = [
                a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
                if a.keyword is not None and a.keyword.value == "coro_or_future"
                else a
                for a in expression.args
            ]
            return expression.with_changes(func=func, args=args)

        edits = [context.rewrite_expression(call, to_create_task)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, diagnostic.fix, tuple(edits))


def is_coroutine_call(call: ast.Call, model: SemanticModel) -> bool:
    """True when ``call`` is known to give a coroutine: it calls an ``async def`` (not an async
    generator) of this module, a known library coroutine function, or an imported function the
    resolver knows to be one."""
    function = model.function_def(call.func)
    if function is not None:
        return function.is_async and not function.yields
    name = model.qualified_name(call.func)
    if name is None:
        return False
    if name in KNOWN_COROUTINE_FUNCTIONS:
        return True
    return bool(model.resolver is not None and model.resolver.is_coroutine_function(name))
