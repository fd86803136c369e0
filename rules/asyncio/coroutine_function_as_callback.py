from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..resolve import COROUTINE_PRESERVING_DECORATORS, decorator_name
from ..rule import Diagnostic, Rule, Severity
from .unawaited_coroutine import COROUTINE_APIS, coroutine_callee

#: event-loop methods that call a plain function later -> the position of that function
LOOP_CALLBACK_METHODS = {
    "call_soon": 0,
    "call_soon_threadsafe": 0,
    "call_later": 1,
    "call_at": 1,
    "add_signal_handler": 1,
    "add_reader": 1,
    "add_writer": 1,
    "run_in_executor": 1,
}

#: wrappers that bind arguments and still call the function they are given
PARTIAL_FUNCTIONS = frozenset({"functools.partial"})


class CoroutineFunctionAsCallback(Rule):
    """
    ## What it does
    Finds a coroutine function (an `async def`, or a lambda or `functools.partial` that calls one)
    given as a callback to `loop.call_soon()`, `call_soon_threadsafe()`, `call_later()`,
    `call_at()`, `add_signal_handler()`, `add_reader()`, `add_writer()`, `run_in_executor()`, or
    to a future's or task's `add_done_callback()`.

    ## Why is this bad?
    These APIs call the callback as a plain function. Calling a coroutine function only creates a
    coroutine object; nothing awaits it, so its body never runs. The program goes on as if the
    work was scheduled, and the only trace is a "coroutine ... was never awaited" warning, if
    warnings are shown at all.

    ## Example
    ```python
    import asyncio

    async def refresh_cache():
        ...

    def schedule_refresh(loop):
        loop.call_later(60, refresh_cache)
    ```

    ## Use instead
    ```python
    import asyncio

    background_tasks = set()

    async def refresh_cache():
        ...

    def start_refresh():
        task = asyncio.create_task(refresh_cache())
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)

    def schedule_refresh(loop):
        loop.call_later(60, start_refresh)
    ```
    From a coroutine, `await asyncio.sleep(60)` and then `await refresh_cache()` is simpler; from
    another thread, use `asyncio.run_coroutine_threadsafe(refresh_cache(), loop)`.

    ## Fix safety
    No automatic fix: the coroutine has to become a task, and where to keep that task's
    reference (and whether its result matters) is the program's design.
    """

    code = "ASY126"
    name = "coroutine-function-as-callback"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Coroutine function given as a plain callback: its body never runs"
    guidelines = (
        Quote("asyncio", "Future and Result Handling", "Create appropriate callback management"),
        Quote("asyncio", "Future and Result Handling", "Use proper done callbacks"),
        Quote("asyncio", "Task Management", "Create effective task scheduling"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"add_done_callback", *LOOP_CALLBACK_METHODS})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute):
            return
        method = node.func.attr
        if method == "add_done_callback":
            callback = argument(node, 0, "fn")
        elif method in LOOP_CALLBACK_METHODS and model.is_event_loop(node.func.value):
            callback = argument(node, LOOP_CALLBACK_METHODS[method], "callback")
        else:
            return
        coroutine = coroutine_function(callback, model) if callback is not None else None
        if coroutine is None:
            return
        api = f"{model.segment(node.func)}()"
        if method == "run_in_executor":
            consequence = "runs it in a thread, where calling it only creates a coroutine that nothing awaits"
            advice = "await the coroutine directly, or `asyncio.run_coroutine_threadsafe()` from the thread"
        else:
            consequence = "calls it as a plain function, which only creates a coroutine that nothing awaits"
            advice = "pass a plain function that starts it with `asyncio.create_task()` (and keeps the task)"
        message = (
            f"`{coroutine}` is a coroutine function: `{api}` in {model.context_label(node)} {consequence}, "
            f"so its body never runs; {advice}"
        )
        yield self.diagnostic(callback, model, message)


def coroutine_function(callback: ast.expr, model: SemanticModel) -> str | None:
    """The name of the coroutine function ``callback`` calls when called, for messages; else None:
    ``fetch``, ``self.fetch``, ``functools.partial(fetch, url)``, ``lambda: fetch(url)``."""
    if isinstance(callback, ast.Lambda):
        body = callback.body
        return coroutine_callee(body, model) if isinstance(body, ast.Call) else None
    if isinstance(callback, ast.Call):
        if model.qualified_name(callback.func) in PARTIAL_FUNCTIONS and callback.args:
            return coroutine_function(callback.args[0], model)
        return None
    local = model.function_def(callback)
    if local is not None:
        coroutine = (
            local.is_async
            and not local.yields
            and all(decorator_name(model.segment(d)) in COROUTINE_PRESERVING_DECORATORS for d in local.node.decorator_list)
        )
        return local.qualname if coroutine else None
    name = model.qualified_name(callback)
    return name if name in COROUTINE_APIS else None
