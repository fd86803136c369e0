from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import header_range, positional_parameters


class MiddlewareSignatureMismatch(Rule):
    """
    ## What it does
    Finds Sanic middleware whose parameters do not match how Sanic calls it: response middleware
    (`@app.on_response`, `@app.middleware("response")`, `register_middleware(f, "response")`) that
    takes fewer than two positional parameters, and request middleware that requires more than
    one.

    ## Why is this bad?
    Sanic calls request middleware as `middleware(request)` and response middleware as
    `middleware(request, response)`. A response middleware written as `async def add_headers(response)`
    raises `TypeError` after every handler, so every request ends in a 500 error (and the handler's
    work is lost); a request middleware that asks for `(request, response)` fails before any
    handler runs.

    ## Example
    ```python
    @app.on_response
    async def add_headers(response):
        response.headers["X-Frame-Options"] = "DENY"
    ```

    ## Use instead
    ```python
    @app.on_response
    async def add_headers(request, response):
        response.headers["X-Frame-Options"] = "DENY"
    ```

    ## Fix safety
    There is no automatic fix: whether the single parameter was meant to be the request or the
    response depends on how the body uses it.
    """

    code = "SAN025"
    name = "middleware-signature-mismatch"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Sanic middleware whose parameters do not match `(request)` / `(request, response)`"
    guidelines = (
        Quote("sanic", "Middleware", "Use appropriate response processing"),
        Quote("sanic", "Middleware", "Create proper middleware functions"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        function = model.function_info(node)
        callback = model.callback_of(function)
        if function is None or callback is None or callback.framework != "sanic" or callback.kind != "middleware":
            return
        if node.args.vararg is not None or callback.event not in ("request", "response"):
            return
        parameters = positional_parameters(function)
        required = len(parameters) - len(node.args.defaults)
        if callback.event == "response" and len(parameters) < 2:
            expected, problem = "(request, response)", f"takes {len(parameters)} positional parameter(s)"
        elif callback.event == "request" and required > 1:
            expected, problem = "(request)", f"requires {required} positional parameters"
        else:
            return
        message = (
            f"{callback.event} middleware `{node.name}` {problem}, but Sanic calls it as `{node.name}{expected}`: "
            f"every request then fails with `TypeError`; define it as `{node.name}{expected}`"
        )
        yield Diagnostic(self.code, message, header_range(model, node), self.severity)
