from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import is_aiohttp_handler, is_middleware, is_request

#: request attribute -> what it holds, for the message
_MAPPINGS = {"query": "query parameter", "headers": "header"}
#: exceptions whose handler catches the KeyError of a missing key
_CATCHES_KEY_ERROR = frozenset({"KeyError", "LookupError", "Exception", "BaseException"})


class UnguardedRequestLookup(Rule):
    """
    ## What it does
    Finds `request.query["name"]` and `request.headers["Name"]` in an aiohttp handler or
    middleware where nothing checks that the key is there: no `"name" in request.query` test in
    the function and no `try` catching `KeyError` around the lookup.

    ## Why is this bad?
    Query parameters and headers come from the client, so any of them can be missing. A missing
    key raises `KeyError`, which aiohttp turns into `500 Internal Server Error` with a traceback in
    the log, instead of a `400 Bad Request` that tells the client what it forgot.

    ## Example
    ```python
    async def search(request):
        term = request.query["q"]
        token = request.headers["X-Token"]
        ...
    ```

    ## Use instead
    ```python
    async def search(request):
        term = request.query.get("q")
        if term is None:
            raise web.HTTPBadRequest(text="missing query parameter q")
        token = request.headers.get("X-Token", "")
        ...
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO039"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a missing parameter gives a 500 instead
    of a 400: input validation, a best practice.

    ## Fix safety
    No fix is offered: what a missing value should mean (a default, or a 400) is the handler's choice.
    """

    code = "AIO039"
    name = "aiohttp-unguarded-request-lookup"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "aiohttp query parameter or header read with `[]` without checking it is there"
    guidelines = (
        Quote("aiohttp", "Request Handling", "Implement effective query parameter extraction"),
        Quote("aiohttp", "Request Handling", "Create appropriate header handling"),
    )
    node_types = (ast.Subscript,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Subscript)
        mapping = node.value
        if not (
            isinstance(node.ctx, ast.Load)
            and isinstance(mapping, ast.Attribute)
            and mapping.attr in _MAPPINGS
            and is_request(model, mapping.value)
        ):
            return
        function = model.enclosing_function(node)
        if function is None or not (is_aiohttp_handler(function) or is_middleware(model, function)):
            return
        if _inside_key_error_handler(model, node) or _membership_tested(model, function, node):
            return
        kind = _MAPPINGS[mapping.attr]
        yield self.diagnostic(
            node,
            model,
            f"`{model.segment(node)}` raises KeyError (a 500) when the client leaves out the {kind} "
            f"in {model.context_label(node)}; use `{model.segment(mapping)}.get(...)` or check "
            f"`in {model.segment(mapping)}` and answer 400",
        )


def _inside_key_error_handler(model: SemanticModel, node: ast.AST) -> bool:
    """True when a ``try`` around ``node`` (in its body) has a handler that catches KeyError."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        if isinstance(ancestor, ast.Try) and child in ancestor.body:
            for handler in ancestor.handlers:
                caught = handler.type
                names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
                if caught is None or any(_exception_name(name) in _CATCHES_KEY_ERROR for name in names):
                    return True
        child = ancestor
    return False


def _exception_name(expr: ast.AST | None) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def _membership_tested(model: SemanticModel, function: FunctionInfo, node: ast.Subscript) -> bool:
    """True when the function tests ``key in <mapping>`` (or ``not in``) for this lookup's mapping."""
    mapping = model.segment(node.value)
    for compare in model.nodes_in(function, ast.Compare):
        assert isinstance(compare, ast.Compare)
        for operator, right in zip(compare.ops, compare.comparators):
            if isinstance(operator, (ast.In, ast.NotIn)) and model.segment(right) == mapping:
                return True
    return False
