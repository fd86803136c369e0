from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import CONNECTION_TYPES, connection_parameter
from ..model import FunctionInfo, MiddlewareInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: ``Request`` methods that consume the body from ``receive``
BODY_READERS = ("body", "json", "form", "stream")


class BodyReadInMiddleware(Rule):
    """
    ## What it does
    Finds HTTP middleware that reads the request body, `await request.body()`, `.json()`,
    `.form()` or `async for chunk in request.stream()`, without handing a replayed body on: in the
    `dispatch` of a `BaseHTTPMiddleware`, in a FastAPI `@app.middleware("http")` function, or in a
    pure ASGI middleware's `__call__` through `Request(scope, receive)`.

    A middleware that defines a replacement `receive` (a nested function whose name contains
    `receive`) or assigns `request._receive` is taken to restore the body, and is not reported.

    ## Why is this bad?
    The body arrives once, as `http.request` messages from `receive`. Whatever the middleware
    reads is gone for the endpoint, which then waits for a body that never comes (the request
    hangs until the client gives up) or sees an empty one. Starlette 0.28 and later re-feed the
    body a `BaseHTTPMiddleware` read with `body()` or `json()`, but not one read with `stream()`
    or `form()`, which leave the endpoint an empty body; pure ASGI middleware gets no such help at
    all; and the whole body is held in memory for every request, however large.

    ## Example
    ```python
    from starlette.requests import Request


    class AuditMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] == "http":
                body = await Request(scope, receive).body()
                audit_log.info("body: %r", body)
            await self.app(scope, receive, send)
    ```

    ## Use instead
    ```python
    from starlette.requests import Request


    class AuditMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            body = await Request(scope, receive).body()
            audit_log.info("body: %r", body)

            async def replay_receive():
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app(scope, replay_receive, send)
    ```

    Better still, leave the body to the endpoint and log there, where it is parsed anyway.

    ## Fix safety
    There is no automatic fix: buffering and replaying the body is a design decision (memory per
    request, size limits, streaming uploads).
    """

    code = "STA005"
    name = "body-read-in-middleware"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "Middleware reads the request body and leaves none for the endpoint"
    guidelines = (
        Quote(
            "starlette",
            "Middleware Implementation and Ordering",
            "Never read `request.body()` in middleware unless you buffer and restore it for downstream handlers",
        ),
        Quote(
            "starlette",
            "Known Issues and Mitigations",
            "**Request Body Consumption**: Never read `request.body()` in middleware without buffering for downstream use",
        ),
    )
    node_types = (ast.Call,)
    callees = frozenset(BODY_READERS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in BODY_READERS):
            return
        function = model.enclosing_function(node)
        middleware = model.middleware_of(function)
        if function is None or middleware is None:
            return
        if not _is_request(node.func.value, function, middleware, model) or _restores_body(function, model):
            return
        where = f"`{function.qualname}`" if middleware.class_info else f"`{function.name}`"
        kind = "`BaseHTTPMiddleware` dispatch" if middleware.kind == "base-http" else "ASGI middleware"
        message = (
            f"`{model.segment(node.func)}()` reads the request body in {kind} {where}, leaving the endpoint "
            "an empty or hanging body; buffer it and pass a `receive` that replays it downstream, or read it in the endpoint"
        )
        yield self.diagnostic(node, model, message)


def _is_request(receiver: ast.expr, function: FunctionInfo, middleware: MiddlewareInfo, model: SemanticModel) -> bool:
    """True when ``receiver`` is the request the middleware handles (or a ``Request`` it builds)."""
    if model.instance_type(receiver) in CONNECTION_TYPES:
        return True
    if middleware.kind != "base-http" or not isinstance(receiver, ast.Name):
        return False
    parameter = connection_parameter(model, function)
    binding = model.lookup(receiver.id, receiver)
    return parameter is not None and binding is not None and binding.node is parameter


def _restores_body(function: FunctionInfo, model: SemanticModel) -> bool:
    """True when the middleware builds a replacement ``receive`` or swaps the request's."""
    if any(inner.outer is function.scope and "receive" in inner.name.lower() for inner in model.functions):
        return True
    return any(
        isinstance(attribute, ast.Attribute) and attribute.attr == "_receive" and isinstance(attribute.ctx, ast.Store)
        for attribute in model.nodes_in(function, ast.Attribute)
    )
