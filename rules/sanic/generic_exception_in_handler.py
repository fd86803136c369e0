from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_sanic_handler

#: exceptions too broad to say anything to the client or to an exception handler
GENERIC_EXCEPTIONS = frozenset({"builtins.Exception", "builtins.BaseException"})


class GenericExceptionInHandler(Rule):
    """
    ## What it does
    Finds `raise Exception(...)` (or `BaseException`) in Sanic request handlers.

    ## Why is this bad?
    Sanic turns an exception that is not a `SanicException` into a 500 Internal Server Error
    with a generic message: the client cannot tell a bad request from a bug, your message is not
    shown, and the error is logged as a crash. An exception handler cannot pick it out either
    without catching every `Exception`. Sanic's exception classes carry the status and a message
    the client sees (`NotFound`, `BadRequest`, `Unauthorized`, `Forbidden`), and your own
    subclasses of them form a hierarchy handlers can select.

    ## Example
    ```python
    @app.get("/orders/<order_id:int>")
    async def get_order(request, order_id):
        order = await load_order(order_id)
        if order is None:
            raise Exception("order not found")
        return json(order)
    ```

    ## Use instead
    ```python
    from sanic.exceptions import NotFound


    @app.get("/orders/<order_id:int>")
    async def get_order(request, order_id):
        order = await load_order(order_id)
        if order is None:
            raise NotFound("order not found")
        return json(order)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN032"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a bare `Exception` gives the client a
    500: an error-handling preference.

    ## Fix safety
    There is no automatic fix: which status the error means (404, 400, 409…) is not in the code.
    """

    code = "SAN032"
    name = "generic-exception-in-handler"
    opt_in = True
    framework = "sanic"
    severity = Severity.WARNING
    summary = "`raise Exception(...)` in a Sanic handler: the client gets a bare 500"
    guidelines = (
        Quote("sanic", "Error Handling", "Use proper exception hierarchies"),
        Quote("sanic", "Error Handling", "Implement effective error responses"),
    )
    node_types = (ast.Raise,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Raise)
        exception = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if exception is None or model.qualified_name(exception) not in GENERIC_EXCEPTIONS:
            return
        if not is_sanic_handler(model.enclosing_function(node)):
            return
        message = (
            f"`{model.segment(node)}` in {model.context_label(node)} reaches the client as a bare 500 error; "
            f"raise a `sanic.exceptions` class that says what went wrong (`NotFound`, `BadRequest`, `Forbidden`, "
            f"or your own `SanicException` subclass)"
        )
        yield self.diagnostic(node, model, message)
