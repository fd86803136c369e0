from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of

#: asyncio.gather, which returns failures as values when asked to
GATHER_FUNCTIONS = frozenset({"asyncio.gather", "asyncio.tasks.gather"})


class GatherExceptionsDiscarded(Rule):
    """
    ## What it does
    Finds `await asyncio.gather(..., return_exceptions=True)` whose result is thrown away (the
    `await` is a statement of its own).

    ## Why is this bad?
    With `return_exceptions=True`, `gather()` does not raise: each failure comes back as an
    exception object in the result list. Discarding the list discards every error, so a batch
    where every call failed looks exactly like one where every call succeeded, with no traceback
    and no log line to debug from.

    ## Example
    ```python
    import asyncio

    async def notify_all(users):
        await asyncio.gather(*(send_email(user) for user in users), return_exceptions=True)
    ```

    ## Use instead
    ```python
    import asyncio

    async def notify_all(users):
        results = await asyncio.gather(*(send_email(user) for user in users), return_exceptions=True)
        for user, result in zip(users, results):
            if isinstance(result, Exception):
                log.error("email to %s failed", user, exc_info=result)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY142"]`. Most `gather(...,
    return_exceptions=True)` calls whose result is dropped wait for tasks that handle or log their own
    errors, or that were just cancelled (the cancel-and-wait idiom, which the rule recognises when the
    cancel is in sight); even so, on the real-application corpus no judged finding was worth changing.
    Enable it to review every discarded result.

    ## Fix safety
    No automatic fix: what to do with each failure (log, retry, re-raise) is the program's choice.
    """

    code = "ASY142"
    name = "gather-exceptions-discarded"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`gather(..., return_exceptions=True)` result discarded: every error is lost"
    guidelines = (
        Quote("asyncio", "Future and Result Handling", "Use proper exception propagation"),
        Quote("asyncio", "Debugging", "Create appropriate exception handling"),
    )
    node_types = (ast.Call,)
    callees = callees_of(GATHER_FUNCTIONS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in GATHER_FUNCTIONS:
            return
        flag = keyword(node, "return_exceptions")
        if not (isinstance(flag, ast.Constant) and flag.value is True):
            return
        awaited = model.parent(node)
        if not (isinstance(awaited, ast.Await) and isinstance(model.parent(awaited), ast.Expr)):
            return
        if waits_for_cancelled_tasks(node, model):
            return
        message = (
            f"`asyncio.gather(..., return_exceptions=True)` in {model.context_label(node)} returns its failures "
            "as values, and the result is discarded: every error is silently lost; check the results "
            "for exceptions (and log them), or let `gather()` raise"
        )
        yield self.diagnostic(node, model, message)


def waits_for_cancelled_tasks(gather: ast.Call, model: SemanticModel) -> bool:
    """True when the gathered tasks were just cancelled: the function calls ``.cancel()`` before the
    ``gather()``, or gathers what a ``..cancel..()`` function returned. Then ``return_exceptions=True``
    absorbs their ``CancelledError`` on purpose, the standard cancel-and-wait idiom (at shutdown)."""
    function = model.enclosing_function(gather)
    if function is None:
        return False
    place = (gather.lineno, gather.col_offset)
    for attribute in model.attributes_named("cancel"):
        call = model.parent(attribute)
        if (isinstance(call, ast.Call) and call.func is attribute and model.enclosing_function(attribute) is function
                and (attribute.lineno, attribute.col_offset) < place):
            return True
    return any(cancelling_call(gathered, model) for gathered in gather.args)


def cancelling_call(gathered: ast.expr, model: SemanticModel) -> bool:
    """``*pending`` where ``pending`` was bound to ``self._cancel_sessions()`` or a comprehension
    over such calls."""
    name = gathered.value if isinstance(gathered, ast.Starred) else gathered
    binding = model.lookup(name.id, name) if isinstance(name, ast.Name) else None
    value = getattr(binding.node, "value", None) if binding is not None else None
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return any(names_cancel(generator.iter) for generator in value.generators)
    return names_cancel(value)


def names_cancel(expr: ast.AST | None) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return "cancel" in name.lower()
