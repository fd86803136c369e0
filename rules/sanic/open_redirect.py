from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import client_value, qualified


class OpenRedirect(Rule):
    """
    ## What it does
    Finds Sanic `redirect(...)` calls whose target is taken straight from the request: a query
    parameter, a form field, a JSON member, a header such as `Referer`, or a cookie
    (`redirect(request.args.get("next"))`), directly or through a variable that nothing checks
    before the redirect.

    ## Why is this bad?
    Anyone can build a link to your site that redirects to their own: `https://shop.example/login?next=https://evil.example`.
    The victim sees your domain in the link, logs in, and lands on a look-alike page that asks
    for the password again or for card details. Open redirects are also used to pass phishing
    links through filters and to leak OAuth codes and tokens.

    ## Example
    ```python
    @app.post("/login")
    async def login(request):
        await sign_in(request)
        return redirect(request.args.get("next", "/"))
    ```

    ## Use instead
    Redirect only to paths of your own site:
    ```python
    from urllib.parse import urlsplit


    @app.post("/login")
    async def login(request):
        await sign_in(request)
        target = request.args.get("next", "/")
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
            target = "/"
        return redirect(target)
    ```
    or name the place with `request.app.url_for(...)`.

    ## Fix safety
    There is no automatic fix: which targets are allowed is the application's decision.
    """

    code = "SAN021"
    name = "open-redirect"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "`redirect()` to a URL taken unchecked from the request (open redirect)"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Create effective redirect handling"),
        Quote("sanic", "Security", "Create proper input validation"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"redirect"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != "sanic.response.redirect":
            return
        target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "to"), None)
        if target is None:
            return
        source = client_value(model, target) or self.unchecked_variable(target, model)
        if source is None:
            return
        message = (
            f"`{model.segment(node)}` in {model.context_label(node)} redirects to `{model.segment(source)}`, "
            f"which the client chooses: anyone can link through it to another site; allow only your own paths "
            f"(a relative path starting with one `/`) or use `app.url_for()`"
        )
        yield self.diagnostic(node, model, message)

    def unchecked_variable(self, expr: ast.expr, model: SemanticModel) -> ast.expr | None:
        """The client value a plain name holds, when the redirect is the only place that reads it."""
        if not isinstance(expr, ast.Name):
            return None
        binding = model.lookup(expr.id, expr)
        if binding is None or binding.kind != "assignment" or binding.value is None:
            return None
        source = client_value(model, binding.value)
        if source is None or any(reference is not expr for reference in model.references(binding)):
            return None
        return source
