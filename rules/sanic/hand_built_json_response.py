from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.sanic import qualified, response_reference, string

if TYPE_CHECKING:
    import libcst as cst

DUMPS = "json.dumps"
JSON = "application/json"
#: Sanic response builders -> the Content-Type each sends when given none (None: the header says "None")
RESPONSES = {
    "sanic.response.text": "text/plain; charset=utf-8",
    "sanic.response.raw": "application/octet-stream",
    "sanic.response.HTTPResponse": None,
    "sanic.response.json": JSON,
}
#: ``.encode()`` arguments that give the bytes Sanic sends for a string (it encodes as UTF-8)
UTF8 = frozenset({"utf-8", "utf8", "UTF-8", "UTF8"})
#: the Sanic response keywords ``json()`` takes at the same positions: body, status, headers, content_type
KEPT_KEYWORDS = frozenset({"body", "status", "headers", "content_type"})


@dataclass(frozen=True)
class HandBuiltJson:
    """What a response built from ``json.dumps(...)`` gets wrong, and how safe replacing it is."""

    dumps: ast.Call  # the ``json.dumps(...)`` call
    builder: str  # the response builder's public name ("text", "HTTPResponse"...)
    content_type: str | None  # the Content-Type it sends (None: the header says "None")
    problem: str  # "style", "content-type" or "double"
    applicability: Applicability | None  # of the fix, None when there is none


