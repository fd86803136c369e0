from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity
from ..frameworks.aiohttp import ROUTE_CALLEES, route_definitions

#: a Flask/Werkzeug variable: ``<id>``, ``<int:id>``
FLASK_VARIABLE = re.compile(r"<(?:(?P<converter>[A-Za-z_]\w*):)?(?P<name>[A-Za-z_]\w*)>")
#: Werkzeug converters and the aiohttp pattern matching the same text (regexes without backslashes,
#: so the fixed literal needs no raw prefix)
CONVERTER_PATTERNS = {"int": "[0-9]+", "float": "[0-9]+[.][0-9]+", "path": ".+", "uuid": "[0-9a-fA-F-]{36}"}


class FlaskStyleRoutePath(Rule):
    """
    ## What it does
    Finds aiohttp routes whose path has Flask-style variables: `"/users/<id>"`,
    `"/items/<int:item_id>"`.

    ## Why is this bad?
    aiohttp writes variables in braces: `"/users/{id}"`, `"/items/{item_id:\\d+}"`. To aiohttp
    `<id>` is literal text, so the route answers only the URL `/users/<id>`, every real user id
    gets a 404, and `request.match_info["id"]` would raise `KeyError`.

    ## Example
    ```python
    @routes.get("/users/<int:user_id>")
    async def get_user(request):
        user_id = int(request.match_info["user_id"])
        ...
    ```

    ## Use instead
    ```python
    @routes.get("/users/{user_id:[0-9]+}")
    async def get_user(request):
        user_id = int(request.match_info["user_id"])
        ...
    ```

    ## Fix safety
    Unsafe: the route starts matching the URLs it was written for, which changes what the
    application serves. `<x>` becomes `{x}`, and Werkzeug's `int`, `float`, `path` and `uuid`
    converters become the matching regular expressions (as strings: aiohttp does not convert the
    value, so code expecting an `int` from `match_info` still needs `int(...)`). Other converters
    get no fix.
    """

    code = "AIO028"
    name = "aiohttp-flask-style-route-path"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp route path with Flask-style `<variable>` instead of `{variable}`"
    guidelines = (
        Quote("aiohttp", "Route and View Registration", "Implement effective URL pattern syntax"),
        Quote("aiohttp", "Route and View Registration", "Create proper route definitions"),
    )
    node_types = (ast.Call,)
    callees = ROUTE_CALLEES
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Write the variables in aiohttp's `{name}` syntax"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        route = next((r for r in route_definitions(model) if r.call is node), None)
        if route is None:
            return
        variables = list(FLASK_VARIABLE.finditer(route.path.value))
        if not variables:
            return
        fixable = all(_pattern(v) is not None for v in variables)
        shown = ", ".join(f"`{v.group(0)}`" for v in variables)
        yield self.diagnostic(
            route.path,
            model,
            f"{shown} in route `{route.path.value}` is literal text to aiohttp, so the route never matches a real "
            f"URL; aiohttp writes path variables as `{{{variables[0].group('name')}}}`",
            fix=Applicability.UNSAFE if fixable else None,
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        path = context.node_at(diagnostic.range, ast.Constant)
        if path is None:
            return None
        text = context.text(path)
        if any(_pattern(v) is None for v in FLASK_VARIABLE.finditer(text)):
            return None
        fixed = FLASK_VARIABLE.sub(lambda v: _pattern(v) or v.group(0), text)
        return Fix(self.fix_title, Applicability.UNSAFE, (Edit(context.model.range_of(path), fixed),))


def _pattern(variable: re.Match[str]) -> str | None:
    """The aiohttp spelling of one Flask variable, or None for an unknown converter."""
    converter, name = variable.group("converter"), variable.group("name")
    if converter is None or converter == "string":
        return f"{{{name}}}"
    regex = CONVERTER_PATTERNS.get(converter)
    return None if regex is None else f"{{{name}:{regex}}}"
