from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Range, Rule, Severity

#: sleeps, by qualified name, that a polling loop waits with
SLEEPS = frozenset({"asyncio.sleep", "asyncio.tasks.sleep"})


class BusyWaitLoop(Rule):
    """
    ## What it does
    Finds polling loops in coroutines: `while <condition>:` whose body only awaits
    `asyncio.sleep(...)` (a `pass`, `continue` or docstring aside), waiting for the condition to
    change. A constant condition (`while True:` keeping a task alive) is not polling, and a
    condition that awaits (`while not await client.ping():`, a retry loop) checks something outside
    the process: neither is reported.

    ## Why is this bad?
    The loop wakes up every interval to look at a flag: it reacts late by up to a whole interval,
    and wakes the event loop for nothing in between (with `sleep(0)`, it spins and takes a core).
    asyncio has primitives that wake the waiter exactly when the state changes.

    ## Example
    ```python
    async def wait_until_ready(self):
        while not self.ready:
            await asyncio.sleep(0.1)
    ```

    ## Use instead
    ```python
    async def wait_until_ready(self):
        await self.ready_event.wait()  # set by whoever makes it ready: self.ready_event.set()
    ```
    Or an `asyncio.Condition` with `wait_for(predicate)`, an `asyncio.Future` the producer resolves,
    or awaiting the task itself.

    ## Fix safety
    No fix: the code that changes the condition must also signal the event, and it may live anywhere.
    """

    code = "ASY116"
    name = "busy-wait-loop"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Busy-wait: `while` loop that only awaits `asyncio.sleep()` polling a condition"
    guidelines = (
        Quote("asyncio", "Synchronization Primitives", "Implement effective Event usage"),
        Quote("asyncio", "Synchronization Primitives", "Implement proper synchronization patterns"),
    )
    node_types = (ast.While,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.While)
        if not model.in_async_context(node) or isinstance(node.test, ast.Constant):
            return
        sleeps = [statement for statement in node.body if not _is_filler(statement)]
        if not sleeps or not all(_is_awaited_sleep(statement, model) for statement in sleeps):
            return
        if _awaits_in(node.test, model):
            return  # `while not await client.ping():` polls something outside the process: a retry loop
        condition = " ".join(model.segment(node.test).split())
        if len(condition) > 40:
            condition = condition[:37] + "..."
        message = (
            f"busy-wait in {model.context_label(node)}: the loop polls `{condition}` between sleeps; "
            "wait on an `asyncio.Event` (or `Condition`, `Future`) that is set when it changes"
        )
        start = model.range_of(node)
        end = model.range_of(node.test)
        yield Diagnostic(self.code, message, Range(start.start_line, start.start_column, end.end_line, end.end_column), self.severity)


def _awaits_in(expression: ast.expr, model: SemanticModel) -> bool:
    return any(any(a is expression for a in model.ancestors(await_)) for await_ in model.nodes(ast.Await))


def _is_filler(statement: ast.stmt) -> bool:
    """``pass``, ``continue``, or a string on its own (a docstring-like comment)."""
    return isinstance(statement, (ast.Pass, ast.Continue)) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)
    )


def _is_awaited_sleep(statement: ast.stmt, model: SemanticModel) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Await)
        and isinstance(statement.value.value, ast.Call)
        and model.qualified_name(statement.value.value.func) in SLEEPS
    )