class HandBuiltJsonResponse(Rule):
    """
    ## What it does
    Finds Sanic responses built from `json.dumps(...)`: `text(json.dumps(data),
    content_type="application/json")`, `HTTPResponse(json.dumps(data))` (also with `body=` and
    with `.encode()`), `raw(json.dumps(data), ...)`, and `json(json.dumps(data))`, which
    serialises twice. A response whose content type is explicitly something other than JSON
    (`text(json.dumps(data), content_type="text/plain")`) is left alone: it was chosen.

    ## Why is this bad?
    `json(data)` from `sanic.response` serialises the data and sets `Content-Type:
    application/json` in one call, with Sanic's serialiser (`ujson` when installed, which is
    faster than the standard library's). Built by hand, the response is easy to get wrong:
    `HTTPResponse(json.dumps(data))` has no content type and sends the header
    `content-type: None`; `text(json.dumps(data))` sends JSON as `text/plain`, which clients
    that check the type refuse; and `json(json.dumps(data))` serialises the string again, so
    clients receive a JSON string holding the JSON instead of the object.

    ## Example
    ```python
    import json

    from sanic.response import text

    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        user = await load_user(user_id)
        return text(json.dumps(user), content_type="application/json")
    ```

    ## Use instead
    ```python
    from sanic.response import json

    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        user = await load_user(user_id)
        return json(user)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN017"]`. It found nothing on
    the real-application corpus, and it is not a definite error: style: the response is correct,
    `json()` is shorter.

    ## Fix safety
    The fix calls `json(data)` with the response's own `status` and `headers` (and its content
    type, unless that is `application/json`, `json()`'s own). It is safe where the response
    already says it is JSON, and for `HTTPResponse(...)` without a content type, whose
    `content-type: None` no client can use: the same data goes out as JSON (the serialiser may
    leave out spaces the standard library puts in). It is unsafe where the content type changes
    (`text(...)` sent `text/plain`) and for `json(json.dumps(data))`, where clients get the
    object instead of a string: code that reads the response may depend on either. It is offered
    when `json.dumps` gets only the data (options such as `default=` or `cls=` need
    `json(data, dumps=...)`, written by hand) and the response takes no `*args`/`**kwargs`. It
    reuses an import of `sanic.response`'s `json`, else adds `from sanic.response import json`, or
    `import sanic.response` when the name `json` is the standard library's module.
    """

    code = "SAN017"
    name = "hand-built-json-response"
    opt_in = True
    framework = "sanic"
    severity = Severity.INFORMATION
    summary = "A Sanic response built from `json.dumps(...)` instead of `json(...)`"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Create appropriate JSON handling"),
        Quote("sanic", "Key Principles", "Use appropriate response generation"),
    )
    node_types = (ast.Call,)
    callees = callees_of(RESPONSES)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use `json(...)` from `sanic.response`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        found = hand_built_json(model, node)
        if found is None:
            return
        callee = model.segment(node.func)
        data = model.segment(found.dumps.args[0]) if found.dumps.args else "..."
        shown = data if len(data) <= 30 and "\n" not in data else "..."
        if found.problem == "double":
            message = (
                f"`{callee}(json.dumps(...))` serialises twice: clients receive a JSON string holding the JSON, "
                f"not the object; pass the data itself: `{callee}({shown})`"
            )
        elif found.problem == "content-type" and found.content_type is None:
            message = (
                f"`{callee}(json.dumps(...))` has no content type and sends the header `content-type: None`; "
                f"use `json({shown})` from `sanic.response`, which serialises and sets `application/json`"
            )
        elif found.problem == "content-type":
            message = (
                f"`{callee}(json.dumps(...))` sends JSON as `{found.content_type}`; use `json({shown})` from "
                "`sanic.response`, which serialises and sets `application/json`"
            )
        else:
            message = (
                f"`{callee}(json.dumps(...), content_type=...)` builds by hand what `json({shown})` from "
                "`sanic.response` does: it serialises (with `ujson` when installed) and sets the content type"
            )
        diagnostic = self.diagnostic(node, model, message, fix=found.applicability)
        if found.problem != "style":
            diagnostic.severity = Severity.WARNING
        yield diagnostic

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call):
            return None
        found = hand_built_json(context.model, call)
        if found is None or found.applicability is None:
            return None
        reference, import_edit = response_reference(context, "json", call)
        drop_content_type = found.content_type == JSON and found.builder != "json"

        def rewrite(expression: cst.BaseExpression) -> cst.BaseExpression:
            assert isinstance(expression, cst.Call)
            args = []
            for position, arg in enumerate(expression.args):
                name = arg.keyword.value if arg.keyword is not None else None
                if name == "body" or (name is None and position == 0):
                    arg = arg.with_changes(value=_dumped_data(arg.value))
                elif name == "content_type" and drop_content_type:
                    if args and position == len(expression.args) - 1:
                        # the new last argument ends as the dropped one did (a trailing comma, the closing line)
                        args[-1] = args[-1].with_changes(comma=arg.comma)
                    continue
                args.append(arg)
            return expression.with_changes(func=cst.parse_expression(reference), args=args)

        edits: list[Edit] = [context.rewrite_expression(call, rewrite)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(f"Use `{reference}(...)`", found.applicability, tuple(edits))


def hand_built_json(model: SemanticModel, call: ast.Call) -> HandBuiltJson | None:
    """What is wrong with a Sanic response built from ``json.dumps(...)``, or None when ``call`` is
    not one (or sets a content type of its own that is not JSON)."""
    name = qualified(model, call.func)
    if name not in RESPONSES:
        return None
    builder = name.rsplit(".", 1)[1]
    body = argument(call, 0, "body")
    dumps = _dumps_call(model, body)
    if dumps is None:
        return None
    content_type_argument = argument(call, 3, "content_type")
    if content_type_argument is None:
        content_type = RESPONSES[name]
    else:
        content_type = string(content_type_argument)
        if content_type is None or "json" not in content_type.lower():
            return None  # computed, or chosen to be something else
    if builder == "json":
        problem, safe = "double", Applicability.UNSAFE
    elif content_type_argument is not None:
        problem, safe = "style", Applicability.SAFE
    elif content_type is None:
        problem, safe = "content-type", Applicability.SAFE
    else:
        problem, safe = "content-type", Applicability.UNSAFE
    only_data = len(dumps.args) == 1 and not isinstance(dumps.args[0], ast.Starred) and not dumps.keywords
    plain_call = not any(isinstance(a, ast.Starred) for a in call.args) and all(
        k.arg in KEPT_KEYWORDS for k in call.keywords
    )
    return HandBuiltJson(dumps, builder, content_type, problem, safe if only_data and plain_call else None)


def _dumps_call(model: SemanticModel, body: ast.expr | None) -> ast.Call | None:
    """The ``json.dumps(...)`` call a response body is, directly or encoded as UTF-8."""
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Attribute) and body.func.attr == "encode":
        encoding = argument(body, 0, "encoding")
        if len(body.args) + len(body.keywords) > 1 or (encoding is not None and string(encoding) not in UTF8):
            return None
        body = body.func.value
    if isinstance(body, ast.Call) and model.qualified_name(body.func) == DUMPS:
        return body
    return None


def _dumped_data(body: cst.BaseExpression) -> cst.BaseExpression:
    """The data of ``json.dumps(data)`` or ``json.dumps(data).encode(...)``, as written."""
    import libcst as cst
    if isinstance(body, cst.Call) and isinstance(body.func, cst.Attribute) and body.func.attr.value == "encode":
        body = body.func.value
    assert isinstance(body, cst.Call)
    return body.args[0].value
