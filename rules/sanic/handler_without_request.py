from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import header_range, is_sanic_handler, path_parameters, positional_parameters


class HandlerWithoutRequest(Rule):
    """
    ## What it does
    Finds Sanic handlers whose signature has no room for the request: Sanic calls an HTTP handler
    as `handler(request, **path_parameters)` and a websocket handler as
    `handler(request, ws, **path_parameters)` (methods of an `HTTPMethodView` get `self` first).
    It reports handlers

    - with no positional parameter (websocket handlers: fewer than two) and no `*args`;
    - whose first parameter is named after one of the route's path parameters
      (`@app.get("/users/<user_id>")` with `def get_user(user_id)`), so the request lands in it.

    ## Why is this bad?
    The route registers without complaint, and every request to it fails with a `TypeError`
    (`takes 0 positional arguments but 1 was given`, or `got multiple values for argument
    'user_id'`): the client gets a 500 error and the log a traceback.

    ## Example
    ```python
    @app.get("/health")
    async def health():
        return text("ok")


    @app.get("/users/<user_id:int>")
    async def get_user(user_id):
        return json(await load_user(user_id))
    ```

    ## Use instead
    ```python
    @app.get("/health")
    async def health(request):
        return text("ok")


    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        return json(await load_user(user_id))
    ```

    ## Fix safety
    There is no automatic fix: adding a parameter changes how the function's other callers (tests,
    helpers) call it.
    """

    code = "SAN002"
    name = "handler-without-request"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Sanic handler takes no request parameter: every request fails with `TypeError`"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Use proper request object access"),
        Quote("sanic", "Routing", "Implement effective route parameters"),
        Quote("sanic", "WebSocket Support", "Use proper WebSocket route handlers"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        function = model.function_info(node)
        if function is None or not is_sanic_handler(function) or node.args.vararg is not None:
            return
        handler = function.handler
        assert handler is not None
        parameters = positional_parameters(function)
        websocket = handler.kind == "websocket"
        needed = 2 if websocket else 1
        expected = "`(request, ws)`" if websocket else "the request"
        where = f"Sanic {'websocket ' if websocket else ''}handler `{function.qualname}`"
        requests = "every connection to it fails" if websocket else "every request to it fails"
        if len(parameters) < needed:
            count = "no positional parameter" if not parameters else "one positional parameter"
            message = (
                f"{where} takes {count}, but Sanic calls it with {expected}: {requests} with "
                f"`TypeError`; take {'`request, ws`' if websocket else '`request`'} first"
            )
            yield Diagnostic(self.code, message, header_range(model, node), self.severity)
            return
        first = parameters[0].arg
        if first in path_parameters(handler.path):
            message = (
                f"{where} takes path parameter `{first}` first, but Sanic passes the request first and "
                f"`{first}` by keyword: {requests} with `TypeError: got multiple values for argument "
                f"'{first}'`; take `request` before `{first}`"
            )
            yield Diagnostic(self.code, message, header_range(model, node), self.severity)
