from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

RESPONSE_CALLS = frozenset({"aiohttp.web.Response", "aiohttp.web.json_response"})


class ConflictingContentType(Rule):
    """
    ## What it does
    Finds aiohttp responses that aiohttp refuses to build: `web.Response(content_type=...)` (or
    `charset=`) together with a `Content-Type` in `headers=` (`web.json_response` always
    passes a `content_type=`), and a `content_type=` with a
    `charset=` parameter inside it (`"text/html; charset=utf-8"`).

    ## Why is this bad?
    Both raise `ValueError` when the response is created ("passing both Content-Type header and
    content_type or charset params is forbidden", "charset must not be in content_type
    argument"), so every request taking that path fails with a 500.

    ## Example
    ```python
    return web.Response(text=page, content_type="text/html; charset=utf-8")
    ```

    ## Use instead
    ```python
    return web.Response(text=page, content_type="text/html", charset="utf-8")
    ```

    ## Fix safety
    No fix is offered.
    """

    code = "AIO035"
    name = "aiohttp-conflicting-content-type"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp response with a content type aiohttp refuses (`ValueError`)"
    guidelines = (
        Quote("aiohttp", "Response Generation", "Create proper content type setting"),
    )
    node_types = (ast.Call,)
    callees = callees_of(RESPONSE_CALLS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = qualified(model, node.func)
        if name not in RESPONSE_CALLS:
            return
        content_type, charset = keyword(node, "content_type"), keyword(node, "charset")
        if isinstance(content_type, ast.Constant) and isinstance(content_type.value, str) and "charset" in content_type.value.lower():
            yield self.diagnostic(
                content_type,
                model,
                f"`content_type=\"{content_type.value}\"` makes aiohttp raise `ValueError` (charset must not be in "
                "content_type); pass the charset as `charset=`",
            )
            return
        headers = keyword(node, "headers")
        header = _content_type_header(headers)
        given = content_type if content_type is not None else charset
        if name == "aiohttp.web.json_response" and given is None:
            given = header  # json_response always passes its own content_type=
        if header is not None and given is not None and not _is_none(given):
            yield self.diagnostic(
                header,
                model,
                "a `Content-Type` header with `content_type=`/`charset=` makes aiohttp raise `ValueError`; "
                "set the type in one place",
            )


def _content_type_header(headers: ast.expr | None) -> ast.expr | None:
    if not isinstance(headers, ast.Dict):
        return None
    for key in headers.keys:
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() == "content-type":
            return key
    return None


def _is_none(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None
