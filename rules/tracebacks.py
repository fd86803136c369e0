"""When a log call in an ``except`` block may leave the traceback out: the question ASY150 and
AIO037 (error logged without traceback) share."""

from __future__ import annotations

import ast

from .model import SemanticModel, keyword

#: exception classes too broad to be an expected, specific error: catching one says little of what failed
BROAD_EXCEPTIONS = frozenset(
    {
        "builtins.BaseException",
        "builtins.Exception",
        "builtins.OSError",
        "builtins.IOError",
        "builtins.EnvironmentError",
        "builtins.RuntimeError",
    }
)


def traceback_kept(call: ast.Call, handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """True when logging the caught exception without its traceback at ``call`` loses nothing worth
    having: the handler raises it on in its own body (bare ``raise``, ``raise error``, ``raise
    Other(...) from error``), so whoever catches it sees the traceback; the handler already logged the traceback
    before ``call``; or ``call`` is a warning about a specific, expected error (``KeyError``,
    ``asyncio.TimeoutError``), not a broad ``Exception`` or ``OSError``."""
    if any(isinstance(statement, ast.Raise) and _raises_on(statement, handler) for statement in handler.body):
        return True  # on every path: a raise under an `if` may leave the log line as all there is
    function = model.enclosing_function(call)
    calls = model.nodes_in(function, ast.Call) if function else []
    if any(
        isinstance(earlier, ast.Call)
        and handler in model.ancestors(earlier)
        and (earlier.lineno, earlier.col_offset) < (call.lineno, call.col_offset)
        and _logs_traceback(earlier)
        for earlier in calls
    ):
        return True
    level = call.func.attr if isinstance(call.func, ast.Attribute) else None
    return level == "warning" and _specific(handler, model)


def _raises_on(statement: ast.Raise, handler: ast.ExceptHandler) -> bool:
    if statement.exc is None:
        return True
    if isinstance(statement.exc, ast.Name) and statement.exc.id == handler.name:
        return True
    return statement.cause is not None and not (isinstance(statement.cause, ast.Constant) and statement.cause.value is None)


def _logs_traceback(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    if call.func.attr == "exception":
        return True
    exc_info = keyword(call, "exc_info")
    return exc_info is not None and not (isinstance(exc_info, ast.Constant) and not exc_info.value)


def _specific(handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
    names = [model.qualified_name(c) for c in caught]
    return bool(names) and not any(name in BROAD_EXCEPTIONS for name in names)
