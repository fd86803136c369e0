from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import application_framework
from ..model import FunctionInfo, SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.starlette import display

APPLICATIONS = frozenset(
    {"starlette.applications.Starlette", "starlette.Starlette", "fastapi.FastAPI", "fastapi.applications.FastAPI"}
)
#: Starlette calls an exception handler as `handler(request, exc)`
HANDLER_ARGUMENTS = 2


class ExceptionHandlerSignature(Rule):
    """
    ## What it does
    Finds an exception handler of this module that cannot be called as `handler(request, exc)`:
    registered in `Starlette(exception_handlers={...})` / `FastAPI(exception_handlers={...})`,
    with `app.add_exception_handler(...)` or `@app.exception_handler(...)`, it takes one
    parameter, or three, or more required ones.

    ## Why is this bad?
    Starlette calls every exception handler with two arguments, the request (or WebSocket) and
    the exception. A handler with another signature fails with `TypeError` exactly when the
    error it should answer happens, so the client gets a bare 500 instead of the custom
    response, and the original error is buried under the `TypeError`.

    ## Example
    ```python
    async def not_found(request):
        return HTMLResponse("<h1>Not found</h1>", status_code=404)

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    ```

    ## Use instead
    ```python
    async def not_found(request, exc):
        return HTMLResponse("<h1>Not found</h1>", status_code=exc.status_code)

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    ```

    ## Fix safety
    There is no automatic fix: the handler's body decides what the missing or extra
    parameter should be.
    """

    code = "STA036"
    name = "exception-handler-signature"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "Exception handler that cannot be called as `handler(request, exc)`"
    guidelines = (
        Quote(
            "starlette",
            "Exception Handling and Error Management",
            "Define custom exception handlers for different error types and status codes",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(APPLICATIONS, ["add_exception_handler", "exception_handler"])

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        for reported, function in _registered(node, model):
            if function is None or _accepts_two(function):
                continue
            message = (
                f"exception handler `{function.name}` is called as `{function.name}(request, exc)`, which its "
                f"signature `({_parameters(function)})` cannot take: it fails with `TypeError` when the error happens; "
                f"define it as `async def {function.name}(request, exc)`"
            )
            yield self.diagnostic(reported, model, message)


def _registered(node: ast.Call, model: SemanticModel) -> list[tuple[ast.expr, FunctionInfo | None]]:
    """The handlers a call registers: (the node to report, the function of this module)."""
    if model.qualified_name(node.func) in APPLICATIONS:
        handlers = display(keyword(node, "exception_handlers"), model)
        if not isinstance(handlers, ast.Dict):
            return []
        return [(value, model.function_def(value)) for value in handlers.values]
    if not isinstance(node.func, ast.Attribute) or application_framework(model, node.func.value) is None:
        return []
    if node.func.attr == "add_exception_handler":
        handler = argument(node, 1, "handler")
        return [(handler, model.function_def(handler))] if handler is not None else []
    parent = model.parent(node)
    if node.func.attr == "exception_handler" and isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if node in parent.decorator_list:
            return [(node, model.function_info(parent))]
    return []


def _accepts_two(function: FunctionInfo) -> bool:
    args = function.node.args
    positional = [*args.posonlyargs, *args.args]
    if function.class_info is not None and positional:
        positional = positional[1:]  # a bound method
    required = len(positional) - len(args.defaults)
    required_keywords = [a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if required_keywords:
        return False
    return required <= HANDLER_ARGUMENTS and (len(positional) >= HANDLER_ARGUMENTS or args.vararg is not None)


def _parameters(function: FunctionInfo) -> str:
    return ", ".join(a.arg for a in (*function.node.args.posonlyargs, *function.node.args.args))
