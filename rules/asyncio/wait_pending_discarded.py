from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of

#: asyncio.wait, which returns (done, pending) and cancels nothing
WAIT_FUNCTIONS = frozenset({"asyncio.wait", "asyncio.tasks.wait"})

#: the `return_when` value that waits for everything (no pending set left)
ALL_COMPLETED = frozenset({"asyncio.ALL_COMPLETED", "asyncio.tasks.ALL_COMPLETED", "concurrent.futures.ALL_COMPLETED"})


class WaitPendingDiscarded(Rule):
    """
    ## What it does
    Finds `asyncio.wait(..., timeout=...)` (or `return_when=FIRST_COMPLETED` /
    `FIRST_EXCEPTION`) whose pending set is thrown away: `done, _ = await asyncio.wait(...)`,
    a pending name that is never read, or `(await asyncio.wait(...))[0]`, in a function that
    cancels nothing. Tasks the code keeps on purpose are left alone: one held by `self`, one read
    again after the call, or, in a loop, one created before it and waited on again each time
    (`stop` in `while True: done, _ = await asyncio.wait({stop, get}, ...)`).

    ## Why is this bad?
    Unlike `wait_for()`, `asyncio.wait()` does not cancel anything when it returns early: the
    tasks still pending keep running after the timeout, holding connections and memory, and their
    exceptions are never retrieved. The timeout then only stops the waiting, not the work.

    ## Example
    ```python
    import asyncio

    async def first_answer(queries):
        tasks = [asyncio.create_task(ask(q)) for q in queries]
        done, _ = await asyncio.wait(tasks, timeout=2)
        return [task.result() for task in done]
    ```

    ## Use instead
    ```python
    import asyncio

    async def first_answer(queries):
        tasks = [asyncio.create_task(ask(q)) for q in queries]
        done, pending = await asyncio.wait(tasks, timeout=2)
        for task in pending:
            task.cancel()
        return [task.result() for task in done]
    ```

    ## Fix safety
    No automatic fix: the pending tasks may be meant to go on (and be awaited later), or to be
    cancelled; that is the program's choice.
    """

    code = "ASY135"
    name = "wait-pending-discarded"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`asyncio.wait()` with a timeout whose pending tasks are discarded: they keep running"
    guidelines = (
        Quote("asyncio", "Timeouts and Delays", "Create proper cancellation of timeouts"),
        Quote("asyncio", "Future and Result Handling", "Create effective timeout handling"),
    )
    node_types = (ast.Call,)
    callees = callees_of(WAIT_FUNCTIONS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in WAIT_FUNCTIONS:
            return
        timeout = keyword(node, "timeout")
        return_when = keyword(node, "return_when")
        early = (timeout is not None and not (isinstance(timeout, ast.Constant) and timeout.value is None)) or (
            return_when is not None and model.qualified_name(return_when) not in ALL_COMPLETED
        )
        if not early or not _pending_discarded(node, model) or _kept_running(node, model):
            return
        function = model.enclosing_function(node)
        if function is not None and any(
            isinstance(call.func, ast.Attribute) and call.func.attr == "cancel" for call in model.nodes_in(function, ast.Call)
        ):
            return  # the tasks are cancelled through another reference
        message = (
            f"`asyncio.wait()` in {model.context_label(node)} returns early but its pending set is discarded: "
            "those tasks keep running and their errors are never seen; cancel them "
            "(`for task in pending: task.cancel()`) or await them later"
        )
        yield self.diagnostic(node, model, message)


def _pending_discarded(call: ast.Call, model: SemanticModel) -> bool:
    awaited = model.parent(call)
    if not isinstance(awaited, ast.Await):
        return False
    parent = model.parent(awaited)
    if isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Constant) and parent.slice.value == 0:
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Tuple)):
        return False
    elements = parent.targets[0].elts
    if len(elements) != 2 or not isinstance(elements[1], ast.Name):
        return False
    pending = elements[1]
    if pending.id == "_":
        return True
    binding = model.lookup(pending.id, pending)
    return binding is not None and not model.references(binding)


def _kept_running(call: ast.Call, model: SemanticModel) -> bool:
    """The code keeps a reference to what it waits on, to wait again or look later: ``self._stopped``,
    or a name read again after the call or, in a loop, bound outside it (``stop = create_task(...)``
    before ``while True: done, _ = await asyncio.wait({stop, get}, ...)``)."""
    waited = argument(call, 0, "fs")
    elements = waited.elts if isinstance(waited, (ast.List, ast.Tuple, ast.Set)) else [waited] if waited is not None else []
    loop = model.enclosing_loop(call)
    for element in elements:
        if isinstance(element, ast.Attribute) and isinstance(element.value, ast.Name) and element.value.id == "self":
            return True
        binding = model.lookup(element.id, element) if isinstance(element, ast.Name) else None
        if binding is None:
            continue
        if any((name.lineno, name.col_offset) > (call.end_lineno or call.lineno, call.end_col_offset or 0) for name in model.references(binding)):
            return True
        if loop is not None and loop not in model.ancestors(binding.node) and binding.kind != "parameter":
            return True
    return False
