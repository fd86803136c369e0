from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import header_range

#: exceptions whose handler sees every crash
CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException"})
#: calls that leave a trace of the error: logging methods, traceback printing, error trackers
LOGGING_CALLS = frozenset(
    {"exception", "error", "critical", "warning", "warn", "log", "print_exc", "print_exception", "format_exc",
     "capture_exception", "captureException", "print", "default"}
)  # fmt: skip


class UnloggedCatchAllErrorHandler(Rule):
    """
    ## What it does
    Finds Sanic exception handlers for every exception (`@app.exception(Exception)`, an
    `ErrorHandler` subclass's `default` method) that answer the client without logging the error,
    re-raising it, or handing it to Sanic's own handler (`super().default(...)`, which logs).

    ## Why is this bad?
    Such a handler replaces Sanic's default one, which logs every unhandled exception with its
    traceback. With it, crashes become polite 500 responses and nothing in the logs: the bug is
    found from user complaints, and there is no traceback to find it with.

    ## Example
    ```python
    @app.exception(Exception)
    async def catch_all(request, exception):
        return json({"error": "internal error"}, status=500)
    ```

    ## Use instead
    ```python
    logger = logging.getLogger(__name__)


    @app.exception(Exception)
    async def catch_all(request, exception):
        logger.exception("unhandled error on %s", request.path)
        return json({"error": "internal error"}, status=500)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN034"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a catch-all handler that logs nothing
    is an error-handling preference.

    ## Fix safety
    There is no automatic fix: which logger to use, and what to record, is the application's.
    """

    code = "SAN034"
    name = "unlogged-catch-all-error-handler"
    opt_in = True
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Catch-all Sanic exception handler that neither logs nor re-raises"
    guidelines = (
        Quote("sanic", "Error Handling", "Use proper error logging"),
        Quote("sanic", "Error Handling", "Use proper exception handlers"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        function = model.function_info(node)
        callback = model.callback_of(function)
        if function is None or callback is None or callback.framework != "sanic" or callback.kind != "exception handler":
            return
        registration = callback.registration
        if isinstance(registration, ast.Call):
            handled = [model.qualified_name(argument) for argument in registration.args]
            if not any(name in CATCH_ALL for name in handled):
                return
        elif node.name != "default":
            return
        if model.nodes_in(function, ast.Raise) or any(self.logs(call) for call in model.nodes_in(function, ast.Call)):
            return
        message = (
            f"exception handler `{node.name}` answers every exception without logging it: crashes leave no "
            f"traceback in the logs; call `logger.exception(...)` (or re-raise, or `super().default(...)`)"
        )
        yield Diagnostic(self.code, message, header_range(model, node), self.severity)

    @staticmethod
    def logs(call: ast.AST) -> bool:
        assert isinstance(call, ast.Call)
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        return name in LOGGING_CALLS
