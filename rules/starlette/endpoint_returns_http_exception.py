from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

HTTP_EXCEPTIONS = frozenset(
    {
        "starlette.exceptions.HTTPException",
        "starlette.exceptions.WebSocketException",
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "fastapi.WebSocketException",
        "fastapi.exceptions.WebSocketException",
    }
)


class EndpointReturnsHttpException(Rule):
    """
    ## What it does
    Finds `return HTTPException(...)` (or `WebSocketException`) in a Starlette endpoint or FastAPI
    path operation.

    ## Why is this bad?
    An exception only does something when raised. Returned from a Starlette endpoint, the
    exception object is called as an ASGI response and the request fails with a `TypeError` (a
    500 instead of the intended 404 or 403); FastAPI tries to serialize it as the response body.
    The exception handlers registered for `HTTPException` never see it.

    ## Example
    ```python
    async def user_detail(request):
        user = await find_user(request.path_params["user_id"])
        if user is None:
            return HTTPException(status_code=404, detail="User not found")
        return JSONResponse(user)
    ```

    ## Use instead
    ```python
    async def user_detail(request):
        user = await find_user(request.path_params["user_id"])
        if user is None:
            raise HTTPException(status_code=404, detail="User not found")
        return JSONResponse(user)
    ```

    ## Fix safety
    Safe: the fix replaces `return` with `raise`, which is the only way the exception reaches
    Starlette's exception handling.
    """

    code = "STA030"
    name = "endpoint-returns-http-exception"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`return HTTPException(...)` in an endpoint: raise it"
    guidelines = (
        Quote(
            "starlette",
            "Exception Handling and Error Management",
            "Use `HTTPException` for expected HTTP errors with proper status codes",
        ),
    )
    node_types = (ast.Return,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Raise the exception instead of returning it"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Return)
        value = node.value
        if not isinstance(value, ast.Call):
            return
        name = model.qualified_name(value.func)
        if name not in HTTP_EXCEPTIONS:
            return
        function = model.enclosing_function(node)
        if function is None or function.handler is None:
            return  # a helper may build the exception for its caller to raise
        shown = model.segment(value.func)
        message = (
            f"`return {shown}(...)` in {model.context_label(node)} hands the exception object back as the response; "
            f"`raise {shown}(...)` so Starlette's exception handling answers with its status code"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.Return)
        if node is None:
            return None
        start = context.model.range_of(node)
        keyword = Range(start.start_line, start.start_column, start.start_line, start.start_column + len("return"))
        return Fix(self.fix_title, Applicability.SAFE, (Edit(keyword, "raise"),))
