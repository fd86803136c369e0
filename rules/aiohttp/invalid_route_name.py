from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import ROUTE_CALLEES, route_definitions

#: aiohttp splits a route name at these and requires each part to be an identifier
NAME_SEPARATORS = re.compile(r"[.:-]")


class InvalidRouteName(Rule):
    """
    ## What it does
    Finds aiohttp route names that aiohttp refuses: a `name=` whose parts (split at `.`, `:`
    and `-`) are not Python identifiers (`"user profile"`, `"users/detail"`, `"2fa"`), or a name
    given to two routes of the same table or application.

    ## Why is this bad?
    Names are checked when the route is added: aiohttp raises `ValueError: Incorrect route name`
    or `ValueError: Duplicate 'user', already handled by ...`, and the application does not
    start. Names are what `request.app.router["user"].url_for(id="1")` looks routes up by, so
    they must be unique.

    ## Example
    ```python
    app.router.add_get("/users/{id}", get_user, name="user detail")
    app.router.add_get("/users/{id}/posts", get_posts, name="user")
    app.router.add_get("/users/{id}/likes", get_likes, name="user")
    ```

    ## Use instead
    ```python
    app.router.add_get("/users/{id}", get_user, name="user-detail")
    app.router.add_get("/users/{id}/posts", get_posts, name="user-posts")
    app.router.add_get("/users/{id}/likes", get_likes, name="user-likes")
    ```

    ## Fix safety
    No fix is offered: other code looks the route up by its name.
    """

    code = "AIO034"
    name = "aiohttp-invalid-route-name"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp route name that is not an identifier, or given to two routes"
    guidelines = (
        Quote("aiohttp", "Route and View Registration", "Create proper route naming"),
    )
    node_types = (ast.Call,)
    callees = ROUTE_CALLEES

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        routes = route_definitions(model)
        route = next((r for r in routes if r.call is node), None)
        name = _name(node)
        if route is None or name is None:
            return
        value = name.value
        if not all(part.isidentifier() for part in NAME_SEPARATORS.split(value)):  # type: ignore[union-attr]
            yield self.diagnostic(
                name,
                model,
                f"route name `{value}` is refused by aiohttp (`ValueError: Incorrect route name`): each part "
                "between `.`, `:` and `-` must be an identifier",
            )
            return
        for earlier in routes:
            if earlier is route:
                return
            other = _name(earlier.call)
            same_path = earlier.path.value == route.path.value  # one resource holds routes of one name
            if other is not None and other.value == value and earlier.table == route.table and not same_path:
                yield self.diagnostic(
                    name,
                    model,
                    f"route name `{value}` is already given to `{earlier.path.value}` at line {earlier.call.lineno}: "
                    "aiohttp refuses it (`ValueError: Duplicate`)",
                )
                return


def _name(call: ast.Call) -> ast.Constant | None:
    name = keyword(call, "name")
    return name if isinstance(name, ast.Constant) and isinstance(name.value, str) else None
