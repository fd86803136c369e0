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
    change; and `while True:` whose body is one `if <condition>: break` (or `return`) and the
    sleep. A `while True:` that only sleeps (keeping a task alive) is not polling, and a condition
    that awaits (`while not await client.ping():`, a retry loop) checks something outside the
    process: neither is reported.

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
        if not model.in_async_context(node):
            return
        condition_node = _polled_condition(node, model)
        if condition_node is None or _awaits_in(condition_node, model):
            return  # `while not await client.ping():` polls something outside the process: a retry loop
        condition = " ".join(model.segment(condition_node).split())
        if len(condition) > 40:
            condition = condition[:37] + "..."
        message = (
            f"busy-wait in {model.context_label(node)}: the loop polls `{condition}` between sleeps; "
            "wait on an `asyncio.Event` (or `Condition`, `Future`) that is set when it changes"
        )
        start = model.range_of(node)
        end = model.range_of(node.test)
        yield Diagnostic(self.code, message, Range(start.start_line, start.start_column, end.end_line, end.end_column), self.severity)


def _polled_condition(loop: ast.While, model: SemanticModel) -> ast.expr | None:
    """The condition a loop polls between sleeps: its test when its body only sleeps, or the test
    of the one ``if ...: break`` (or ``return``) of a ``while True:`` whose body otherwise only
    sleeps. ``while ...:`` is a condition still to be written, not a loop kept alive."""
    statements = [statement for statement in loop.body if not _is_filler(statement)]
    sleeps = [statement for statement in statements if _is_awaited_sleep(statement, model)]
    if not sleeps:
        return None
    if not (isinstance(loop.test, ast.Constant) and loop.test.value is not Ellipsis):
        return loop.test if len(sleeps) == len(statements) else None
    exits = [statement for statement in statements if statement not in sleeps]
    if not loop.test.value or len(exits) != 1 or not _is_exit_test(exits[0]):
        return None
    return exits[0].test  # type: ignore[attr-defined]


def _is_exit_test(statement: ast.stmt) -> bool:
    """``if <condition>: break`` (or ``return``, with a value or not), no ``else``."""
    return (
        isinstance(statement, ast.If)
        and not statement.orelse
        and len(statement.body) == 1
        and isinstance(statement.body[0], (ast.Break, ast.Return))
    )


def _awaits_in(expression: ast.expr, model: SemanticModel) -> bool:
    if isinstance(expression, ast.Await):
        return True
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
