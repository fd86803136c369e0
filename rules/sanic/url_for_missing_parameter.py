from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import HandlerInfo, SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_app, is_blueprint, path_parameters, string


class UrlForMissingParameter(Rule):
    """
    ## What it does
    Finds `app.url_for("name", ...)` (also `request.app.url_for(...)`) for a route of the same
    module whose path has parameters the call does not pass: `url_for("get_user")` for
    `@app.get("/users/<user_id:int>")`, or `url_for("get_user", id=7)` when the parameter is
    `user_id`. Routes are matched by their handler's name or `name=`; for a blueprint route, the
    part after the blueprint's name (`"users.get_user"`).

    ## Why is this bad?
    `url_for` cannot build the path without every parameter and raises `URLBuildError: Required
    parameter `user_id` was not passed to url_for` when the line runs, often in a redirect after
    a form is posted: the user gets a 500 error after the work was done. Keywords that are not
    path parameters become the query string, so a misspelt parameter does not fail on its own.

    ## Example
    ```python
    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        ...


    @app.post("/users")
    async def create_user(request):
        user = await save(request.json)
        return redirect(app.url_for("get_user", id=user.id))
    ```

    ## Use instead
    ```python
    return redirect(app.url_for("get_user", user_id=user.id))
    ```

    ## Fix safety
    There is no automatic fix: which value the missing parameter should take is not in the call.
    """

    code = "SAN030"
    name = "url-for-missing-parameter"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "`url_for()` without a path parameter of its route: raises `URLBuildError`"
    guidelines = (
        Quote("sanic", "Routing", "Implement proper URL generation"),
        Quote("sanic", "Routing", "Implement effective route parameters"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"url_for"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "url_for" and is_app(model, func.value)):
            return
        view = string(node.args[0]) if node.args else string(keyword(node, "view_name"))
        if view is None or any(k.arg is None for k in node.keywords):
            return
        routes = self.routes_named(view, model)
        paths = {route.path for route in routes}
        if len(paths) != 1:
            return
        path = paths.pop()
        given = {k.arg for k in node.keywords}
        missing = [name for name in path_parameters(path) if name not in given]
        if not missing:
            return
        listed = ", ".join(f"`{name}`" for name in missing)
        message = (
            f"`{model.segment(func)}({view!r})` does not pass {listed} for the route `{path}`: it raises "
            f"`URLBuildError` when it runs; pass {', '.join(f'{name}=...' for name in missing)}"
        )
        yield self.diagnostic(node, model, message)

    @staticmethod
    def routes_named(view: str, model: SemanticModel) -> list[HandlerInfo]:
        """The Sanic function handlers of this module that ``view`` names: app routes by their name,
        blueprint routes by ``"blueprint.name"``."""
        on_blueprint = "." in view
        name = view.rsplit(".", 1)[-1]
        found = []
        for handler in model.handlers:
            if handler.framework != "sanic" or handler.path is None or handler.function.class_info is not None:
                continue
            registration = handler.registration
            call = registration if isinstance(registration, ast.Call) else None
            receiver = call.func.value if call is not None and isinstance(call.func, ast.Attribute) else None
            if receiver is None or is_blueprint(model, receiver) != on_blueprint:
                continue
            route_name = string(keyword(call, "name")) if call is not None else None
            if (route_name or handler.function.name) == name:
                found.append(handler)
        return found
