from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of

#: the response class that has no media type of its own
BARE_RESPONSES = frozenset({"starlette.responses.Response", "fastapi.Response", "fastapi.responses.Response"})
#: ``Response(content, status_code, headers, media_type, background)``
HEADERS_POSITION = 2
MEDIA_TYPE_POSITION = 3


class ResponseWithoutMediaType(Rule):
    """
    ## What it does
    Finds `Response(content)` (Starlette's or FastAPI's base `Response`) sent with a body but
    without `media_type=` or headers that could carry a `Content-Type`.

    ## Why is this bad?
    The base `Response` has no media type: Starlette sends the body without a `Content-Type`
    header. Clients then guess: browsers sniff the bytes (or, behind
    `X-Content-Type-Options: nosniff`, download them), HTTP clients treat JSON as opaque
    bytes, and caches and proxies cannot compress or transform it correctly.
    `JSONResponse`, `HTMLResponse` and `PlainTextResponse` set it for you; a bare `Response`
    needs `media_type=`.

    ## Example
    ```python
    async def export(request):
        return Response(render_csv(rows))
    ```

    ## Use instead
    ```python
    async def export(request):
        return Response(render_csv(rows), media_type="text/csv")
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA039"]`. Short plain-text
    bodies without a `Content-Type` are read fine by most clients; the header matters for APIs whose
    clients dispatch on it. Enable it for such APIs.

    ## Fix safety
    There is no automatic fix: only the code knows what the content is.
    """

    code = "STA039"
    name = "response-without-media-type"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`Response(content)` without `media_type=` is sent with no `Content-Type`"
    guidelines = (
        Quote("starlette", "Response Types and Content Handling", "Set correct media types and status codes explicitly"),
    )
    node_types = (ast.Call,)
    callees = callees_of(BARE_RESPONSES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in BARE_RESPONSES:
            return
        if any(kw.arg is None for kw in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return
        content = argument(node, 0, "content")
        if content is None or (isinstance(content, ast.Constant) and not content.value):
            return  # no body, nothing to type (204, redirects)
        if argument(node, MEDIA_TYPE_POSITION, "media_type") is not None:
            return
        if argument(node, HEADERS_POSITION, "headers") is not None:
            return  # the headers may carry the Content-Type
        message = (
            f"`{model.segment(node.func)}(...)` in {model.context_label(node)} has a body but no media type, so it is sent "
            "without `Content-Type`; pass `media_type=` (or use `JSONResponse`, `HTMLResponse`, `PlainTextResponse`)"
        )
        yield self.diagnostic(node, model, message)
