from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: async context managers that cancel their block when time runs out, by qualified name
TIMEOUT_SCOPES = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "asyncio.timeouts.timeout", "asyncio.timeouts.timeout_at",
    "async_timeout.timeout", "async_timeout.timeout_at",
})
#: context managers whose entering and exiting do not suspend when their block started nothing:
#: later items of the same ``async with`` that are one of these give the timeout nothing to cancel
_NON_SUSPENDING_MANAGERS = TIMEOUT_SCOPES | {"asyncio.TaskGroup", "asyncio.taskgroups.TaskGroup"}

#: what lets cancellation in: a suspension point, or a ``yield`` (the consumer may await)
_SUSPENSIONS = (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Yield, ast.YieldFrom)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class TimeoutWithoutAwait(Rule):
    """
    ## What it does
    Finds `async with asyncio.timeout(...)` (or `asyncio.timeout_at()`, `async_timeout.timeout()`,
    `async_timeout.timeout_at()`) whose block never awaits: no `await`, `async for`, `async with`
    or async comprehension, and no `yield` (in an async generator or context manager, the code
    the value goes to may await). A later item of the same `async with` that suspends on entry
    counts as awaiting inside the timeout.

    ## Why is this bad?
    An asyncio timeout works by cancelling the task, and a task is cancelled only where it
    suspends. A block that never awaits runs to its end however long it takes: the timeout cannot
    fire. Usually the awaited call was left outside the block, or the work inside is synchronous
    and blocks the loop, which no timeout can interrupt.

    ## Example
    ```python
    import asyncio

    async def fetch_profile(client, user_id):
        async with asyncio.timeout(2):
            request = client.build_request("GET", f"/users/{user_id}")
        return await client.send(request)
    ```

    ## Use instead
    ```python
    import asyncio

    async def fetch_profile(client, user_id):
        request = client.build_request("GET", f"/users/{user_id}")
        async with asyncio.timeout(2):
            return await client.send(request)
    ```

    ## Fix safety
    No automatic fix: which awaited work the timeout was meant to cover is the author's intent.
    """

    code = "ASY165"
    name = "timeout-without-await"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`async with asyncio.timeout()` around a block that never awaits: it can never fire"
    guidelines = (
        Quote("asyncio", "Timeouts and Delays", "Implement effective timeout handling"),
        Quote("asyncio", "Error Handling", "Create proper timeout management"),
    )
    node_types = (ast.AsyncWith,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncWith)
        # the innermost timeout: the items before it are entered outside it
        for position, item in reversed(list(enumerate(node.items))):
            expression = item.context_expr
            name = model.qualified_name(expression.func) if isinstance(expression, ast.Call) else None
            if name not in TIMEOUT_SCOPES:
                continue
            if any(not _does_not_suspend(later.context_expr, model) for later in node.items[position + 1:]):
                return
            if _suspends_in(node, model):
                return
            shown = name.replace(".timeouts.", ".")
            message = (
                f"`{shown}()` in {model.context_label(node)} covers a block that never awaits: a timeout cancels "
                "the task where it suspends, so it can never fire here; put the awaited work inside the block, "
                "or remove the timeout"
            )
            yield self.diagnostic(expression, model, message)
            return


def _does_not_suspend(expression: ast.expr, model: SemanticModel) -> bool:
    return isinstance(expression, ast.Call) and model.qualified_name(expression.func) in _NON_SUSPENDING_MANAGERS


def _suspends_in(statement: ast.AsyncWith, model: SemanticModel) -> bool:
    """True when the block of ``statement`` (not a function defined in it) may suspend."""
    function = model.enclosing_function(statement)
    candidates = [node for kind in _SUSPENSIONS for node in model.nodes(kind)]
    candidates += [
        node
        for kind in _COMPREHENSIONS
        for node in model.nodes(kind)
        if any(generator.is_async for generator in node.generators)  # type: ignore[attr-defined]
    ]
    first, last = statement.body[0].lineno, statement.end_lineno or statement.lineno
    for node in candidates:
        if not first <= node.lineno <= last or model.enclosing_function(node) is not function:  # type: ignore[attr-defined]
            continue
        if any(ancestor is statement for ancestor in model.ancestors(node)):
            return True
    return False
