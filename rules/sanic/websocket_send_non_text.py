from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity
from ..frameworks.sanic import instance, positional_parameters

#: how Sanic's ``Websocket.send`` fails on a value that is neither text nor bytes
MAPPINGS = (ast.Dict, ast.DictComp)
SEQUENCES = (ast.List, ast.ListComp, ast.Tuple, ast.Set, ast.SetComp)
#: annotations of a Sanic websocket
WEBSOCKET_TYPES = frozenset({"sanic.Websocket", "sanic.server.websockets.impl.WebsocketImplProtocol"})


class WebsocketSendNonText(Rule):
    """
    ## What it does
    Finds Sanic websockets sent a dict, list, tuple, set or number: `await ws.send({"type": "joined"})`
    in a websocket handler.

    ## Why is this bad?
    Sanic's `ws.send()` takes `str` (a text frame) or `bytes` (a binary frame) only. A dict raises
    `TypeError: data is a dict-like object`, a list or tuple `NotImplementedError` (fragmented
    messages), a number `TypeError`; the handler ends and the connection closes, so the client
    is cut off the first time that message is sent.

    ## Example
    ```python
    @app.websocket("/feed")
    async def feed(request, ws):
        await ws.send({"type": "hello"})
    ```

    ## Use instead
    ```python
    import json


    @app.websocket("/feed")
    async def feed(request, ws):
        await ws.send(json.dumps({"type": "hello"}))
    ```

    ## Fix safety
    Safe for dicts, lists and tuples: the fix wraps the value in `json.dumps(...)` (importing
    `json` when needed), which is what a JSON client expects and what the code could not do
    before. Other values are not fixed.
    """

    code = "SAN029"
    name = "websocket-send-non-text"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Sanic websocket sent a dict, list or number: `ws.send()` takes `str` or `bytes`"
    guidelines = (
        Quote("sanic", "WebSocket Support", "Create appropriate message handling"),
        Quote("sanic", "WebSocket Support", "Use proper WebSocket error handling"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"send"})
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Wrap the message in `json.dumps(...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "send" and len(node.args) == 1 and not node.keywords):
            return
        if not self.is_websocket(func.value, model):
            return
        message = node.args[0]
        if isinstance(message, MAPPINGS):
            kind, failure, fix = "a dict", "`TypeError`", Applicability.SAFE
        elif isinstance(message, SEQUENCES):
            kind, failure = "a list or tuple", "`NotImplementedError` (fragmented messages)"
            fix = None if isinstance(message, (ast.Set, ast.SetComp)) else Applicability.SAFE
        elif isinstance(message, ast.Constant) and isinstance(message.value, (int, float)):
            kind, failure, fix = "a number", "`TypeError`", None
        else:
            return
        text = (
            f"`{model.segment(node)}` in {model.context_label(node)} sends {kind}: Sanic's websocket takes `str` or "
            f"`bytes` and raises {failure}, closing the connection; send `json.dumps(...)`"
        )
        yield self.diagnostic(node, model, text, fix=fix)

    @staticmethod
    def is_websocket(expr: ast.expr, model: SemanticModel) -> bool:
        """The websocket parameter of a Sanic websocket handler, or a name annotated as a Sanic websocket."""
        if instance(model, expr) in WEBSOCKET_TYPES:
            return True
        if not isinstance(expr, ast.Name):
            return False
        binding = model.lookup(expr.id, expr)
        if binding is None or binding.kind != "parameter":
            return False
        function = model.function_info(model.parent(binding.node))
        if function is None or function.handler is None or function.handler.framework != "sanic":
            return False
        parameters = positional_parameters(function)
        return function.handler.kind == "websocket" and len(parameters) > 1 and parameters[1] is binding.node

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call) or len(call.args) != 1:
            return None
        message = call.args[0]
        dumps, import_edit = context.import_name("json", "dumps")
        edits: list[Edit] = [context.replace(message, f"{dumps}({context.text(message)})")]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.SAFE, tuple(edits))
