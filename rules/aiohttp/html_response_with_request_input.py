from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import qualified, reads_request_input

#: calls whose result is safe to put in HTML
HTML_ESCAPES = frozenset(
    {
        "html.escape",
        "markupsafe.escape",
        "markupsafe.Markup.escape",
        "jinja2.utils.escape",
        "bleach.clean",
        "builtins.int",
        "builtins.float",
        "builtins.len",
    }
)


class HtmlResponseWithRequestInput(Rule):
    """
    ## What it does
    Finds an aiohttp `web.Response(text=..., content_type="text/html")` (or `body=`) whose
    content includes client input: `request.query`, `request.match_info`, headers, cookies, the
    posted form or JSON, or a local variable assigned from them, without `html.escape`.

    ## Why is this bad?
    This is reflected cross-site scripting: a link such as `/search?q=<script>...</script>`
    runs the attacker's script in the victim's browser, on the site's origin, with the victim's
    cookies and session. aiohttp does not escape `text=`; a template engine with autoescaping
    (aiohttp-jinja2) or `html.escape` does.

    ## Example
    ```python
    @routes.get("/search")
    async def search(request):
        term = request.query.get("q", "")
        return web.Response(text=f"<h1>Results for {term}</h1>", content_type="text/html")
    ```

    ## Use instead
    ```python
    @routes.get("/search")
    async def search(request):
        term = request.query.get("q", "")
        return web.Response(text=f"<h1>Results for {html.escape(term)}</h1>", content_type="text/html")
    ```

    ## Fix safety
    No fix is offered: where to escape (each value, or by moving to a template with
    autoescaping) is the author's choice.
    """

    code = "AIO030"
    name = "aiohttp-html-response-with-request-input"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "client input put unescaped into an aiohttp HTML response (XSS)"
    guidelines = (
        Quote("aiohttp", "Security", "Create proper XSS prevention"),
        Quote("aiohttp", "Response Generation", "Implement proper template rendering"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"Response"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != "aiohttp.web.Response":
            return
        content_type = keyword(node, "content_type")
        if not (isinstance(content_type, ast.Constant) and isinstance(content_type.value, str)):
            return
        if not content_type.value.lower().startswith(("text/html", "application/xhtml")):
            return
        function = model.enclosing_function(node)
        if function is None:
            return
        for name in ("text", "body"):
            content = keyword(node, name)
            if content is None:
                continue
            found = reads_request_input(model, content, function, HTML_ESCAPES)
            if found is not None:
                yield self.diagnostic(
                    content,
                    model,
                    f"`{model.segment(found)}` comes from the client and goes unescaped into an HTML response in "
                    f"{model.context_label(node)}: cross-site scripting; escape it with `html.escape()` or render "
                    "a template with autoescaping",
                )
                return
