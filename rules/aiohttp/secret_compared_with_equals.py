from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..secrets import mentions_secret
from ..frameworks.aiohttp import is_aiohttp_handler, is_middleware


class SecretComparedWithEquals(Rule):
    """
    ## What it does
    Finds a token, password, API key or signature compared with `==` or `!=` against another
    value in an aiohttp handler or middleware.

    ## Why is this bad?
    `==` on strings and bytes stops at the first differing character, so the time a failed
    check takes tells an attacker how much of their guess was right; over many requests a
    token can be recovered byte by byte. `hmac.compare_digest` takes the same time whatever
    the inputs.

    ## Example
    ```python
    @web.middleware
    async def api_key_auth(request, handler):
        if request.headers.get("X-API-Key") != request.app[API_KEY]:
            raise web.HTTPUnauthorized()
        return await handler(request)
    ```

    ## Use instead
    ```python
    @web.middleware
    async def api_key_auth(request, handler):
        given = request.headers.get("X-API-Key", "")
        if not hmac.compare_digest(given.encode(), request.app[API_KEY].encode()):
            raise web.HTTPUnauthorized()
        return await handler(request)
    ```

    ## Fix safety
    No fix is offered: `compare_digest` needs both sides as `str` of ASCII or as `bytes`, and
    the right conversion depends on where the values come from.
    """

    code = "AIO023"
    name = "aiohttp-secret-compared-with-equals"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "secret compared with `==` in an aiohttp handler (timing attack); use `hmac.compare_digest`"
    guidelines = (
        Quote("aiohttp", "Sessions and Authentication", "Use proper token validation"),
        Quote("aiohttp", "Security", "Create effective authentication"),
    )
    node_types = (ast.Compare,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Compare)
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if _is_constant(left) or _is_constant(right):
            return
        secret = _secret_name(left) or _secret_name(right)
        if secret is None:
            return
        function = model.enclosing_function(node)
        if not (is_aiohttp_handler(function) or is_middleware(model, function)):
            return
        yield self.diagnostic(
            node,
            model,
            f"`{secret}` is compared with `{'==' if isinstance(node.ops[0], ast.Eq) else '!='}` in "
            f"{model.context_label(node)}: the time it takes leaks how much of a guess matches; "
            "use `hmac.compare_digest()`",
        )


def _is_constant(expr: ast.expr) -> bool:
    """Literals, and values whose length or type is compared rather than the secret itself."""
    if isinstance(expr, ast.Constant):
        return True
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in {"len", "type", "bool"}


def _secret_name(expr: ast.expr) -> str | None:
    """The name through which ``expr`` reads a secret: ``token``, ``settings.API_KEY``,
    ``headers["X-Token"]``, ``headers.get("X-Api-Key")``."""
    if isinstance(expr, ast.Name):
        word = expr.id
    elif isinstance(expr, ast.Attribute):
        word = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        word = expr.slice.value
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "get"
        and expr.args
        and isinstance(expr.args[0], ast.Constant)
        and isinstance(expr.args[0].value, str)
    ):
        word = expr.args[0].value
    else:
        return None
    return word if mentions_secret(word) else None
