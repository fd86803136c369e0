from __future__ import annotations

import ast
from collections.abc import Iterator

from ..blocking import BlockingCallRule
from ..guidelines import Quote
from ..handlers import aiohttp_registrations
from ..model import SemanticModel, argument, keyword
from ..registry import all_rules
from ..rule import Diagnostic, Rule, Severity
from .coroutine_function_as_callback import PARTIAL_FUNCTIONS
from .executor_shutdown_in_coroutine import EXECUTORS

#: aiohttp application signals whose hooks run at start-up or shutdown
AIOHTTP_LIFECYCLE_SIGNALS = frozenset({"on_startup", "on_shutdown", "on_cleanup"})
#: Starlette/FastAPI application and router classes, whose ``on_startup=``/``on_shutdown=`` lists
#: hold hooks
STARLETTE_APPLICATIONS = frozenset({
    "starlette.applications.Starlette", "starlette.routing.Router", "fastapi.FastAPI",
    "fastapi.applications.FastAPI", "fastapi.APIRouter", "fastapi.routing.APIRouter",
})  # fmt: skip
STARLETTE_HOOK_KEYWORDS = ("on_startup", "on_shutdown")
#: the registering calls this rule reads
REGISTRATIONS = frozenset({"add_event_handler", "register_listener"}) | {name.rpartition(".")[2] for name in STARLETTE_APPLICATIONS}


class BlockingLifecycleHook(Rule):
    """
    ## What it does
    Finds a blocking callable registered as a start-up or shutdown hook: an executor's `shutdown`
    (without `wait=False`) or a call of the blocking tables (`time.sleep`, `requests.get`…), bare
    or bound with `functools.partial`, in an aiohttp `app.on_startup`/`on_shutdown`/`on_cleanup`
    list, a Starlette/FastAPI `on_startup=[...]`/`on_shutdown=[...]` list or
    `app.add_event_handler(...)`, or a Sanic `app.register_listener(...)`.

    ## Why is this bad?
    These hooks run on the event loop. aiohttp calls each signal hook with the application and
    awaits what it returns: a plain callable returns no awaitable (or fails on the extra
    argument), so shutdown ends in a `TypeError` and the hooks after it never run. Starlette and
    Sanic call a plain hook directly on the loop: `executor.shutdown(wait=True)` stops it until
    every job of the pool has finished, and jobs that hand work back to the loop
    (`asyncio.run_coroutine_threadsafe(...).result()`) then never finish.

    ## Example
    ```python
    executor = ThreadPoolExecutor()
    app = web.Application()
    app.on_cleanup.append(functools.partial(executor.shutdown, wait=True))
    ```

    ## Use instead
    ```python
    async def shutdown_executor(app):
        await asyncio.to_thread(executor.shutdown, wait=True)


    app.on_cleanup.append(shutdown_executor)
    ```

    ## Fix safety
    There is no automatic fix: the hook becomes a function of its own.
    """

    code = "ASY171"
    name = "blocking-lifecycle-hook"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Blocking callable registered as a start-up or shutdown hook, which runs on the event loop"
    guidelines = (
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
        Quote("asyncio", "Thread and Process Integration", "Implement effective ThreadPoolExecutor"),
        Quote("aiohttp", "Server-Side Development", "Implement proper application cleanup"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        for framework, where, hook in _hooks(model):
            called = blocking_callable(hook, model)
            if called is None:
                continue
            if framework == "aiohttp":
                consequence = (
                    f"aiohttp calls each `{where}` hook on the event loop with the application and awaits what it "
                    "returns, and a plain callable returns nothing awaitable (`TypeError`)"
                )
            else:
                consequence = f"{framework} calls a plain `{where}` hook on the event loop, which waits until it returns"
            shown = model.segment(hook)
            blocks = f"`{called}` blocks" if shown == called else f"`{shown}` runs `{called}`, which blocks"
            message = (
                f"{blocks}: {consequence}; register an `async def` hook that runs it with "
                "`await asyncio.to_thread(...)`"
            )
            yield self.diagnostic(hook, model, message)


def _hooks(model: SemanticModel) -> Iterator[tuple[str, str, ast.expr]]:
    """(framework, signal or event, registered callable) for every start-up or shutdown hook the
    module registers, for the frameworks it imports."""
    if model.uses("aiohttp"):
        for signal, hook in aiohttp_registrations(model):
            if signal in AIOHTTP_LIFECYCLE_SIGNALS:
                yield "aiohttp", signal, hook
    starlette, sanic = model.uses("starlette"), model.uses("sanic")
    for call in model.calls_named(REGISTRATIONS):
        func = call.func
        if starlette and model.qualified_name(func) in STARLETTE_APPLICATIONS:
            for name in STARLETTE_HOOK_KEYWORDS:
                listed = keyword(call, name)
                for hook in listed.elts if isinstance(listed, (ast.List, ast.Tuple)) else ():
                    yield "Starlette", name, hook
        elif starlette and isinstance(func, ast.Attribute) and func.attr == "add_event_handler":
            event, hook = argument(call, 0, "event_type"), argument(call, 1, "func")
            if isinstance(event, ast.Constant) and isinstance(event.value, str) and hook is not None:
                yield "Starlette", event.value, hook
        elif sanic and isinstance(func, ast.Attribute) and func.attr == "register_listener":
            hook, event = argument(call, 0, "listener"), argument(call, 1, "event")
            if isinstance(event, ast.Constant) and isinstance(event.value, str) and hook is not None:
                yield "Sanic", event.value, hook


def blocking_callable(hook: ast.expr, model: SemanticModel) -> str | None:
    """What ``hook`` calls, for messages, when that blocks: an executor's ``shutdown`` not told
    ``wait=False``, or a call of a default blocking-call rule's table, bare or bound with
    ``functools.partial``; else None."""
    target, bound = hook, None
    if isinstance(hook, ast.Call) and model.qualified_name(hook.func) in PARTIAL_FUNCTIONS and hook.args:
        target, bound = hook.args[0], hook
    if not isinstance(target, (ast.Name, ast.Attribute)):
        return None
    shown = model.segment(target)
    if isinstance(target, ast.Attribute) and target.attr == "shutdown" and model.instance_type(target.value) in EXECUTORS:
        wait = argument(bound, 1, "wait") if bound is not None else None
        waits = wait is None or (isinstance(wait, ast.Constant) and wait.value is True)
        return shown if waits else None  # wait=False, or decided at run time
    names = [model.qualified_name(target)]
    if isinstance(target, ast.Attribute):
        receiver = model.instance_type(target.value)
        names.append(f"{receiver}.{target.attr}" if receiver else None)
    tables = [rule() for rule in all_rules().values() if issubclass(rule, BlockingCallRule) and not rule.opt_in]
    blocking = any(table.replacement(name) is not None for name in names if name for table in tables)
    return shown if blocking else None
