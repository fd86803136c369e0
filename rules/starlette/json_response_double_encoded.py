from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of

#: response classes that serialize their content to JSON themselves
JSON_RESPONSES = frozenset(
    {
        "starlette.responses.JSONResponse",
        "fastapi.responses.JSONResponse",
        "fastapi.JSONResponse",
        "fastapi.responses.ORJSONResponse",
        "fastapi.responses.UJSONResponse",
    }
)
#: functions that turn a value into a JSON string
JSON_ENCODERS = frozenset({"json.dumps", "simplejson.dumps", "ujson.dumps", "rapidjson.dumps"})


class JsonResponseDoubleEncoded(Rule):
    """
    ## What it does
    Finds `JSONResponse(json.dumps(data))`: a JSON response whose content is already a JSON
    string, passed directly or through a local name assigned once (`body = json.dumps(data)`).
    The same for FastAPI's `JSONResponse`, `ORJSONResponse` and `UJSONResponse`.

    ## Why is this bad?
    `JSONResponse` encodes its content itself. Given a string, it encodes the string: the client
    receives `"{\\"id\\": 1}"`, one JSON string literal, instead of the object `{"id": 1}`, and code
    reading `response.json()["id"]` fails.

    ## Example
    ```python
    import json

    from starlette.responses import JSONResponse


    async def user(request):
        data = {"id": 1, "name": "Ada"}
        return JSONResponse(json.dumps(data))
    ```

    ## Use instead
    ```python
    from starlette.responses import JSONResponse


    async def user(request):
        data = {"id": 1, "name": "Ada"}
        return JSONResponse(data)
    ```

    To serialize differently (`default=str`, another JSON library), subclass `JSONResponse` and
    override its `render()`; to send a string you already encoded, use
    `Response(body, media_type="application/json")`.

    ## Fix safety
    Safe when the encoder is called with the value alone: the fix passes the value to the response
    instead (`json.dumps(data)` → `data`). With options (`default=`, `indent=`, `sort_keys=`…),
    or through a local name, there is no fix: the options would be lost, or the name may be used
    elsewhere; nor when a comment stands inside the encoder's parentheses.
    """

    code = "STA015"
    name = "json-response-double-encoded"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`JSONResponse(json.dumps(x))` encodes twice: the client gets a JSON string"
    guidelines = (
        Quote(
            "starlette",
            "Response Types and Content Handling",
            "Use appropriate response classes: `JSONResponse`, `HTMLResponse`, `PlainTextResponse`, `RedirectResponse`",
        ),
        Quote(
            "starlette",
            "Response Types and Content Handling",
            "Implement custom response classes by overriding `render()` method for specialized serialization",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(JSON_RESPONSES)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Pass the value itself to the JSON response"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        response = model.qualified_name(node.func)
        if response not in JSON_RESPONSES:
            return
        content = argument(node, 0, "content")
        encoded = _encoding_call(content, model)
        if encoded is None:
            return
        shown_response = model.segment(node.func)
        shown_encoder = model.segment(encoded.func)
        message = (
            f"`{shown_response}` encodes its content to JSON itself, so `{shown_encoder}(...)` makes the client receive "
            f"one JSON string instead of the data; pass the value itself: `{shown_response}(<value>)`"
        )
        fixable = encoded is content and _replaceable(encoded, model)
        yield self.diagnostic(encoded, model, message, fix=Applicability.SAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        encoded = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(encoded, ast.Call) or not _replaceable(encoded, context.model):
            return None
        response = context.model.parent(encoded)
        if isinstance(response, ast.keyword):
            response = context.model.parent(response)
        if not isinstance(response, ast.Call) or _encoding_call(argument(response, 0, "content"), context.model) is not encoded:
            return None
        value = encoded.args[0]
        text = context.text(value)
        if isinstance(value, (ast.NamedExpr, ast.Yield, ast.YieldFrom)):
            text = f"({text})"  # what the encoder's parentheses held may need its own where it goes
        return Fix(self.fix_title, Applicability.SAFE, (context.replace(encoded, text),))


def _encoding_call(content: ast.expr | None, model: SemanticModel) -> ast.Call | None:
    """The JSON-encoding call that produced ``content``: the content itself, or the value of a
    local name assigned once in the function."""
    if isinstance(content, ast.Name):
        binding = model.sole_local_binding(content)
        if binding is None or binding.kind != "assignment":
            return None
        content = binding.value
    if isinstance(content, ast.Call) and model.qualified_name(content.func) in JSON_ENCODERS:
        return content
    return None


def _replaceable(call: ast.Call, model: SemanticModel) -> bool:
    """True for ``dumps(value)``: one positional argument, no options, and no comment inside the
    parentheses that replacing the call by its value would lose (a generator, which no encoder
    takes, is left alone)."""
    if len(call.args) != 1 or isinstance(call.args[0], (ast.Starred, ast.GeneratorExp)) or call.keywords:
        return False
    return "#" not in model.segment(call).replace(model.segment(call.args[0]), "", 1)
