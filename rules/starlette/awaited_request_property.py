from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..frameworks.starlette import connection_kind

#: properties of ``Request``/``WebSocket`` that are plain values, not coroutines
PROPERTIES = frozenset(
    {"query_params", "headers", "path_params", "cookies", "url", "base_url", "client", "method", "scope", "state", "session", "app", "user", "auth"}
)


class AwaitedRequestProperty(Rule):
    """
    ## What it does
    Finds `await` on a property of a Starlette request or WebSocket that is a plain value:
    `await request.query_params`, `await request.headers`, `await request.path_params`,
    `await request.cookies`, `await websocket.url`…

    ## Why is this bad?
    These properties are parsed from the ASGI scope when read; they are not coroutines.
    Awaiting one raises `TypeError: object QueryParams can't be used in 'await' expression`
    on every request. Only the body needs awaiting: `await request.body()`, `await
    request.json()`, `await request.form()`.

    ## Example
    ```python
    async def search(request):
        params = await request.query_params
        ...
    ```

    ## Use instead
    ```python
    async def search(request):
        params = request.query_params
        ...
    ```

    ## Fix safety
    Safe: the fix removes the `await`, which could only raise.
    """

    code = "STA023"
    name = "awaited-request-property"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`await request.query_params` (or another plain property) raises `TypeError`"
    guidelines = (
        Quote(
            "starlette",
            "Async Handling and Request Processing",
            "Access request properties synchronously: `request.path_params`, `request.query_params`, `request.headers`",
        ),
    )
    node_types = (ast.Await,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Remove the `await`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Await)
        value = node.value
        if not (isinstance(value, ast.Attribute) and value.attr in PROPERTIES):
            return
        kind = connection_kind(value.value, model)
        if kind is None:
            return
        shown = model.segment(value)
        message = (
            f"`await {shown}` raises `TypeError` in {model.context_label(node)}: `{value.attr}` is a plain "
            f"property of the {'WebSocket' if kind == 'websocket' else 'request'}, not a coroutine; read `{shown}` without `await`"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.Await)
        if node is None:
            return None
        return Fix(self.fix_title, Applicability.SAFE, (context.replace(node, context.text(node.value)),))
