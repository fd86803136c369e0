from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity
from ..frameworks.aiohttp import instance, is_request

CLIENT_RESPONSE = "aiohttp.ClientResponse"
BODY_READERS = frozenset({"text", "read"})


class JsonLoadsBody(Rule):
    """
    ## What it does
    Finds `json.loads(await response.text())` (or `.read()`) on an aiohttp client response, and
    `json.loads(await request.text())` on an aiohttp request.

    ## Why is this bad?
    `response.json()` and `request.json()` do the same in one step, with the body's declared
    charset, and the client's `json()` also checks that the server answered with JSON: an HTML
    error page from a proxy fails with a `ContentTypeError` naming the content type, instead of
    a bare `JSONDecodeError` at character 0. Both take `loads=` where a faster decoder is wanted.

    ## Example
    ```python
    async with session.get(url) as response:
        data = json.loads(await response.text())
    ```

    ## Use instead
    ```python
    async with session.get(url) as response:
        data = await response.json()
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO026"]`. It found nothing on
    the real-application corpus, and it is not a definite error: style: the result is the same,
    `response.json()` is shorter.

    ## Fix safety
    Offered only where `json.loads` has the body as its only argument. Safe for a request:
    `request.json()` is `json.loads(await request.text())`. Unsafe for a client response:
    `response.json()` raises `ContentTypeError` when the response is not declared as JSON, which
    the old code accepted.
    """

    code = "AIO026"
    name = "aiohttp-json-loads-body"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "`json.loads(await response.text())` instead of `await response.json()` in aiohttp"
    guidelines = (
        Quote("aiohttp", "Client Request and Response", "Use proper response parsing"),
        Quote("aiohttp", "Request Handling", "Use proper request object access"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"loads"})
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use `await ....json()`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        found = _body_owner(model, node)
        if found is None:
            return
        owner, reader, is_response = found
        shown = model.segment(owner)
        yield self.diagnostic(
            node,
            model,
            f"`json.loads(await {shown}.{reader}())` in {model.context_label(node)}: use `await {shown}.json()`"
            + (", which also checks the response is JSON" if is_response else ""),
            fix=_applicability(node, is_response),
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if call is None:
            return None
        found = _body_owner(context.model, call)
        if found is None:
            return None
        owner, _, is_response = found
        applicability = _applicability(call, is_response)
        if applicability is None:
            return None
        text = f"await {context.text(owner)}.json()"
        if context.needs_parentheses_for_await(call):
            text = f"({text})"
        return Fix(self.fix_title, applicability, (Edit(context.model.range_of(call), text),))


def _body_owner(model: SemanticModel, call: ast.Call) -> tuple[ast.expr, str, bool] | None:
    """(response or request, ``text``/``read``, whether it is a client response) for
    ``json.loads(await owner.text())``."""
    if model.qualified_name(call.func) != "json.loads" or not call.args:
        return None
    body = call.args[0]
    if not (isinstance(body, ast.Await) and isinstance(body.value, ast.Call)):
        return None
    read = body.value
    if not (isinstance(read.func, ast.Attribute) and read.func.attr in BODY_READERS) or read.args or read.keywords:
        return None
    owner = read.func.value
    if instance(model, owner) == CLIENT_RESPONSE:
        return owner, read.func.attr, True
    if is_request(model, owner):
        return owner, read.func.attr, False
    return None


def _applicability(call: ast.Call, is_response: bool) -> Applicability | None:
    if len(call.args) != 1 or call.keywords:
        return None
    return Applicability.UNSAFE if is_response else Applicability.SAFE
