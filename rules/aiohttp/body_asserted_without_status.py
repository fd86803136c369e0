from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

BODY_READERS = frozenset({"json", "text", "read"})
#: reading any of these off the response shows the test looks at the outcome
STATUS_CHECKS = frozenset({"status", "ok", "raise_for_status"})


class BodyAssertedWithoutStatus(Rule):
    """
    ## What it does
    In a test function (`test_...`) of a module that uses aiohttp, finds an `assert` on
    `await response.json()`, `.text()` or `.read()` where the test never looks at that response's
    status (`response.status`, `response.ok`, `response.raise_for_status()`).

    ## Why is this bad?
    An error answer has a body too. A test that only compares the body passes or fails for the
    wrong reason: a `500` with a JSON error document fails with a confusing diff, and an endpoint
    that answers `200` where it should answer `201` or `400` passes. Asserting the status first
    says what went wrong and pins the contract.

    ## Example
    ```python
    async def test_create_user(aiohttp_client, app):
        client = await aiohttp_client(app)
        response = await client.post("/users", json={"name": "ann"})
        assert await response.json() == {"id": 1, "name": "ann"}
    ```

    ## Use instead
    ```python
    async def test_create_user(aiohttp_client, app):
        client = await aiohttp_client(app)
        response = await client.post("/users", json={"name": "ann"})
        assert response.status == 201
        assert await response.json() == {"id": 1, "name": "ann"}
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO045"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a test style preference.

    ## Fix safety
    No fix is offered: only the test's author knows which status is right.
    """

    code = "AIO045"
    name = "aiohttp-body-asserted-without-status"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "Test asserts an aiohttp response's body without checking its status"
    guidelines = (Quote("aiohttp", "Testing", "Create proper response assertions"),)
    node_types = (ast.Assert,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Assert)
        function = model.enclosing_function(node)
        if function is None or not function.name.startswith("test") or not model.uses("aiohttp"):
            return
        checked = {
            model.segment(attribute.value)  # type: ignore[attr-defined]
            for attribute in model.nodes_in(function, ast.Attribute)
            if attribute.attr in STATUS_CHECKS  # type: ignore[attr-defined]
        }
        for awaited in model.nodes_in(function, ast.Await):
            assert isinstance(awaited, ast.Await)
            read = awaited.value
            if not (
                isinstance(read, ast.Call)
                and isinstance(read.func, ast.Attribute)
                and read.func.attr in BODY_READERS
                and not read.args
                and any(ancestor is node for ancestor in model.ancestors(awaited))
            ):
                continue
            response = model.segment(read.func.value)
            if response in checked:
                continue
            yield self.diagnostic(
                awaited,
                model,
                f"{model.context_label(node)} asserts the body of `{response}` but never its status; "
                f"assert `{response}.status == ...` first, so an error answer fails the test plainly",
            )
