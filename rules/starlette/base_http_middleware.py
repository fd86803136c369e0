from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import BASE_HTTP_MIDDLEWARE
from ..model import FunctionInfo, SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity

#: the class of context variables, whose values do not cross ``BaseHTTPMiddleware``'s task boundary
CONTEXT_VARIABLES = frozenset({"contextvars.ContextVar"})
_WHY = "which breaks task cancellation and `contextvars` propagation; write a pure ASGI middleware instead"


class BaseHttpMiddleware(Rule):
    """
    ## What it does
    Finds middleware built on Starlette's `BaseHTTPMiddleware`: classes that subclass it, functions
    registered with FastAPI's (or Starlette's) `@app.middleware("http")`, which wraps them in
    `BaseHTTPMiddleware`, and `dispatch=` functions handed to it through `Middleware(...)`,
    `app.add_middleware(...)` or `BaseHTTPMiddleware(app, dispatch=...)`.

    `@app.middleware("http")` is FastAPI's documented idiom; it is reported only where the
    wrapper's limits bite: the function reads or sets a `ContextVar`, or goes through the
    response body (`response.body_iterator`). Setting headers, timing and logging around
    `call_next()` are left alone.

    ## Why is this bad?
    `BaseHTTPMiddleware` runs the rest of the app in a separate task and passes the response back
    through a memory stream. That has long-standing consequences:

    - `contextvars` set by the endpoint (or by a dependency) are not visible to the middleware
      after `call_next()`, and values the middleware sets can be lost downstream;
    - when the client disconnects, cancellation does not reach the endpoint the way it does
      without the middleware, so work goes on for a request nobody waits for;
    - every response, streaming ones included, is copied through the extra task and stream.

    Pure ASGI middleware is a plain `async def __call__(self, scope, receive, send)` that wraps
    the next app: no extra task, no stream, cancellation and context work as usual.

    ## Example
    ```python
    import time

    from starlette.middleware.base import BaseHTTPMiddleware


    class TimingMiddleware(BaseHTTPMiddleware):
        async def dispatch(self, request, call_next):
            start = time.perf_counter()
            response = await call_next(request)
            response.headers["x-process-time"] = f"{time.perf_counter() - start:.4f}"
            return response
    ```

    With FastAPI the same middleware is usually written as
    `@app.middleware("http")` over an `async def add_timing(request, call_next)`, which is
    `BaseHTTPMiddleware` underneath.

    ## Use instead
    ```python
    import time

    from starlette.datastructures import MutableHeaders


    class TimingMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            start = time.perf_counter()

            async def send_with_timing(message):
                if message["type"] == "http.response.start":
                    headers = MutableHeaders(scope=message)
                    headers["x-process-time"] = f"{time.perf_counter() - start:.4f}"
                await send(message)

            await self.app(scope, receive, send_with_timing)
    ```

    Register it like any other: `Middleware(TimingMiddleware)` in `Starlette(middleware=[...])`,
    or `app.add_middleware(TimingMiddleware)` in FastAPI.

    ## Fix safety
    There is no automatic fix: the rewrite moves the logic from "request in, response out" to
    ASGI messages (`http.response.start` for status and headers, `http.response.body` for the
    body), which needs a person to decide where each step goes.
    """

    code = "STA001"
    name = "base-http-middleware"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`BaseHTTPMiddleware` (or `@app.middleware(\"http\")`) breaks cancellation and context propagation"
    guidelines = (
        Quote(
            "starlette",
            "Middleware Implementation and Ordering",
            "**CRITICAL**: Avoid `BaseHTTPMiddleware` when possible due to cancellation and context propagation issues",
        ),
        Quote(
            "starlette",
            "Middleware Implementation and Ordering",
            "Use pure ASGI middleware (function-based) for better control and reliability",
        ),
        Quote(
            "starlette",
            "Known Issues and Mitigations",
            "**BaseHTTPMiddleware Cancellation**: Avoid `BaseHTTPMiddleware` in production; use pure ASGI middleware instead",
        ),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        for middleware in model.middleware:
            if middleware.kind != "base-http":
                continue
            registration = middleware.registration
            if isinstance(registration, ast.ClassDef):
                # Only the class that names BaseHTTPMiddleware: its subclasses are reported through it.
                for base in registration.bases:
                    if model.qualified_name(base) == BASE_HTTP_MIDDLEWARE:
                        message = f"`{registration.name}` subclasses `BaseHTTPMiddleware`, {_WHY}"
                        yield self.diagnostic(base, model, message)
            elif middleware.function is not None and registration in middleware.function.node.decorator_list:
                if not _meets_the_limits(middleware.function, model):
                    continue  # the documented idiom, for work the wrapper does not break (headers, timing, logging)
                title = "FastAPI" if middleware.framework == "fastapi" else "Starlette"
                message = (
                    f"{title}'s `@{model.segment(registration.func)}(\"http\")` "  # type: ignore[attr-defined]
                    f"wraps `{middleware.function.name}` in `BaseHTTPMiddleware`, {_WHY}"
                )
                yield self.diagnostic(registration, model, message)
            elif not _implements_decorator(registration, model):  # type: ignore[arg-type]
                dispatch = f"`{middleware.function.name}`" if middleware.function else "a `dispatch` function"
                callee = model.segment(registration.func)  # type: ignore[attr-defined]
                message = f"`{callee}(...)` runs {dispatch} as a `BaseHTTPMiddleware` dispatch, {_WHY}"
                yield self.diagnostic(registration, model, message)


def _meets_the_limits(function: FunctionInfo, model: SemanticModel) -> bool:
    """The middleware does what ``BaseHTTPMiddleware`` breaks: reads or sets a ``ContextVar``, or
    goes through the response body (``response.body_iterator``)."""
    for attribute in model.nodes_in(function, ast.Attribute):
        assert isinstance(attribute, ast.Attribute)
        if attribute.attr == "body_iterator":
            return True
        if attribute.attr in ("get", "set", "reset") and model.instance_type(attribute.value) in CONTEXT_VARIABLES:
            return True
    return False


def _implements_decorator(call: ast.Call, model: SemanticModel) -> bool:
    """True for ``self.add_middleware(BaseHTTPMiddleware, dispatch=func)`` where ``func`` is a
    parameter: an application class implementing ``@app.middleware("http")`` itself (Starlette's
    and FastAPI's own source), whose users are reported where they use the decorator."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    dispatch = argument(call, 1, "dispatch")
    if not (isinstance(receiver, ast.Name) and receiver.id == "self" and isinstance(dispatch, ast.Name)):
        return False
    binding = model.lookup(dispatch.id, dispatch)
    return binding is not None and binding.kind == "parameter"
