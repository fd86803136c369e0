from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

#: the client calls that send a request body
REQUEST_CALLS = frozenset(
    {
        *(f"aiohttp.ClientSession.{method}" for method in ("post", "put", "patch", "delete", "request", "get")),
        "aiohttp.request",
    }
)


class ClientJsonDumpsData(Rule):
    """
    ## What it does
    Finds an aiohttp client request sending `data=json.dumps(payload)`.

    ## Why is this bad?
    A `str` passed as `data=` is sent as `text/plain; charset=utf-8`, so servers that read the
    `Content-Type` refuse it or do not parse it as JSON, unless every call also sets the header
    by hand. `json=payload` encodes the payload and sets `Content-Type: application/json`
    (through the session's `json_serialize`, so a custom encoder is set up once).

    ## Example
    ```python
    async with session.post(url, data=json.dumps({"name": name})) as response:
        ...
    ```

    ## Use instead
    ```python
    async with session.post(url, json={"name": name}) as response:
        ...
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO025"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `data=json.dumps(...)` sends the JSON
    without a JSON content type; most servers accept it.

    ## Fix safety
    Unsafe: the request's `Content-Type` becomes `application/json` (the fix is what the call
    means, but a server that relied on the old header sees a different request), and the
    session's `json_serialize` encodes the payload in place of `json.dumps`. It is offered only
    where `json.dumps` has the payload as its only argument.
    """

    code = "AIO025"
    name = "aiohttp-client-json-dumps-data"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "aiohttp client request with `data=json.dumps(...)` instead of `json=`"
    guidelines = (
        Quote("aiohttp", "Client Request and Response", "Use proper content type setting"),
        Quote("aiohttp", "Client Request and Response", "Use proper request creation"),
        Quote("aiohttp", "Client-Side Development", "Implement effective request methods"),
    )
    node_types = (ast.Call,)
    callees = callees_of(REQUEST_CALLS)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Pass the payload as `json=`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) not in REQUEST_CALLS:
            return
        data = next((k for k in node.keywords if k.arg == "data"), None)
        if data is None or not _is_dumps(model, data.value):
            return
        if any(k.arg == "json" for k in node.keywords):
            return
        yield self.diagnostic(
            data.value,
            model,
            f"`data=json.dumps(...)` in {model.context_label(node)} is sent as `text/plain`; pass `json=` and "
            "aiohttp encodes it and sets `Content-Type: application/json`",
            fix=Applicability.UNSAFE if _payload(data.value) is not None else None,
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        dumps = context.node_at(diagnostic.range, ast.Call)
        if dumps is None:
            return None
        data = context.model.parent(dumps)
        payload = _payload(dumps)
        if not isinstance(data, ast.keyword) or payload is None:
            return None
        edit = Edit(context.model.range_of(data), f"json={context.text(payload)}")
        return Fix(self.fix_title, Applicability.UNSAFE, (edit,))


def _is_dumps(model: SemanticModel, value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and model.qualified_name(value.func) == "json.dumps"


def _payload(dumps: ast.expr) -> ast.expr | None:
    """The payload when ``json.dumps`` has it as its only argument."""
    if isinstance(dumps, ast.Call) and len(dumps.args) == 1 and not dumps.keywords and not isinstance(dumps.args[0], ast.Starred):
        return dumps.args[0]
    return None
