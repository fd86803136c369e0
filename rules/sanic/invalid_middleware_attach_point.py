from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..frameworks.sanic import MIDDLEWARE_ATTACH_POINTS, may_be_sanic, replace_string, string, within_one_edit

#: registration methods -> the position of their ``attach_to`` argument
REGISTRATIONS = {"middleware": 0, "register_middleware": 1, "register_named_middleware": 2}


class InvalidMiddlewareAttachPoint(Rule):
    """
    ## What it does
    Finds Sanic middleware registered with an attach point other than `"request"` or
    `"response"`: `@app.middleware("requests")`, `@bp.middleware("http")`,
    `app.register_middleware(add_headers, attach_to="respone")`. The
    `@app.on_request` / `@app.on_response` decorators take no attach point and are fine.

    ## Why is this bad?
    Sanic looks the attach point up by name: an unknown one raises `KeyError` when the middleware
    is registered, which for an app is when the module is imported and for a blueprint when it is
    added to the app, so the application does not start. (`"http"` is Starlette's and FastAPI's
    spelling.) A capitalised `"Request"` passes in some code paths and is treated as a response
    middleware in others.

    ## Example
    ```python
    @app.middleware("requests")
    async def authenticate(request):
        ...
    ```

    ## Use instead
    ```python
    @app.on_request
    async def authenticate(request):
        ...
    ```
    or `@app.middleware("request")`.

    ## Fix safety
    Safe, when the attach point is one edit (or a change of case) away from `"request"` or
    `"response"`: the fix writes the name Sanic knows, keeping the string's quotes. Other values
    are not fixed, since which of the two was meant is not clear.
    """

    code = "SAN015"
    name = "invalid-middleware-attach-point"
    framework = "sanic"
    severity = Severity.ERROR
    summary = 'Sanic middleware attached to something other than `"request"` or `"response"`'
    guidelines = (
        Quote("sanic", "Middleware", "Create proper middleware functions"),
        Quote("sanic", "Sanic Project Structure", "Implement proper middleware organization"),
        Quote("sanic", "Key Principles", "Create robust routing and middleware systems"),
    )
    node_types = (ast.Call,)
    callees = frozenset(REGISTRATIONS)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use the attach point Sanic knows"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in REGISTRATIONS and may_be_sanic(model, func.value)):
            return
        position = REGISTRATIONS[func.attr]
        attach = argument(node, position, "attach_to")
        if func.attr == "middleware" and string(attach) is None:
            attach = argument(node, 1, "attach_to")  # ``app.middleware(function, "request")``
        value = string(attach)
        if value is None or value in MIDDLEWARE_ATTACH_POINTS:
            return
        meant = nearest_attach_point(value)
        crash = "" if value.lower() in MIDDLEWARE_ATTACH_POINTS else ", and raises `KeyError` when registering this one"
        hint = f'; use `"{meant}"`' if meant else '; use `"request"` or `"response"` (or `@app.on_request`/`@app.on_response`)'
        message = f'`"{value}"` is not a middleware attach point: Sanic knows only "request" and "response"{crash}{hint}'
        fix = Applicability.SAFE if meant else None
        yield self.diagnostic(attach, model, message, fix=fix, data={"attach_to": meant} if meant else None)  # type: ignore[arg-type]

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        meant = diagnostic.data.get("attach_to")
        literal = context.node_at(diagnostic.range, ast.Constant)
        if meant not in MIDDLEWARE_ATTACH_POINTS or literal is None:
            return None
        edit = replace_string(context, literal, meant)
        return Fix(f'Use `"{meant}"`', Applicability.SAFE, (edit,))


def nearest_attach_point(value: str) -> str | None:
    """The attach point ``value`` is one edit (or a change of case) away from, if just one."""
    folded = value.strip().lower()
    close = [point for point in MIDDLEWARE_ATTACH_POINTS if within_one_edit(folded, point)]
    return close[0] if len(close) == 1 else None

