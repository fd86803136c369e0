from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified, with_arguments

if TYPE_CHECKING:
    import libcst as cst

RESPONSE = "aiohttp.web.Response"
DUMPS = "json.dumps"
JSON = "application/json"
#: Response keywords that ``web.json_response`` takes as they are
KEPT_KEYWORDS = frozenset({"status", "reason", "headers"})
#: ``.encode()`` arguments that give the bytes ``json_response`` sends (it encodes as UTF-8)
UTF8 = frozenset({"utf-8", "utf8", "UTF-8", "UTF8"})


class JsonDumpsResponse(Rule):
    """
    ## What it does
    Finds `web.Response(text=json.dumps(data), content_type="application/json")`, and the same
    with `body=json.dumps(data).encode()`.

    ## Why is this bad?
    `web.json_response(data)` says the same thing in one call: it serialises `data`, sets the
    `application/json` content type and the charset. Hand-built JSON responses drift: one
    handler forgets the content type, another sets it twice, and switching the serialiser
    (`json_response(dumps=...)`) means editing every handler.

    ## Example
    ```python
    import json

    from aiohttp import web

    async def get_user(request):
        user = await load_user(request.match_info["id"])
        return web.Response(text=json.dumps(user), content_type="application/json")
    ```

    ## Use instead
    ```python
    from aiohttp import web

    async def get_user(request):
        user = await load_user(request.match_info["id"])
        return web.json_response(user)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO009"]`. It found nothing on
    the real-application corpus, and it is not a definite error: style: the response is correct,
    `json_response()` is shorter.

    ## Fix safety
    Safe: `web.json_response(data)` sends the same JSON with the same status, reason and
    headers. (A `body=...encode()` response gains `; charset=utf-8` in its `Content-Type`, which
    JSON readers accept.) The fix is offered when `json.dumps` gets only the data (options such
    as `default=` need `json_response(dumps=...)`), when the response sets nothing besides
    `status`, `reason` and `headers`, and when the body is encoded as UTF-8.
    """

    code = "AIO009"
    name = "json-dumps-response"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "`web.Response(text=json.dumps(...))` instead of `web.json_response()`"
    guidelines = (
        Quote("aiohttp", "Response Generation", "Use proper JSON responses"),
        Quote("aiohttp", "Request Handling", "Create effective JSON handling"),
        Quote("aiohttp", "Server-Side Development", "Create effective response generation"),
    )
    node_types = (ast.Call,)
    callees = callees_of((RESPONSE,))
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Replace with `web.json_response(...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != RESPONSE:
            return
        content_type = keyword(node, "content_type")
        if not (isinstance(content_type, ast.Constant) and content_type.value == JSON):
            return
        found = _payload(model, node)
        if found is None:
            return
        payload_keyword, dumps, exact = found
        yield self.diagnostic(
            node,
            model,
            f"`web.Response({payload_keyword}=json.dumps(...), content_type=\"application/json\")` in "
            f"{model.context_label(node)}: use `web.json_response(...)`, which serialises and sets the content type",
            fix=Applicability.SAFE if exact and _fixable(node, dumps) else None,
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call):
            return None
        found = _payload(context.model, call)
        if found is None or not found[2] or not _fixable(call, found[1]):
            return None
        payload_keyword = found[0]
        reference, import_edit = context.import_name("aiohttp.web", "json_response")

        def to_json_response(expression: cst.BaseExpression) -> cst.BaseExpression:
            assert isinstance(expression, cst.Call)
            data: cst.Arg | None = None
            kept = []
            for argument in expression.args:
                name = argument.keyword.value if argument.keyword else None
                if name == payload_keyword:
                    dumps = argument.value
                    if isinstance(dumps, cst.Call) and isinstance(dumps.func, cst.Attribute) and dumps.func.attr.value == "encode":
                        dumps = dumps.func.value
                    assert isinstance(dumps, cst.Call)
                    # the data keeps the comma (and comment) after the payload argument, unless that one was last
                    comma = argument.comma if argument is not expression.args[-1] else cst.MaybeSentinel.DEFAULT
                    data = cst.Arg(dumps.args[0].value, comma=comma)
                elif name in KEPT_KEYWORDS:
                    kept.append(argument)
            assert data is not None
            new = with_arguments(expression, [data, *kept])
            return new.with_changes(func=cst.parse_expression(reference))

        edits = [context.rewrite_expression(call, to_json_response)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.SAFE, tuple(edits))


def _payload(model: SemanticModel, call: ast.Call) -> tuple[str, ast.Call, bool] | None:
    """(``"text"`` or ``"body"``, the ``json.dumps`` call, whether ``json_response`` sends the same bytes)."""
    text = keyword(call, "text")
    if isinstance(text, ast.Call) and qualified(model, text.func) == DUMPS:
        return "text", text, True
    body = keyword(call, "body")
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Attribute) and body.func.attr == "encode":
        dumps = body.func.value
        if isinstance(dumps, ast.Call) and qualified(model, dumps.func) == DUMPS:
            encoding = body.args[0] if body.args else keyword(body, "encoding")
            utf8 = encoding is None or (isinstance(encoding, ast.Constant) and encoding.value in UTF8)
            return "body", dumps, utf8 and len(body.args) + len(body.keywords) <= 1
    return None


def _fixable(call: ast.Call, dumps: ast.Call) -> bool:
    only_data = len(dumps.args) == 1 and not dumps.keywords and not isinstance(dumps.args[0], ast.Starred)
    others = {k.arg for k in call.keywords} - {"text", "body", "content_type"}
    return only_data and not call.args and None not in others and others <= KEPT_KEYWORDS
