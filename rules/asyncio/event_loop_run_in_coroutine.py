from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

_AWAIT = "`await` the coroutine instead"

#: functions that start an event loop -> what to do instead
LOOP_RUNNERS: dict[str, str] = {
    "asyncio.run": _AWAIT,
    "asyncio.runners.run": _AWAIT,
    "asyncio.Runner.run": _AWAIT,
    "uvloop.run": _AWAIT,
}
#: event loop methods that run it -> what to do instead
LOOP_RUN_METHODS: dict[str, str] = {
    "run_until_complete": _AWAIT,
    "run_forever": "keep the coroutine alive with `await` on an `asyncio.Event` or a future instead",
}


class EventLoopRunInCoroutine(Rule):
    """
    ## What it does
    Finds `asyncio.run()` (and `asyncio.Runner.run()`, `uvloop.run()`),
    `loop.run_until_complete()` and `loop.run_forever()` called inside a coroutine.

    ## Why is this bad?
    A coroutine runs inside a running event loop, and one thread runs one loop at a time:
    `asyncio.run()` raises `RuntimeError: asyncio.run() cannot be called from a running event loop`,
    and `run_until_complete()`/`run_forever()` raise `RuntimeError: This event loop is already
    running` (or, on a new loop, "Cannot run the event loop while another loop is running"). The
    coroutine passed in is never awaited either.

    ## Example
    ```python
    import asyncio

    async def handler(request):
        user = asyncio.run(load_user(request.user_id))
        return {"name": user.name}
    ```

    ## Use instead
    ```python
    async def handler(request):
        user = await load_user(request.user_id)
        return {"name": user.name}
    ```
    Code that must call async code from a synchronous function running in a worker thread can use
    `asyncio.run_coroutine_threadsafe(coro, loop).result()`.

    ## Fix safety
    No automatic fix: `await` is only right when the result is used the same way; the call may sit in
    a helper meant to be synchronous, which then has to become a coroutine itself.
    """

    code = "ASY113"
    name = "event-loop-run-in-coroutine"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "Event loop started inside a coroutine: raises `RuntimeError`"
    guidelines = (
        Quote("asyncio", "Event Loop Management", "Implement effective loop running"),
        Quote("asyncio", "Coroutine Design", "Implement proper coroutine chaining"),
    )
    node_types = (ast.Call,)
    callees = callees_of(LOOP_RUNNERS, LOOP_RUN_METHODS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not model.in_async_context(node):
            return
        name = model.qualified_name(node.func)
        if name in LOOP_RUNNERS:
            shown, advice = name.replace(".runners.", "."), LOOP_RUNNERS[name]
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in LOOP_RUN_METHODS
            and model.is_event_loop(node.func.value)
        ):
            shown, advice = model.segment(node.func), LOOP_RUN_METHODS[node.func.attr]
        else:
            return
        message = (
            f"`{shown}()` in {model.context_label(node)} raises `RuntimeError`: an event loop is already "
            f"running in this thread; {advice}"
        )
        yield self.diagnostic(node, model, message)
