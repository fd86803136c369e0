from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: asyncio's condition variable
CONDITIONS = frozenset({"asyncio.Condition", "asyncio.locks.Condition"})


class ConditionWaitWithoutLoop(Rule):
    """
    ## What it does
    Finds `await condition.wait()` on an `asyncio.Condition` that is not inside a `while` loop.

    ## Why is this bad?
    Being woken up does not mean the condition holds: `notify_all()` wakes every waiter, another
    task may take the item first, and the notifier may signal for a different reason. Code that
    waits once and then goes on assumes the state it waited for, and acts on an empty queue or a
    stale flag. The wait belongs in a loop that re-checks the predicate, which is what
    `condition.wait_for(predicate)` does.

    ## Example
    ```python
    async def take(self):
        async with self.condition:
            if not self.items:
                await self.condition.wait()
            return self.items.pop()
    ```

    ## Use instead
    ```python
    async def take(self):
        async with self.condition:
            await self.condition.wait_for(lambda: self.items)
            return self.items.pop()
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY146"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `Condition.wait()` outside a loop is
    correct with a single waiter; with several it is a race.

    ## Fix safety
    No automatic fix: the predicate to re-check is the program's.
    """

    code = "ASY146"
    name = "condition-wait-without-loop"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`Condition.wait()` outside a `while` loop: the predicate is not re-checked"
    guidelines = (Quote("asyncio", "Synchronization Primitives", "Create appropriate Condition variables"),)
    node_types = (ast.Call,)
    callees = frozenset({"wait"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr != "wait" or node.args or node.keywords:
            return
        if model.instance_type(node.func.value) not in CONDITIONS:
            return
        loop = model.enclosing_loop(node)
        while loop is not None and not isinstance(loop, ast.While):
            loop = model.enclosing_loop(loop)
        if loop is not None:
            return
        condition = model.segment(node.func.value)
        message = (
            f"`{condition}.wait()` in {model.context_label(node)} is not in a `while` loop: waking up does not "
            f"mean the condition holds; use `await {condition}.wait_for(predicate)` or re-check it in a loop"
        )
        yield self.diagnostic(node, model, message)
