from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import route_definitions


class UnknownRouteName(Rule):
    """
    ## What it does
    Finds `request.app.router["name"]` (any `<...>.router["name"]`) whose name no route of the
    module is given, in a module that names its routes itself (`name="..."` on a route
    definition). Modules that name a route with something other than a string literal, or that
    name none, are left alone: their names may come from elsewhere.

    ## Why is this bad?
    The router looks named resources up in a dict: an unknown name raises `KeyError` when the URL
    is built, so the handler answers `500`. A typo or a renamed route only shows up at runtime, on
    the path that builds the link.

    ## Example
    ```python
    @routes.get("/users/{id}", name="user")
    async def user(request): ...


    async def create(request):
        url = request.app.router["user-detail"].url_for(id="1")
        raise web.HTTPFound(url)
    ```

    ## Use instead
    ```python
    async def create(request):
        url = request.app.router["user"].url_for(id="1")
        raise web.HTTPFound(url)
    ```

    ## Fix safety
    No fix is offered: which route was meant is not known.
    """

    code = "AIO046"
    name = "aiohttp-unknown-route-name"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "`router[\"name\"]` with a name no route of the module has"
    guidelines = (Quote("aiohttp", "Route and View Registration", "Implement proper dynamic route generation"),)
    node_types = (ast.Subscript,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Subscript)
        key = node.slice
        if not (
            isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "router"
            and isinstance(key, ast.Constant)
            and isinstance(key.value, str)
        ):
            return
        names = _route_names(model)
        if not names or key.value in names:
            return
        known = ", ".join(f"`{name}`" for name in sorted(names))
        yield self.diagnostic(
            node,
            model,
            f"no route of this module is named `{key.value}`, so `{model.segment(node)}` raises KeyError "
            f"(a 500) in {model.context_label(node)}; the named routes are {known}",
        )


def _route_names(model: SemanticModel) -> frozenset[str]:
    """The literal ``name=`` of every call of the module, when some route definition has one and
    every ``name=`` of a route definition is a string literal; otherwise empty (unknown)."""
    route_calls = {id(route.call) for route in route_definitions(model)}
    names: set[str] = set()
    names_a_route = False
    for call in model.nodes(ast.Call):
        for argument in call.keywords:  # type: ignore[attr-defined]
            if argument.arg != "name":
                continue
            literal = isinstance(argument.value, ast.Constant) and isinstance(argument.value.value, str)
            if id(call) in route_calls:
                if not literal:
                    return frozenset()
                names_a_route = True
            if literal:
                names.add(argument.value.value)
    return frozenset(names) if names_a_route else frozenset()
