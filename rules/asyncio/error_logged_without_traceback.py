from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..tracebacks import traceback_kept

#: logging methods that drop the traceback unless given exc_info
ERROR_METHODS = frozenset({"error", "critical", "warning"})


class ErrorLoggedWithoutTraceback(Rule):
    """
    ## What it does
    Finds, in an `except` block of a coroutine, `logger.error(...)` (or `critical`, `warning`, or
    the `logging` module's functions) that logs the caught exception (it is among the arguments)
    without `exc_info`, instead of `logger.exception(...)`.

    Left alone: a handler that raises the exception on (`raise`, `raise error`, `raise
    Other(...) from error`), one that logged the traceback already, and a `warning` about a
    specific, expected error (`except KeyError`, not `except Exception` or `except OSError`).

    ## Why is this bad?
    Logging `str(exc)` keeps only the message: "Connection reset by peer" with no traceback says
    neither which await failed nor which task it ran in. In async code, where the same coroutine
    runs in many tasks at once and the stack of the failure is the only record of the path that
    led to it, that makes the error log nearly useless for debugging.

    ## Example
    ```python
    async def sync_orders():
        try:
            await push_orders()
        except OSError as error:
            log.error("sync failed: %s", error)
    ```

    ## Use instead
    ```python
    async def sync_orders():
        try:
            await push_orders()
        except OSError:
            log.exception("sync failed")
    ```

    ## Fix safety
    No automatic fix: `log.exception` logs at `ERROR`; where a different level was meant, pass
    `exc_info=True` instead.
    """

    code = "ASY150"
    name = "error-logged-without-traceback"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "Caught exception logged without its traceback in a coroutine: use `logger.exception()`"
    guidelines = (Quote("asyncio", "Error Handling", "Implement proper error logging"),)
    node_types = (ast.Call,)
    callees = ERROR_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in ERROR_METHODS:
            return
        if keyword(node, "exc_info") is not None or keyword(node, "stack_info") is not None:
            return
        if not model.in_async_context(node):
            return
        handler = next((a for a in model.ancestors(node) if isinstance(a, ast.ExceptHandler)), None)
        if handler is None or handler.name is None or model.enclosing_function(handler) is not model.enclosing_function(node):
            return
        if not _is_logger(node.func.value, model):
            return
        if not any(isinstance(arg, ast.Name) and arg.id == handler.name for arg in _arguments(node)):
            return  # the exception is not what is logged
        if traceback_kept(node, handler, model):
            return
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} logs `{handler.name}` without its "
            "traceback, so the log does not show where it failed; use `.exception(...)` (or `exc_info=True`)"
        )
        yield self.diagnostic(node, model, message)


def _is_logger(expr: ast.expr, model: SemanticModel) -> bool:
    if model.qualified_name(expr) == "logging" or model.instance_type(expr) == "logging.Logger":
        return True
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else ""
    return name.strip("_").lower() in ("log", "logger")


def _arguments(call: ast.Call) -> Iterator[ast.expr]:
    """The call's arguments, and the values formatted into an f-string or ``str(...)`` argument."""
    for arg in call.args:
        yield arg
        if isinstance(arg, ast.JoinedStr):
            yield from (part.value for part in arg.values if isinstance(part, ast.FormattedValue))
        if isinstance(arg, ast.Call) and arg.args:
            yield arg.args[0]
