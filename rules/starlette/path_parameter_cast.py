from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..handlers import CONNECTION_TYPES, connection_parameter, is_starlette_endpoint
from ..model import FunctionInfo, HandlerInfo, SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity, callees_of

#: conversions done by hand -> (the Starlette convertor that does it, the FastAPI annotation)
CASTS = {
    "builtins.int": ("int", "int"),
    "builtins.float": ("float", "float"),
    "uuid.UUID": ("uuid", "UUID"),
}
PARAMETER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")


class PathParameterCast(Rule):
    """
    ## What it does
    Finds a path parameter declared without a convertor (`{user_id}`) that the endpoint converts
    by hand: `int(request.path_params["user_id"])`, `float(...)`, `uuid.UUID(...)`, also through
    `request.path_params.get(...)` or `websocket.path_params`.

    In a FastAPI path operation the same code is reported with FastAPI's idiom: declare the
    parameter, `user_id: int`, and let FastAPI convert and validate it.

    ## Why is this bad?
    Without a convertor the route matches any text: `/users/abc` reaches the endpoint, and
    `int("abc")` raises `ValueError`, a 500 error for what is a bad URL. With `{user_id:int}` the
    router matches digits only (`/users/abc` is a 404, or goes on to the next route) and hands the
    endpoint an `int` already.

    ## Example
    ```python
    async def user_detail(request):
        user_id = int(request.path_params["user_id"])
        ...

    routes = [Route("/users/{user_id}", user_detail)]
    ```

    ## Use instead
    ```python
    async def user_detail(request):
        user_id = request.path_params["user_id"]
        ...

    routes = [Route("/users/{user_id:int}", user_detail)]
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA008"]`. It found nothing on
    the real-application corpus, and it is not a definite error: style: a convertor (`{id:int}`) instead
    of converting by hand.

    ## Fix safety
    Unsafe: URLs the hand conversion accepted but the convertor does not (`-1` for `int`, `1e3`
    for `float`) become 404s instead of reaching the endpoint, code that handled `ValueError`
    stops running, and uses of the parameter elsewhere in the endpoint now get the converted
    value instead of a string. The fix adds the convertor to the route's path and removes every
    such conversion of that parameter in the endpoint. It is offered for Starlette routes whose
    path is a literal and whose endpoint is registered once; FastAPI path operations get no fix.
    """

    code = "STA008"
    name = "path-parameter-cast"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "A path parameter without convertor is converted by hand in the endpoint"
    guidelines = (
        Quote(
            "starlette",
            "Routing and URL Patterns",
            "Use path parameters with type hints: `Route('/users/{user_id:int}', user_detail)` for automatic conversion and validation",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(CASTS)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Declare the convertor in the route path and drop the conversion"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        found = _hand_cast(node, model)
        if found is None:
            return
        function, handler, name, cast = found
        convertor, annotation = CASTS[cast]
        shown = model.segment(node)
        if not is_starlette_endpoint(handler):
            message = (
                f"`{shown}` converts a path parameter by hand in {model.context_label(node)}; declare it as a "
                f"parameter, `{name}: {annotation}`, and FastAPI converts and validates it"
            )
            yield self.diagnostic(node, model, message)
            return
        message = (
            f"`{shown}` converts a path parameter by hand in {model.context_label(node)}: a URL that does not convert "
            f"raises a 500 error; declare `{{{name}:{convertor}}}` in the route path `{handler.path}` instead"
        )
        fix = Applicability.UNSAFE if _path_literal(handler, name, model) is not None and _registered_once(function, model) else None
        yield self.diagnostic(node, model, message, fix=fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        model = context.model
        call = context.node_at(diagnostic.range, ast.Call)
        found = _hand_cast(call, model) if isinstance(call, ast.Call) else None
        if found is None:
            return None
        function, handler, name, cast = found
        path = _path_literal(handler, name, model)
        if path is None or not _registered_once(function, model):
            return None
        text = context.text(path)
        edits: list[Edit] = [context.replace(path, text.replace(f"{{{name}}}", f"{{{name}:{CASTS[cast][0]}}}"))]
        for other in model.nodes_in(function, ast.Call):
            other_found = _hand_cast(other, model)  # type: ignore[arg-type]
            if other_found is not None and other_found[2] == name and other_found[3] == cast:
                edits.append(context.replace(other, context.text(other.args[0])))  # type: ignore[attr-defined]
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _hand_cast(call: ast.Call, model: SemanticModel) -> tuple[FunctionInfo, HandlerInfo, str, str] | None:
    """(endpoint, its handler info, parameter name, cast) when the call converts a convertor-less path parameter."""
    if len(call.args) != 1 or call.keywords:
        return None
    cast = model.qualified_name(call.func)
    if cast not in CASTS:
        return None
    function = model.enclosing_function(call)
    handler = model.handler(function)
    if function is None or handler is None or handler.framework not in ("starlette", "fastapi") or handler.path is None:
        return None
    name = _path_parameter_name(call.args[0], function, model)
    if name is None:
        return None
    declared = {match.group(1): match.group(2) for match in PARAMETER.finditer(handler.path)}
    if name not in declared or declared[name] is not None:
        return None  # from an enclosing Mount, or converted already
    return function, handler, name, cast


def _path_parameter_name(expr: ast.expr, function: FunctionInfo, model: SemanticModel) -> str | None:
    """``"id"`` for ``request.path_params["id"]`` or ``request.path_params.get("id")`` on the endpoint's connection."""
    if isinstance(expr, ast.Subscript):
        params, key = expr.value, expr.slice
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and len(expr.args) == 1:
        params, key = expr.func.value, expr.args[0]
    else:
        return None
    if not (isinstance(params, ast.Attribute) and params.attr == "path_params"):
        return None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    connection = params.value
    if model.instance_type(connection) in CONNECTION_TYPES:
        return key.value
    parameter = connection_parameter(model, function)
    binding = model.lookup(connection.id, connection) if isinstance(connection, ast.Name) else None
    return key.value if parameter is not None and binding is not None and binding.node is parameter else None


def _path_literal(handler: HandlerInfo, name: str, model: SemanticModel) -> ast.Constant | None:
    """The route's path literal, when it holds ``{name}`` once and plainly (no escapes, no prefix)."""
    registration = handler.registration
    if not isinstance(registration, ast.Call):
        return None
    path = argument(registration, 0, "path")
    if not (isinstance(path, ast.Constant) and isinstance(path.value, str)):
        return None
    return path if model.segment(path).count(f"{{{name}}}") == 1 else None


def _registered_once(function: FunctionInfo, model: SemanticModel) -> bool:
    """True when the endpoint (its class, for an ``HTTPEndpoint`` method) is named at most once:
    one route, one path to change."""
    definition: ast.AST = function.class_info.node if function.class_info else function.node
    identifier = definition.name  # type: ignore[attr-defined]
    binding = model.lookup(identifier, definition)
    uses = [
        name
        for name in model.nodes(ast.Name)
        if name.id == identifier and isinstance(name.ctx, ast.Load) and model.lookup(name.id, name) is binding  # type: ignore[attr-defined]
    ]
    return len(uses) <= 1
