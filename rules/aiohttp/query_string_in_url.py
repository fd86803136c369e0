from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

#: client calls taking the URL first (``request``/``aiohttp.request`` take the method first)
URL_FIRST = frozenset(
    f"aiohttp.ClientSession.{method}" for method in ("get", "post", "put", "patch", "delete", "head", "options", "ws_connect")
)
METHOD_FIRST = frozenset({"aiohttp.ClientSession.request", "aiohttp.request"})


class QueryStringInUrl(Rule):
    """
    ## What it does
    Finds an aiohttp client request whose URL has its query string built by interpolating
    values: `session.get(f"{API}/search?q={term}")`, `"...?page=" + str(page)`,
    `"...?id={}".format(id)`, `"...?id=%s" % id`.

    ## Why is this bad?
    Interpolated values are not URL-encoded. A value with `&`, `#`, `+`, `=` or a space sends
    a different query than intended (`q=rock & roll` becomes two parameters and a truncated
    search), and a value from a user can add parameters of its own. `params=` encodes every
    value, and takes several values for one key.

    ## Example
    ```python
    async with session.get(f"{API}/search?q={term}&page={page}") as response:
        ...
    ```

    ## Use instead
    ```python
    async with session.get(f"{API}/search", params={"q": term, "page": page}) as response:
        ...
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO027"]`. It found nothing on
    the real-application corpus, and it is not a definite error: an interpolated query string works for
    safe values; `params=` is the robust way.

    ## Fix safety
    No fix is offered: moving the values into `params=` changes how they are encoded, which is
    the point, and the keys have to be split out of the literal by hand.
    """

    code = "AIO027"
    name = "aiohttp-query-string-in-url"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "aiohttp client URL with an interpolated query string instead of `params=`"
    guidelines = (Quote("aiohttp", "Client Request and Response", "Implement effective parameter passing"),)
    node_types = (ast.Call,)
    callees = callees_of(URL_FIRST, METHOD_FIRST)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = qualified(model, node.func)
        if name in URL_FIRST:
            url = argument(node, 0, "url")
        elif name in METHOD_FIRST:
            url = argument(node, 1, "url")
        else:
            return
        if url is not None and _interpolates_query(url):
            yield self.diagnostic(
                url,
                model,
                f"the query string of this URL is built by interpolation in {model.context_label(node)}: "
                "values are not URL-encoded; pass them as `params={...}`",
            )


def _interpolates_query(url: ast.expr) -> bool:
    """True when a value is put into the URL after a literal ``?``."""
    if isinstance(url, ast.JoinedStr):
        return _after_question_mark(url.values)
    if isinstance(url, ast.BinOp) and isinstance(url.op, ast.Add):
        return _after_question_mark(_concatenated(url))
    if isinstance(url, ast.BinOp) and isinstance(url.op, ast.Mod):
        return _literal_with(url.left, "?", "%")
    if isinstance(url, ast.Call) and isinstance(url.func, ast.Attribute) and url.func.attr == "format":
        return _literal_with(url.func.value, "?", "{")
    return False


def _concatenated(expr: ast.expr) -> list[ast.expr]:
    """The operands of ``a + b + c``, left to right."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return [*_concatenated(expr.left), *_concatenated(expr.right)]
    if isinstance(expr, ast.JoinedStr):
        return list(expr.values)
    return [expr]


def _after_question_mark(parts: list[ast.expr]) -> bool:
    seen = False
    for part in parts:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            seen = seen or "?" in part.value
        elif seen:
            return True
    return False


def _literal_with(expr: ast.expr, first: str, then: str) -> bool:
    """A string literal with ``then`` somewhere after ``first``."""
    if not (isinstance(expr, ast.Constant) and isinstance(expr.value, str)):
        return False
    at = expr.value.find(first)
    return at >= 0 and then in expr.value[at:]
