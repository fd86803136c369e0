from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..tracebacks import traceback_kept
from ..frameworks.aiohttp import is_aiohttp_handler, is_middleware

#: how ``logger`` objects are made, so ``logger.error`` is known to be logging's
LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger"})


class ErrorLoggedWithoutTraceback(Rule):
    """
    ## What it does
    Finds `logger.error(...)` (or `logging.error(...)`) in an `except` block of an aiohttp
    handler or middleware, without `exc_info=`. A block that raises the exception on (`raise`,
    `raise error`, `raise web.HTTPBadGateway() from error`) or logged its traceback already is
    left alone.

    ## Why is this bad?
    The log line says that something failed but not where: the traceback of the exception being
    handled is dropped, and a 500 in production cannot be traced to the line that raised.
    `logger.exception(...)` logs the same message at the same level with the traceback.

    ## Example
    ```python
    @web.middleware
    async def errors(request, handler):
        try:
            return await handler(request)
        except Exception as error:
            logger.error("request failed: %s", error)
            raise web.HTTPInternalServerError()
    ```

    ## Use instead
    ```python
    @web.middleware
    async def errors(request, handler):
        try:
            return await handler(request)
        except Exception:
            logger.exception("request failed")
            raise web.HTTPInternalServerError()
    ```

    ## Fix safety
    No fix is offered: some handlers log expected errors on purpose without a traceback.
    """

    code = "AIO037"
    name = "aiohttp-error-logged-without-traceback"
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "`logger.error()` in an aiohttp handler's `except` block drops the traceback"
    guidelines = (Quote("aiohttp", "Error Handling", "Use proper error logging"),)
    node_types = (ast.Call,)
    callees = frozenset({"error"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "error"):
            return
        if any(k.arg in ("exc_info", None) for k in node.keywords) or not _is_logger(model, node.func.value):
            return
        function = model.enclosing_function(node)
        if not (is_aiohttp_handler(function) or is_middleware(model, function)):
            return
        handler = next((a for a in _ancestors_in_function(model, node) if isinstance(a, ast.ExceptHandler)), None)
        if handler is None or traceback_kept(node, handler, model):
            return
        yield self.diagnostic(
            node,
            model,
            f"`{model.segment(node.func)}()` in an `except` block of {model.context_label(node)} drops the "
            "traceback; use `.exception()` (or pass `exc_info=True`)",
        )


def _is_logger(model: SemanticModel, receiver: ast.expr) -> bool:
    if model.qualified_name(receiver) == "logging":
        return True
    if isinstance(receiver, ast.Name):
        binding = model.lookup(receiver.id, receiver)
        value = binding.value if binding is not None else None
        return isinstance(value, ast.Call) and model.qualified_name(value.func) in LOGGER_FACTORIES
    return False


def _ancestors_in_function(model: SemanticModel, node: ast.AST) -> Iterator[ast.AST]:
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        yield ancestor
