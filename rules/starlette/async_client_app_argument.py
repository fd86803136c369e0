from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of

ASYNC_CLIENTS = frozenset({"httpx.AsyncClient"})


class AsyncClientAppArgument(Rule):
    """
    ## What it does
    Finds `httpx.AsyncClient(app=app, ...)`, the shortcut httpx once offered for calling an ASGI
    application in tests.

    ## Why is this bad?
    httpx deprecated the `app` argument in 0.27 and removed it in 0.28: there the client fails
    with `TypeError: AsyncClient.__init__() got an unexpected keyword argument 'app'`, so the
    whole async test suite errors out after an upgrade. The supported way is an explicit
    transport, `httpx.ASGITransport(app=app)`, which also lets the test choose
    `raise_app_exceptions`, `root_path` and `client`.

    ## Example
    ```python
    async with httpx.AsyncClient(app=app, base_url="http://test") as client:
        response = await client.get("/")
    ```

    ## Use instead
    ```python
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/")
    ```

    ## Fix safety
    Safe: `AsyncClient(app=app)` built exactly `ASGITransport(app=app)`; the fix writes that
    transport in place of the argument. No fix when the call also passes `transport=`.
    """

    code = "STA026"
    name = "async-client-app-argument"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`httpx.AsyncClient(app=app)` is removed in httpx 0.28; pass `transport=httpx.ASGITransport(app=app)`"
    guidelines = (
        Quote(
            "starlette",
            "Testing Patterns and Best Practices",
            "Use `httpx.AsyncClient` with `ASGITransport` for async testing scenarios",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(ASYNC_CLIENTS)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Pass `transport=httpx.ASGITransport(app=...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in ASYNC_CLIENTS:
            return
        app = next((kw for kw in node.keywords if kw.arg == "app"), None)
        if app is None:
            return
        message = (
            f"`{model.segment(node.func)}(app=...)` fails with `TypeError` since httpx 0.28 (deprecated in 0.27); "
            f"pass `transport=httpx.ASGITransport(app={model.segment(app.value)})`"
        )
        fix = None if keyword(node, "transport") is not None else Applicability.SAFE
        yield self.diagnostic(app, model, message, fix=fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        app = context.node_at(diagnostic.range, ast.keyword)
        if app is None:
            return None
        transport, import_edit = context.import_name("httpx", "ASGITransport")
        edits = [context.replace(app, f"transport={transport}(app={context.text(app.value)})")]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.SAFE, tuple(edits))
