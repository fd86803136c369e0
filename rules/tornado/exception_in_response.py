from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import self_call

#: handler methods whose arguments reach the client
OUTPUT_METHODS = frozenset({"write", "finish", "write_message", "send_error", "render"})


class ExceptionInResponse(Rule):
    """
    ## What it does
    Finds Tornado handlers that send a caught exception to the client: inside an `except ... as
    error:` block, `self.write()`, `self.finish()`, `self.write_message()` or `self.render()` given
    `str(error)`, `repr(error)`, `error.args`, the exception itself or a `traceback` formatting
    of it (also inside an f-string, a dict or a list).

    ## Why is this bad?
    Exception messages carry internals: SQL statements and table names, file paths, host names,
    library versions, sometimes data of other users. Sent to the client they help an attacker
    map the service, and they are no use to a legitimate caller. Tornado's own error page shows
    the traceback only with `serve_traceback`/`debug` on; a handler that writes the exception
    itself bypasses that switch.

    ## Example
    ```python
    from tornado import web

    class OrderHandler(web.RequestHandler):
        async def post(self):
            try:
                order = await create_order(self.request.body)
            except Exception as error:
                self.set_status(500)
                self.write({"error": str(error)})
                return
            self.write(order)
    ```

    ## Use instead
    ```python
    import logging

    from tornado import web

    class OrderHandler(web.RequestHandler):
        async def post(self):
            try:
                order = await create_order(self.request.body)
            except Exception:
                logging.exception("creating an order failed")
                raise web.HTTPError(500)
            self.write(order)
    ```

    Log the exception, and send the client a generic message (or override `write_error` once).

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR036"]`. It found nothing on
    the real-application corpus, and it is not a definite error: error text sent to clients is often
    meant for them, as for STA017.

    ## Fix safety
    There is no automatic fix: what the client should see instead is the application's choice.
    """

    code = "TOR036"
    name = "exception-in-response"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "caught exception's message or traceback sent to the client"
    guidelines = (
        Quote("tornado", "Logging and Debugging", "Use proper exception handling"),
        Quote("tornado", "Asynchronous Programming", "Create effective error handling"),
    )
    node_types = (ast.Call,)
    callees = OUTPUT_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        method = self_call(model, node)
        if method not in OUTPUT_METHODS:
            return
        assert isinstance(node, ast.Call)
        handler = next((a for a in model.ancestors(node) if isinstance(a, ast.ExceptHandler)), None)
        if handler is None:
            return
        if model.enclosing_function(handler) is not model.enclosing_function(node):
            return
        for value in [*node.args, *(k.value for k in node.keywords)]:
            leaked = _leak(model, value, handler.name or "")  # unnamed: only traceback.format_exc() can leak
            if leaked is not None:
                message = (
                    f"`self.{method}()` sends {leaked} to the client in {model.context_label(node)}, exposing internals; "
                    "log it (`logging.exception(...)`) and send a generic message, e.g. `raise web.HTTPError(500)`"
                )
                yield self.diagnostic(node, model, message)
                return


def _leak(model: SemanticModel, value: ast.expr, name: str) -> str | None:
    """How ``value`` carries the caught exception ``name`` (for the message), or None. ``name`` is
    empty for ``except X:``, where only ``traceback.format_exc()`` reaches the exception."""
    if isinstance(value, ast.Name) and value.id == name:
        return f"the exception `{name}`"
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == name:
        return f"`{model.segment(value)}`"
    if isinstance(value, ast.Call):
        callee = model.qualified_name(value.func) or ""
        reads = [a for a in value.args if isinstance(a, ast.Name) and a.id == name]
        if reads and (callee in ("builtins.str", "builtins.repr", "builtins.format") or callee.startswith("traceback.")):
            return f"`{model.segment(value)}`"
        if callee.startswith("traceback.format_exc"):
            return f"`{model.segment(value)}`"
        return None
    if isinstance(value, ast.JoinedStr):
        for part in value.values:
            if isinstance(part, ast.FormattedValue) and _leak(model, part.value, name):
                return f"`{name}` (in an f-string)"
        return None
    if isinstance(value, ast.Dict):
        return next((found for v in value.values if v is not None and (found := _leak(model, v, name))), None)
    if isinstance(value, (ast.List, ast.Tuple)):
        return next((found for v in value.elts if (found := _leak(model, v, name))), None)
    if isinstance(value, ast.BinOp):
        return _leak(model, value.left, name) or _leak(model, value.right, name)
    return None
