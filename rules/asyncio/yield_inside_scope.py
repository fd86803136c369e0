from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from .timeout_without_await import TIMEOUT_SCOPES

#: context managers that cancel the task that entered them (timeouts, task groups), by the
#: qualified name of the call that makes them -> how messages name them
CANCELLING_SCOPES: dict[str, str] = {
    **{name: f"`{name.replace('.timeouts.', '.')}()`" for name in TIMEOUT_SCOPES},
    "asyncio.TaskGroup": "an `asyncio.TaskGroup`",
    "asyncio.taskgroups.TaskGroup": "an `asyncio.TaskGroup`",
}
#: synchronization primitives held while their block runs, by instance type -> how messages name them
HELD_PRIMITIVES: dict[str, str] = {
    "asyncio.Lock": "an `asyncio.Lock`", "asyncio.locks.Lock": "an `asyncio.Lock`",
    "asyncio.Semaphore": "an `asyncio.Semaphore`", "asyncio.locks.Semaphore": "an `asyncio.Semaphore`",
    "asyncio.BoundedSemaphore": "an `asyncio.BoundedSemaphore`",
    "asyncio.locks.BoundedSemaphore": "an `asyncio.BoundedSemaphore`",
    "asyncio.Condition": "an `asyncio.Condition`", "asyncio.locks.Condition": "an `asyncio.Condition`",
}
#: the last part of decorators that drive a generator as a context manager (one value, then
#: closed at once): ``contextlib.asynccontextmanager``, pytest fixtures, trio's ``as_safe_channel``
_DRIVING_DECORATORS = ("contextmanager", "fixture", "as_safe_channel")


def scope_label(expression: ast.expr, model: SemanticModel) -> str | None:
    """How messages name the timeout, task group or held primitive ``expression`` enters, or None."""
    if isinstance(expression, ast.Call):
        label = CANCELLING_SCOPES.get(model.qualified_name(expression.func) or "")
        if label is not None:
            return label
    return HELD_PRIMITIVES.get(model.instance_type(expression) or "")


def enclosing_withs(node: ast.AST, function: FunctionInfo, model: SemanticModel) -> Iterator[ast.With | ast.AsyncWith]:
    """The ``with``/``async with`` statements whose block holds ``node``, innermost first, in its function."""
    child = node
    for ancestor in model.ancestors(node):
        if ancestor is function.node:
            return
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(child is statement for statement in ancestor.body):
            yield ancestor
        child = ancestor


def async_generator_of(node: ast.Yield | ast.YieldFrom, model: SemanticModel) -> FunctionInfo | None:
    """The async generator a ``yield`` belongs to, unless a decorator drives it as a context manager
    (the value is used, and the generator closed, right away)."""
    function = model.enclosing_function(node)
    if function is None or not function.is_async or model.scope(node) is not function.scope:
        return None
    for decorator in function.node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = model.qualified_name(target) or model.segment(target)
        if name.rpartition(".")[2].endswith(_DRIVING_DECORATORS):
            return None
    return function


class YieldInsideScope(Rule):
    """
    ## What it does
    Finds `yield` in an async generator inside `async with asyncio.timeout(...)` (or `timeout_at()`,
    `async_timeout.timeout()`), `async with asyncio.TaskGroup()`, or `async with lock` on an
    `asyncio.Lock`, `Semaphore` or `Condition`. A generator decorated with
    `@asynccontextmanager` or as a pytest fixture is not reported: there the `yield` is where the
    caller's block runs, by design.

    ## Why is this bad?
    At the `yield` the generator is suspended and the consumer's code runs — for as long as the
    consumer likes, or forever if it stops iterating. The scope stays open meanwhile: a timeout
    started in the generator cancels whatever the consumer happens to be awaiting, a task group's
    cancellation and errors land in the consumer's task, and a lock stays held across the
    consumer's work (which deadlocks if the consumer takes the same lock). If the consumer
    abandons the generator, the scope is closed later, from the garbage collector or at loop
    shutdown, if at all.

    ## Example
    ```python
    async def rows(pool, query):
        async with asyncio.timeout(30):
            async with pool.acquire() as connection:
                async for row in connection.cursor(query):
                    yield row
    ```

    ## Use instead
    ```python
    async def rows(pool, query):
        async with pool.acquire() as connection:
            cursor = connection.cursor(query)
            while True:
                async with asyncio.timeout(30):
                    row = await anext(cursor, None)
                if row is None:
                    return
                yield row
    ```
    Keep the timeout, task group or lock around the awaits of the generator only, never around
    its `yield`; or collect the results first, or make it an `@asynccontextmanager`.

    ## Fix safety
    No automatic fix: where the scope should end depends on what it protects.
    """

    code = "ASY166"
    name = "yield-inside-scope-in-async-generator"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`yield` inside a timeout, task group or held lock in an async generator"
    guidelines = (
        Quote("asyncio", "Coroutine Design", "Implement proper async context managers"),
        Quote("asyncio", "Task Management", "Implement effective task groups"),
        Quote("asyncio", "Timeouts and Delays", "Implement effective timeout handling"),
        Quote("asyncio", "Synchronization Primitives", "Use proper Lock implementation"),
    )
    node_types = (ast.Yield,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Yield)
        function = async_generator_of(node, model)
        if function is None:
            return
        for statement in enclosing_withs(node, function, model):
            for item in statement.items:
                label = scope_label(item.context_expr, model)
                if label is not None:
                    message = (
                        f"`yield` inside {label} in async generator `{function.name}`: the scope stays open while the "
                        "consumer runs, and is closed late or never if it stops iterating; keep the scope around the "
                        "generator's own awaits, not around its `yield`"
                    )
                    yield self.diagnostic(node, model, message)
                    return
