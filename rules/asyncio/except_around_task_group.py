from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: context managers that run tasks and raise their failures wrapped in an exception group
TASK_GROUPS = frozenset({"asyncio.TaskGroup", "asyncio.taskgroups.TaskGroup", "anyio.create_task_group"})

#: the exception-group classes (builtin since 3.11, and the backport)
EXCEPTION_GROUPS = (
    "builtins.BaseExceptionGroup", "builtins.ExceptionGroup",
    "exceptiongroup.BaseExceptionGroup", "exceptiongroup.ExceptionGroup",
)

#: exceptions a task group lets out as they are (or that match the group itself): an `except`
#: clause naming one of these can run
ESCAPING_EXCEPTIONS = frozenset({
    "builtins.BaseException", "builtins.Exception", *EXCEPTION_GROUPS,
    "builtins.KeyboardInterrupt", "builtins.SystemExit", "asyncio.CancelledError", "asyncio.exceptions.CancelledError",
    "anyio.get_cancelled_exc_class",
})


class ExceptAroundTaskGroup(Rule):
    """
    ## What it does
    Finds a `try` whose body is only an `async with asyncio.TaskGroup()` (or anyio's
    `create_task_group()`), with a plain `except SomeError:` clause for an ordinary exception.

    ## Why is this bad?
    A task group raises its tasks' failures, and an exception from its own body, wrapped in an
    `ExceptionGroup` (only `KeyboardInterrupt`, `SystemExit` and the group's own cancellation get
    out as they are). `except ValueError:` never matches an `ExceptionGroup`, so the handler never
    runs and the error escapes, although the code reads as if it were handled.

    ## Example
    ```python
    import asyncio

    async def load_all(urls):
        try:
            async with asyncio.TaskGroup() as tg:
                for url in urls:
                    tg.create_task(fetch(url))
        except ConnectionError:
            log.warning("a download failed")
    ```

    ## Use instead
    ```python
    import asyncio

    async def load_all(urls):
        try:
            async with asyncio.TaskGroup() as tg:
                for url in urls:
                    tg.create_task(fetch(url))
        except* ConnectionError:
            log.warning("a download failed")
    ```

    ## Fix safety
    No automatic fix: `except*` runs for a group that also holds other errors, which are then
    re-raised, and it forbids `return`, `break` and `continue` in the handler; which behaviour
    the code wants has to be decided by hand.
    """

    code = "ASY127"
    name = "except-around-task-group"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`except SomeError:` around a task group never runs: it raises an `ExceptionGroup`"
    guidelines = (
        Quote("asyncio", "Error Handling", "Use proper exception groups (Python 3.11+)"),
        Quote("asyncio", "Task Management", "Implement proper task exception handling"),
    )
    node_types = (ast.Try,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Try)
        if len(node.body) != 1 or not isinstance(node.body[0], ast.AsyncWith):
            return  # other statements of the body may raise the exception themselves
        group = next(
            (
                model.qualified_name(item.context_expr.func)
                for item in node.body[0].items
                if isinstance(item.context_expr, ast.Call) and model.qualified_name(item.context_expr.func) in TASK_GROUPS
            ),
            None,
        )
        if group is None:
            return
        for handler in node.handlers:
            if handler.type is None:
                continue
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            if any(_may_match(kind, model) for kind in types):
                continue
            shown = group.rsplit(".", 1)[-1]
            message = (
                f"`except {model.segment(handler.type)}:` in {model.context_label(handler)} never runs: "
                f"`{shown}` raises its tasks' errors wrapped in an `ExceptionGroup`; use "
                f"`except* {model.segment(handler.type)}:` (Python 3.11+)"
            )
            yield self.diagnostic(handler.type, model, message)


def _may_match(kind: ast.expr, model: SemanticModel) -> bool:
    """Whether an `except` clause's class may match what a task group raises: the group itself (or
    a subclass of it, of this module or named like one), an exception it lets out, or an expression
    that is not a class name."""
    local = model.class_def(kind)
    if local is not None:
        return model.is_subclass(local, *EXCEPTION_GROUPS)
    name = model.qualified_name(kind)
    return name is None or name in ESCAPING_EXCEPTIONS or name.endswith("Group")
