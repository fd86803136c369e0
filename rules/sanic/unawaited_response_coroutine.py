from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.sanic import is_request, qualified

#: Sanic's coroutine functions that look like plain response helpers
RESPONSE_COROUTINES = frozenset({"sanic.response.file", "sanic.response.file_stream", "sanic.response.validate_file"})
#: coroutine methods of a Sanic request
REQUEST_COROUTINES = frozenset({"respond", "receive_body"})


class UnawaitedResponseCoroutine(Rule):
    """
    ## What it does
    Finds Sanic's coroutine helpers called without `await`: `file(...)` and `file_stream(...)`
    from `sanic.response` (unlike `json()` and `text()`, they are `async def`), and
    `request.respond()` / `request.receive_body()`.

    ## Why is this bad?
    Without `await` the call only builds a coroutine object. A handler that returns
    `file("report.pdf")` hands Sanic a coroutine instead of a response, and the client gets a
    500 error (`Invalid response type <coroutine object file ...>`); `request.respond()` without
    `await` never starts the streaming response, and Python warns that the coroutine was never
    awaited.

    ## Example
    ```python
    @app.get("/report")
    async def report(request):
        return file("/srv/reports/latest.pdf")
    ```

    ## Use instead
    ```python
    @app.get("/report")
    async def report(request):
        return await file("/srv/reports/latest.pdf")
    ```

    ## Fix safety
    Safe inside an `async def`: the fix adds `await` (with parentheses where the expression needs
    them), which is the only way the call does anything. Elsewhere no fix is offered.
    """

    code = "SAN041"
    name = "unawaited-response-coroutine"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Sanic's `file()`, `file_stream()` or `request.respond()` called without `await`"
    guidelines = (
        Quote("sanic", "Asynchronous Programming", "Implement effective coroutine design"),
        Quote("sanic", "Request and Response Handling", "Implement proper file responses"),
    )
    node_types = (ast.Call,)
    callees = callees_of(RESPONSE_COROUTINES, REQUEST_COROUTINES)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Add `await`"
    supersedes = ("ASY110",)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if isinstance(model.parent(node), ast.Await):
            return
        func = node.func
        name = qualified(model, func)
        if name in RESPONSE_COROUTINES:
            called = f"`{name.rsplit('.', 1)[1]}()`"
        elif isinstance(func, ast.Attribute) and func.attr in REQUEST_COROUTINES and is_request(model, func.value):
            called = f"`{model.segment(func)}()`"
        else:
            return
        message = (
            f"{called} in {model.context_label(node)} is a coroutine function: without `await` it returns a "
            f"coroutine object, not a response; write `await {model.segment(node)}`"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE if model.in_async_context(node) else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call):
            return None
        awaited = f"await {context.text(call)}"
        if context.needs_parentheses_for_await(call):
            awaited = f"({awaited})"
        return Fix(self.fix_title, Applicability.SAFE, (context.replace(call, awaited),))
