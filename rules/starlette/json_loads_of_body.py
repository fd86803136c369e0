from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.starlette import connection_kind

#: (connection kind, method read raw) -> (the method that parses JSON, its arguments, fix applicability)
PARSING_METHODS = {
    ("request", "body"): ("json", "", Applicability.SAFE),
    ("websocket", "receive_text"): ("receive_json", "", Applicability.SAFE),
    # receive_json(mode="binary") decodes UTF-8 only, where json.loads also detects UTF-16/32
    ("websocket", "receive_bytes"): ("receive_json", 'mode="binary"', Applicability.UNSAFE),
}
UTF8 = frozenset({"utf-8", "utf8", "UTF-8", "UTF8"})


class JsonLoadsOfBody(Rule):
    """
    ## What it does
    Finds JSON parsed by hand from a Starlette request body or WebSocket message:
    `json.loads(await request.body())`, `json.loads((await request.body()).decode())`,
    `json.loads(await websocket.receive_text())` and `json.loads(await websocket.receive_bytes())`.

    ## Why is this bad?
    Starlette does this for you: `await request.json()` parses the body once and caches the
    result on the request, so middleware, dependencies and the endpoint do not parse it again;
    `await websocket.receive_json()` reads and parses a message in one call (`mode="binary"` for
    bytes frames). The hand-written version repeats the work and drifts from the
    framework's decoding rules.

    ## Example
    ```python
    async def create_user(request):
        data = json.loads(await request.body())
        ...
    ```

    ## Use instead
    ```python
    async def create_user(request):
        data = await request.json()
        ...
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA024"]`. It found nothing on
    the real-application corpus, and it is not a definite error: style: the result is the same,
    `request.json()` is shorter.

    ## Fix safety
    Safe for `request.body()` and `websocket.receive_text()`: Starlette runs the same
    `json.loads` on the same text. Unsafe for `receive_bytes()`: `receive_json(mode="binary")`
    decodes UTF-8 only, where `json.loads` also accepts UTF-16 and UTF-32. No fix is offered
    when `json.loads` gets other arguments (`object_hook=...`), which Starlette would drop.
    """

    code = "STA024"
    name = "json-loads-of-body"
    opt_in = True
    framework = "starlette"
    severity = Severity.INFORMATION
    summary = "`json.loads(await request.body())`: use `await request.json()` (or `websocket.receive_json()`)"
    guidelines = (
        Quote(
            "starlette",
            "Async Handling and Request Processing",
            "Use `await request.json()` for JSON bodies, `await request.form()` for form data",
        ),
        Quote("starlette", "WebSocket Management", "Handle different message types: text, bytes, JSON appropriately"),
    )
    node_types = (ast.Call,)
    callees = callees_of(["json.loads"])
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Let Starlette parse the JSON"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) != "json.loads" or len(node.args) != 1:
            return
        read = _raw_read(node.args[0])
        if read is None:
            return
        kind = connection_kind(read.func.value, model)
        parsing = PARSING_METHODS.get((kind or "", read.func.attr))
        if parsing is None:
            return
        method, arguments, applicability = parsing
        connection = model.segment(read.func.value)
        instead = f"await {connection}.{method}({arguments})"
        message = (
            f"`json.loads()` of `{connection}.{read.func.attr}()` in {model.context_label(node)} parses by hand "
            f"what Starlette parses for you; use `{instead}`"
        )
        fix = None if node.keywords else applicability
        yield self.diagnostic(node, model, message, fix=fix, data={"instead": instead, "unsafe": applicability is Applicability.UNSAFE})

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.Call)
        if node is None:
            return None
        applicability = Applicability.UNSAFE if diagnostic.data.get("unsafe") else Applicability.SAFE
        instead = diagnostic.data["instead"]
        if context.needs_parentheses_for_await(node):
            instead = f"({instead})"
        return Fix(self.fix_title, applicability, (context.replace(node, instead),))


def _raw_read(expr: ast.expr) -> ast.Call | None:
    """The ``x.body()``-like call awaited in ``await x.body()`` or ``(await x.body()).decode()``
    (no encoding, or UTF-8)."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "decode" and not expr.keywords:
        if len(expr.args) > 1:
            return None
        if expr.args and not (isinstance(expr.args[0], ast.Constant) and expr.args[0].value in UTF8):
            return None
        expr = expr.func.value
    if not isinstance(expr, ast.Await):
        return None
    call = expr.value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and not call.args and not call.keywords:
        return call
    return None
