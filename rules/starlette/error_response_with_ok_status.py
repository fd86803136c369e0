from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of

RESPONSES = frozenset(
    f"{module}.{name}"
    for module in ("starlette.responses", "fastapi.responses")
    for name in ("Response", "JSONResponse", "PlainTextResponse", "HTMLResponse")
) | {"fastapi.Response"}
#: dictionary keys that say the body is an error report
ERROR_KEYS = frozenset({"error", "errors", "detail"})
#: ``Response(content, status_code, ...)``
STATUS_CODE_POSITION = 1


class ErrorResponseWithOkStatus(Rule):
    """
    ## What it does
    Finds a response returned from an `except` block of an endpoint that reports the error
    (a body with an `"error"`/`"errors"`/`"detail"` key, or built from the caught exception)
    but sets no `status_code`.

    ## Why is this bad?
    Every response class defaults to `200 OK`. The client, its retry logic, caches and
    monitoring all read the status code, not the body: a failure sent as 200 is cached, counted
    as a success and never retried, and the client code has to parse the body to notice.

    ## Example
    ```python
    async def create_order(request):
        try:
            order = await orders.create(await request.json())
        except ValidationError as exc:
            return JSONResponse({"error": str(exc)})
        return JSONResponse(order, status_code=201)
    ```

    ## Use instead
    ```python
    async def create_order(request):
        try:
            order = await orders.create(await request.json())
        except ValidationError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse(order, status_code=201)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA041"]`. It found nothing on
    the real-application corpus, and it is not a definite error: some APIs answer errors with 200 and a
    body on purpose.

    ## Fix safety
    There is no automatic fix: which status code fits (400, 404, 422, 503…) depends on the error.
    """

    code = "STA041"
    name = "error-response-with-ok-status"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "Error response returned from an `except` block without `status_code` (sent as 200 OK)"
    guidelines = (
        Quote("starlette", "Response Types and Content Handling", "Set correct media types and status codes explicitly"),
    )
    node_types = (ast.Call,)
    callees = callees_of(RESPONSES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in RESPONSES:
            return
        if any(kw.arg is None for kw in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return
        if argument(node, STATUS_CODE_POSITION, "status_code") is not None:
            return
        if model.value_use(node)[0] != "returned":
            return
        function = model.enclosing_function(node)
        if function is None or function.handler is None:
            return
        handler = next((a for a in model.ancestors(node) if isinstance(a, ast.ExceptHandler)), None)
        if handler is None or model.enclosing_function(handler) is not function:
            return
        content = argument(node, 0, "content")
        if not (_reports_error(content) or _uses_exception(content, handler, model)):
            return
        message = (
            f"`{model.segment(node.func)}(...)` returned from an `except` block in {model.context_label(node)} reports an "
            "error but is sent as `200 OK`; pass the status code, e.g. `status_code=400`"
        )
        yield self.diagnostic(node, model, message)


def _reports_error(content: ast.expr | None) -> bool:
    return isinstance(content, ast.Dict) and any(
        isinstance(key, ast.Constant) and key.value in ERROR_KEYS for key in content.keys
    )


def _uses_exception(content: ast.expr | None, handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """The body is made from the caught exception: ``str(exc)``, ``f"... {exc}"``, ``exc.args``."""
    if content is None or handler.name is None:
        return False
    binding = model.lookup(handler.name, content)
    if binding is None:
        return False
    return any(
        reference is content or any(ancestor is content for ancestor in model.ancestors(reference))
        for reference in model.references(binding)
    )
