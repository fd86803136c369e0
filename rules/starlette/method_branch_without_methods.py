from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity, callees_of
from ..frameworks.starlette import connection_kind

ROUTES = frozenset({"starlette.routing.Route", "fastapi.routing.Route"})
#: what `Route` allows when it gets no `methods=`
DEFAULT_METHODS = frozenset({"GET", "HEAD"})
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MethodBranchWithoutMethods(Rule):
    """
    ## What it does
    Finds a `Route(path, endpoint)` without `methods=` whose endpoint function checks for
    another method: `if request.method == "POST":`, `request.method in ("PUT", "PATCH")`.

    ## Why is this bad?
    A `Route` without `methods=` accepts only `GET` (and `HEAD`): the router answers every
    `POST` with `405 Method Not Allowed` before the endpoint runs, so the branch for it is dead
    code and the form or API call it serves never works.

    ## Example
    ```python
    async def users(request):
        if request.method == "POST":
            return await create_user(request)
        return await list_users(request)

    routes = [Route("/users", users)]
    ```

    ## Use instead
    ```python
    routes = [Route("/users", users, methods=["GET", "POST"])]
    ```

    ## Fix safety
    Unsafe: the fix adds `methods=[...]` with `GET` and the methods the endpoint checks for, so
    the route starts accepting requests it rejected before; check the new branch is meant to
    be reachable (and protected, e.g. against CSRF). Routes built with `**options` are not
    reported: their options may hold `methods`.
    """

    code = "STA033"
    name = "method-branch-without-methods"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "Endpoint checks `request.method == \"POST\"` but its `Route` has no `methods=` (GET only)"
    guidelines = (
        Quote(
            "starlette",
            "Routing and URL Patterns",
            "Use `methods` parameter to restrict allowed HTTP methods: `Route('/users', create_user, methods=['POST'])`",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(ROUTES)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Declare the methods the endpoint handles"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in ROUTES:
            return
        if argument(node, 2, "methods") is not None or any(kw.arg is None for kw in node.keywords):
            return
        endpoint = argument(node, 1, "endpoint")
        function = model.function_def(endpoint) if endpoint is not None else None
        if function is None:
            return
        checked = sorted(_checked_methods(function, model) - DEFAULT_METHODS)
        if not checked:
            return
        methods = ["GET", *checked]
        shown = ", ".join(f"`{m}`" for m in checked)
        listed = ", ".join(f'"{m}"' for m in methods)
        message = (
            f"`{function.name}` checks for {shown} but this `Route` has no `methods=`, so it accepts only GET and the "
            f"router answers {shown} with 405; pass `methods=[{listed}]`"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.UNSAFE, data={"methods": methods})

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.Call)
        if node is None:
            return None
        listed = ", ".join(f'"{m}"' for m in diagnostic.data["methods"])
        # after the last argument, so a trailing comma or comment stays where it is
        end = context.model.range_of(node.keywords[-1] if node.keywords else node.args[-1])
        at = Range(end.end_line, end.end_column, end.end_line, end.end_column)
        return Fix(self.fix_title, Applicability.UNSAFE, (Edit(at, f", methods=[{listed}]"),))


def _checked_methods(function: FunctionInfo, model: SemanticModel) -> set[str]:
    """The HTTP methods an endpoint compares its request's `method` with."""
    found: set[str] = set()
    for compare in model.nodes_in(function, ast.Compare):
        sides = [compare.left, *compare.comparators]
        if not any(
            isinstance(side, ast.Attribute) and side.attr == "method" and connection_kind(side.value, model) == "request"
            for side in sides
        ):
            continue
        for side in sides:
            values = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.upper() in HTTP_METHODS:
                    found.add(value.value.upper())
    return found
