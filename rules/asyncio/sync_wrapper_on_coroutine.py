from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import HTTP_METHODS
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: the methods Tornado calls on a request handler, awaiting what they return
TORNADO_HANDLER_METHODS = frozenset({*HTTP_METHODS, "prepare", "open", "on_message"})


class SyncWrapperOnCoroutine(Rule):
    """
    ## What it does
    Finds a decorator of the same module applied to an `async def` when the function it returns
    is a plain `def` wrapper that calls the decorated function: `def wrapper(*args, **kwargs):
    return func(*args, **kwargs)`.

    Wrappers that run the coroutine they create (`return asyncio.run(func(*args))`,
    `loop.run_until_complete(...)`, a click command adapter) are left alone, and so are wrappers
    returning the coroutine from a Tornado handler method: Tornado awaits whatever a handler
    method returns.

    ## Why is this bad?
    The decorated function is no longer a coroutine function: `inspect.iscoroutinefunction()`
    says `False`, so frameworks that look (FastAPI, Starlette, pytest-asyncio) treat it as
    synchronous: FastAPI runs it in a thread and sends the coroutine object as the response. And
    whatever the wrapper does around the call (timing, `try`/`except`, retries, a lock) happens
    around creating the coroutine, not around running it: the timer reads zero, the `except`
    never catches anything.

    ## Example
    ```python
    import functools, time

    def timed(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                metrics.observe(time.perf_counter() - start)
        return wrapper

    @timed
    async def fetch_user(user_id): ...
    ```

    ## Use instead
    ```python
    def timed(func):
        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                metrics.observe(time.perf_counter() - start)
        return wrapper
    ```
    A decorator meant for both kinds can test `inspect.iscoroutinefunction(func)` and return an
    `async def` wrapper for coroutine functions.

    ## Fix safety
    No automatic fix: the decorator may also serve plain functions, which need the `def` wrapper.
    """

    code = "ASY154"
    name = "sync-wrapper-on-coroutine"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Decorator wraps an `async def` in a plain `def`: no longer a coroutine function"
    guidelines = (Quote("asyncio", "Coroutine Design", "Create effective coroutine wrappers"),)
    node_types = (ast.AsyncFunctionDef,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncFunctionDef)
        # Tornado awaits whatever a handler method returns: a wrapper returning the coroutine is fine
        returning_is_enough = _tornado_handler_method(model.function_info(node), model)
        for decorator in node.decorator_list:
            decorator_function = model.function_def(decorator)
            if decorator_function is None or decorator_function.is_async:
                continue
            wrapper = _sync_wrapper(decorator_function.node, model, returning_is_enough)
            if wrapper is None:
                continue
            message = (
                f"`@{model.segment(decorator)}` wraps the coroutine function `{node.name}` in the plain function "
                f"`{wrapper.name}`: it is no longer a coroutine function, and the wrapper's code runs around "
                f"creating the coroutine, not running it; make `{wrapper.name}` an `async def` that awaits it"
            )
            yield self.diagnostic(decorator, model, message)


def _tornado_handler_method(function: FunctionInfo | None, model: SemanticModel) -> bool:
    """A method Tornado calls on a request handler: known to be one, or named like one in a module
    using Tornado whose class may derive from a handler defined elsewhere."""
    if function is None or function.class_info is None:
        return False
    if function.handler is not None:
        return function.handler.framework == "tornado"
    return model.uses("tornado") and function.name in TORNADO_HANDLER_METHODS


def _sync_wrapper(
    decorator: ast.FunctionDef | ast.AsyncFunctionDef, model: SemanticModel, returning_is_enough: bool
) -> ast.FunctionDef | None:
    """The plain ``def`` the decorator returns, when it calls the decorator's (first) parameter and
    leaves the coroutine unrun (neither hands it to a call, such as ``asyncio.run(func(...))``, nor,
    when ``returning_is_enough``, returns it), and the decorator has no ``async def`` wrapper at all."""
    if not decorator.args.args:
        return None
    if any(decorator in model.ancestors(inner) for inner in model.nodes(ast.AsyncFunctionDef)):
        return None  # it has an async wrapper too, for coroutine functions
    wrapped = decorator.args.args[0].arg
    handed_on = {"argument", "returned"} if returning_is_enough else {"argument"}
    returned = {s.value.id for s in decorator.body if isinstance(s, ast.Return) and isinstance(s.value, ast.Name)}
    for statement in decorator.body:
        if isinstance(statement, ast.FunctionDef) and statement.name in returned:
            wrapper = model.function_info(statement)
            calls = model.nodes_in(wrapper, ast.Call) if wrapper is not None else []
            if any(
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == wrapped
                and model.value_use(call)[0] not in handed_on
                for call in calls
            ):
                return statement
    return None
