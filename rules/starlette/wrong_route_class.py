from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel, argument
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.starlette import WEBSOCKET_TYPES, display

ROUTES = frozenset({"starlette.routing.Route", "fastapi.routing.Route"})
STATIC_FILES = frozenset({"starlette.staticfiles.StaticFiles", "fastapi.staticfiles.StaticFiles"})
WEBSOCKET_ENDPOINTS = ("starlette.endpoints.WebSocketEndpoint",)


class WrongRouteClass(Rule):
    """
    ## What it does
    Finds a `Route` whose endpoint another route class is for:

    - `Route("/static", StaticFiles(directory="static"))`: a static files application needs
      `Mount`;
    - `Route("/ws", endpoint)` where the endpoint is a WebSocket endpoint (a `WebSocketEndpoint`
      subclass, or a function whose first parameter is annotated `WebSocket` or that calls
      `accept()` on it): it needs
      `WebSocketRoute`.

    ## Why is this bad?
    `Route` matches one path exactly, for HTTP requests only. `StaticFiles` under a `Route`
    serves nothing: `/static/app.css` does not match `/static`, so every asset is a 404.
    A WebSocket endpoint under a `Route` is never reached by a WebSocket handshake (the client
    gets a 403), while plain HTTP requests call it with a `Request` it cannot use.

    ## Example
    ```python
    routes = [
        Route("/static", StaticFiles(directory="static"), name="static"),
        Route("/ws", feed),
    ]
    ```

    ## Use instead
    ```python
    routes = [
        Mount("/static", StaticFiles(directory="static"), name="static"),
        WebSocketRoute("/ws", feed),
    ]
    ```

    ## Fix safety
    Safe: the fix replaces `Route` with `Mount` or `WebSocketRoute` (imported from
    `starlette.routing` if needed), the only class under which the endpoint works. No fix when
    the route passes `methods=` or other HTTP-only options, or `StaticFiles` as `endpoint=`.
    """

    code = "STA032"
    name = "wrong-route-class"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`StaticFiles` or a WebSocket endpoint under `Route`: use `Mount` / `WebSocketRoute`"
    guidelines = (
        Quote("starlette", "WebSocket Management", "Use `WebSocketRoute` for WebSocket endpoints in routing configuration"),
        Quote("starlette", "Template and Static File Handling", "Use `StaticFiles` with `Mount` for serving static assets efficiently"),
    )
    node_types = (ast.Call,)
    callees = callees_of(ROUTES)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use the route class the endpoint needs"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in ROUTES:
            return
        endpoint = argument(node, 1, "endpoint")
        if endpoint is None:
            return
        if _is_static_files(endpoint, model):
            instead, why = "Mount", "`StaticFiles` under a `Route` matches only the exact path, so every file is a 404"
        elif _is_websocket_endpoint(endpoint, model):
            instead, why = "WebSocketRoute", f"`{model.segment(endpoint)}` is a WebSocket endpoint, which a `Route` never hands a WebSocket"
        else:
            return
        options = {kw.arg for kw in node.keywords} - {"path", "endpoint", "name"}
        # Mount takes the application as `app=`, not `endpoint=`
        renamed = instead == "Mount" and any(kw.arg == "endpoint" for kw in node.keywords)
        fix = Applicability.SAFE if not options and not renamed and len(node.args) <= 2 else None
        message = f"{why}; use `{instead}({model.segment(node.args[0]) if node.args else '...'}, ...)`"
        yield self.diagnostic(node, model, message, fix=fix, data={"instead": instead})

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.Call)
        if node is None:
            return None
        name, import_edit = context.import_name("starlette.routing", diagnostic.data["instead"])
        edits = [context.replace(node.func, name)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(f"Use `{diagnostic.data['instead']}`", Applicability.SAFE, tuple(edits))


def _is_static_files(endpoint: ast.expr, model: SemanticModel) -> bool:
    value = display(endpoint, model)
    return isinstance(value, ast.Call) and model.qualified_name(value.func) in STATIC_FILES


def _is_websocket_endpoint(endpoint: ast.expr, model: SemanticModel) -> bool:
    class_info = model.class_def(endpoint)
    if class_info is not None:
        return model.is_subclass(class_info, *WEBSOCKET_ENDPOINTS)
    function = model.function_def(endpoint)
    return function is not None and _takes_websocket(function, model)


def _takes_websocket(function: FunctionInfo, model: SemanticModel) -> bool:
    """The function's first parameter is annotated `WebSocket`, or the function calls
    `.accept()` on it (`send_text` and the like have look-alikes on mailers and queues)."""
    positional = [*function.node.args.posonlyargs, *function.node.args.args]
    if not positional:
        return False
    first = positional[0]
    if first.annotation is not None:
        return model.annotation_type(first.annotation) in WEBSOCKET_TYPES
    for call in model.nodes_in(function, ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "accept" and isinstance(func.value, ast.Name):
            if func.value.id == first.arg:
                return True
    return False
