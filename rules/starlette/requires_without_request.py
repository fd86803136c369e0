from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

REQUIRES = frozenset({"starlette.authentication.requires"})
#: the parameter names `requires` looks for, in order
CONNECTION_NAMES = ("request", "websocket")


class RequiresWithoutRequest(Rule):
    """
    ## What it does
    Finds a function decorated with Starlette's `@requires(...)` that has no parameter named
    `request` or `websocket`, e.g. `async def profile(conn)`.

    ## Why is this bad?
    `requires` finds the connection by parameter name. Without a parameter called `request` or
    `websocket` it raises `Exception: No "request" or "websocket" argument on function` when the
    decorator runs, so the module fails to import and the application does not start.

    ## Example
    ```python
    @requires("authenticated")
    async def profile(conn):
        return JSONResponse({"user": conn.user.display_name})
    ```

    ## Use instead
    ```python
    @requires("authenticated")
    async def profile(request):
        return JSONResponse({"user": request.user.display_name})
    ```

    ## Fix safety
    There is no automatic fix: renaming the parameter means renaming its uses, and the function
    may be called with it by keyword.
    """

    code = "STA029"
    name = "requires-without-request"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`@requires()` on a function with no `request` or `websocket` parameter fails at import"
    guidelines = (
        Quote("starlette", "Security Implementation", "Use `@requires()` decorator for route-level permission checks"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        decorator = next((d for d in node.decorator_list if _is_requires(d, model)), None)
        if decorator is None:
            return
        args = node.args
        names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        if any(name in CONNECTION_NAMES for name in names):
            return
        message = (
            f"`@requires(...)` finds the connection by parameter name, and `{node.name}` has no parameter named "
            "`request` or `websocket`: the decorator raises when the module is imported; name the parameter `request`"
        )
        yield self.diagnostic(decorator, model, message)


def _is_requires(decorator: ast.expr, model: SemanticModel) -> bool:
    return isinstance(decorator, ast.Call) and model.qualified_name(decorator.func) in REQUIRES
