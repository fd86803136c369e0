from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import Binding, SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)

#: functions that schedule a task and return the only strong reference to it
TASK_FACTORIES = frozenset({
    "asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future",
})
#: the callee names of those and of ``loop.create_task()``: ``Rule.callees`` of the rules on task creation
TASK_CREATION_CALLEES = callees_of(TASK_FACTORIES, ("create_task",))


class DiscardedTask(Rule):
    """
    ## What it does
    Finds `asyncio.create_task()`, `asyncio.ensure_future()` and `loop.create_task()` whose result
    is thrown away: the call is a statement of its own, or an element of a list, tuple,
    conditional expression or comprehension that is; it is only tested (`x if create_task(...)
    else y`); it is entered as a `with` item; or it is assigned to a local name that the function
    never reads.

    `TaskGroup.create_task()` is not reported: the group keeps its tasks and waits for them.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task. A task that nothing else references can
    be garbage-collected while it waits — mid-flight, without an error — so the "background" work
    silently never finishes. An exception raised in it is also never seen, except as a "Task
    exception was never retrieved" log line, if at all.

    ## Example
    ```python
    import asyncio

    async def handle_order(order):
        asyncio.create_task(send_confirmation_email(order))
        return {"status": "accepted"}
    ```

    ## Use instead
    ```python
    import asyncio

    background_tasks = set()

    async def handle_order(order):
        task = asyncio.create_task(send_confirmation_email(order))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
        return {"status": "accepted"}
    ```
    or run the tasks in an `asyncio.TaskGroup` (Python 3.11+), which keeps them until they finish.

    ## Fix safety
    No automatic fix: where to keep the task (a module set, an attribute of the application, a
    task group) and when to wait for it or cancel it is the program's design.
    """

    code = "ASY111"
    name = "discarded-task-reference"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Task created and its reference discarded: it can be garbage-collected mid-flight"
    guidelines = (
        Quote("asyncio", "Task Management", "Use proper create_task method"),
        Quote("asyncio", "Task Management", "Implement effective task groups"),
        Quote("asyncio", "Task Management", "Implement proper task exception handling"),
        Quote("asyncio", "Key Principles", "Use appropriate task and future management"),
    )
    node_types = (ast.Call,)
    callees = TASK_CREATION_CALLEES

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        how = _how_lost(node, model)
        if how is None:
            return  # kept, awaited, returned or passed on
        name = model.qualified_name(node.func)
        if name in TASK_FACTORIES:
            shown = name.replace(".tasks.", ".")
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "create_task" and model.is_event_loop(node.func.value):
            shown = model.segment(node.func)
        else:
            return
        message = (
            f"the task from `{shown}()` {how} in {model.context_label(node)}: the event loop keeps only "
            "a weak reference, so it can be garbage-collected before it finishes; keep a reference "
            "(add it to a set, discard it in a done callback) or use an `asyncio.TaskGroup`"
        )
        yield self.diagnostic(node, model, message)


def _how_lost(call: ast.Call, model: SemanticModel) -> str | None:
    """How the reference to the task ``call`` makes is lost, for the message; None when it is kept.

    It is lost in an expression statement, also inside a list, tuple, set, conditional expression
    or comprehension that is one; as the test of a conditional expression or a comprehension; as
    a ``with`` item; and in a local name that is never read."""
    node: ast.AST = call
    parent = model.parent(node)
    while True:
        if isinstance(parent, ast.Expr):
            return "is discarded" if node is call else "is discarded with the expression holding it"
        if isinstance(parent, ast.IfExp) and node is parent.test:
            return "is only tested and dropped"
        if isinstance(parent, ast.comprehension) and node in parent.ifs:
            return "is only tested and dropped"
        if isinstance(parent, ast.withitem) and node is parent.context_expr:
            return "is used as a context manager (a task is none) and dropped"
        if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.IfExp)) or (
            isinstance(parent, _COMPREHENSIONS) and node is parent.elt  # type: ignore[attr-defined]
        ):
            node, parent = parent, model.parent(parent)
            continue
        break
    if node is call:
        binding = model.bound_to(call)
        if binding is not None and binding.scope.kind == "function" and not _ever_read(binding, model):
            if not _declared_outside(binding.name, binding.scope.node, model):
                return f"is kept in `{binding.name}`, which is never read"
    return None


def _ever_read(binding: Binding, model: SemanticModel) -> bool:
    """Whether any binding of the name in the same function is read: a read after an ``if``/``else``
    that binds the name in both branches refers to the last of them only."""
    return any(model.references(other) for other in binding.scope.bindings.get(binding.name, ()))


def _declared_outside(name: str, function: ast.AST, model: SemanticModel) -> bool:
    """True when ``function`` declares ``name`` ``global`` or ``nonlocal``: the name outlives the call."""
    for kind in (ast.Global, ast.Nonlocal):
        for declaration in model.nodes(kind):
            if name in declaration.names and model.enclosing_function(declaration) is model.function_info(function):  # type: ignore[attr-defined]
                return True
    return False
