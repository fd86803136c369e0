from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import header_range, old_style_factory, positional_parameters

_FAILURE = 'aiohttp answers the request with a 500 ("Missing return statement on request handler")'


class MiddlewareWithoutResponse(Rule):
    """
    ## What it does
    Finds aiohttp middlewares with a path that returns no response: a bare `return` or
    `return None`, or a body whose end can be reached, typically because the result of
    `await handler(request)` is dropped or because an `if` or `except` branch ends without a
    `return`. It checks `@web.middleware` coroutines, `(request, handler)` coroutines registered
    on an application's `middlewares`, and the inner handler of old-style middleware factories.

    ## Why is this bad?
    A middleware stands in the chain between aiohttp and the handler: what it returns is the
    response. When it returns `None`, aiohttp has nothing to send; it logs "Missing return
    statement on request handler" and answers 500 Internal Server Error, after the handler has
    done its work (the order is placed, the row written). A middleware further out that reads
    `response.headers` fails with `AttributeError` first. The path is often a rare one (the
    authenticated branch, an error that is logged), so tests of the happy path do not see it.

    ## Example
    ```python
    from aiohttp import web

    @web.middleware
    async def timing(request, handler):
        started = time.monotonic()
        await handler(request)
        log.info("%s took %.3fs", request.path, time.monotonic() - started)

    @web.middleware
    async def auth(request, handler):
        if request.path.startswith("/public/"):
            return await handler(request)
        if "Authorization" not in request.headers:
            return web.json_response({"error": "unauthorized"}, status=401)

    app = web.Application(middlewares=[timing, auth])
    ```

    ## Use instead
    ```python
    from aiohttp import web

    @web.middleware
    async def timing(request, handler):
        started = time.monotonic()
        response = await handler(request)
        log.info("%s took %.3fs", request.path, time.monotonic() - started)
        return response

    @web.middleware
    async def auth(request, handler):
        if request.path.startswith("/public/"):
            return await handler(request)
        if "Authorization" not in request.headers:
            return web.json_response({"error": "unauthorized"}, status=401)
        return await handler(request)

    app = web.Application(middlewares=[timing, auth])
    ```

    ## Fix safety
    No automatic fix: which response a path should return (the handler's, an error response,
    or none, by raising an `HTTPException`) is the middleware's decision.
    """

    code = "AIO020"
    name = "middleware-without-response"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp middleware with a path that returns no response"
    guidelines = (
        Quote("aiohttp", "Middleware", "Create appropriate response postprocessing"),
        Quote("aiohttp", "Response Generation", "Create proper response types"),
        Quote("aiohttp", "Key Principles", "Create robust request and response handling"),
        Quote("aiohttp", "Server-Side Development", "Create effective response generation"),
    )
    node_types = (ast.AsyncFunctionDef,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncFunctionDef)
        function = model.function_info(node)
        parameters = _parameters(model, function) if function is not None else None
        if function is None or parameters is None or function.yields or _is_stub(node):
            return
        request, handler = parameters
        where = f"aiohttp middleware `{function.qualname}`"
        call = f"await {handler}({request})"
        for statement in model.nodes_in(function, ast.Return):
            assert isinstance(statement, ast.Return)
            if statement.value is None or (isinstance(statement.value, ast.Constant) and statement.value.value is None):
                yield self.diagnostic(
                    statement,
                    model,
                    f"`{model.segment(statement)}` in {where} returns no response: {_FAILURE}; return the "
                    f"handler's response (`return {call}`) or a `web.Response`, or raise a `web.HTTPException`",
                )
        if not model.may_complete(node.body):
            return
        dropped = _dropped_handler_call(model, function, handler)
        if dropped is not None:
            yield self.diagnostic(
                dropped,
                model,
                f"the response of `{model.segment(dropped)}` is dropped in {where}, which then reaches its end "
                f"and returns nothing: {_FAILURE}; keep the response and return it (`return {call}`)",
            )
            return
        yield Diagnostic(
            self.code,
            f"{where} can reach the end of its body without returning a response: {_FAILURE}; end every path "
            f"with `return {call}`, another response, or a raised `web.HTTPException`",
            header_range(model, node),
            self.severity,
        )


def _parameters(model: SemanticModel, function: FunctionInfo) -> tuple[str, str] | None:
    """The names under which a middleware receives the request and the next handler, when
    ``function`` is one: a new-style middleware, or the inner handler of an old-style factory."""
    outer = function.outer.function
    if outer is not None and old_style_factory(model, outer) is function:
        return positional_parameters(function)[0].arg, positional_parameters(outer)[1].arg
    if model.aiohttp_middleware_of(function) is None or old_style_factory(model, function) is not None:
        return None
    parameters = positional_parameters(function)
    if function.class_info is not None and len(parameters) == 3:
        parameters = parameters[1:]  # ``@web.middleware async def mw(self, request, handler)``
    return (parameters[0].arg, parameters[1].arg) if len(parameters) == 2 else None


def _is_stub(node: ast.AsyncFunctionDef) -> bool:
    """A body of only a docstring, ``...`` or ``pass``: a declaration, not a middleware."""
    return all(
        isinstance(statement, ast.Pass) or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in node.body
    )


def _dropped_handler_call(model: SemanticModel, function: FunctionInfo, handler: str) -> ast.Expr | None:
    """The first statement ``await handler(...)`` of the middleware's body, whose result is dropped."""
    for statement in model.nodes_in(function, ast.Expr):
        assert isinstance(statement, ast.Expr)
        value = statement.value
        call = value.value if isinstance(value, ast.Await) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == handler):
            continue
        binding = model.lookup(handler, call.func)
        if binding is not None and binding.kind == "parameter":
            return statement
    return None
