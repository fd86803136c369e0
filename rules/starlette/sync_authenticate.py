from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

AUTHENTICATION_BACKENDS = ("starlette.authentication.AuthenticationBackend",)


class SyncAuthenticate(Rule):
    """
    ## What it does
    Finds `def authenticate(self, conn)` without `async` in a subclass of Starlette's
    `AuthenticationBackend`.

    ## Why is this bad?
    `AuthenticationMiddleware` runs `await backend.authenticate(conn)`. A plain method returns a
    tuple (or `None`) instead of a coroutine, and awaiting it fails with
    `TypeError: object tuple can't be used in 'await' expression` on every request, so every
    request gets a 500 instead of being authenticated.

    ## Example
    ```python
    class TokenBackend(AuthenticationBackend):
        def authenticate(self, conn):
            token = conn.headers.get("authorization")
            ...
            return AuthCredentials(["authenticated"]), SimpleUser(name)
    ```

    ## Use instead
    ```python
    class TokenBackend(AuthenticationBackend):
        async def authenticate(self, conn):
            token = conn.headers.get("authorization")
            ...
            return AuthCredentials(["authenticated"]), SimpleUser(name)
    ```

    ## Fix safety
    Unsafe: the fix makes the method `async def`, which is what the middleware needs, but code
    that calls `backend.authenticate(conn)` directly (tests, other backends) now gets a
    coroutine and must await it.
    """

    code = "STA028"
    name = "sync-authenticate"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`AuthenticationBackend.authenticate` defined without `async`: the middleware's `await` fails"
    guidelines = (
        Quote(
            "starlette",
            "Security Implementation",
            "Implement proper authentication backends with `AuthenticationBackend` and `AuthenticationMiddleware`",
        ),
    )
    node_types = (ast.FunctionDef,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Make `authenticate` an `async def`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.FunctionDef)
        if node.name != "authenticate":
            return
        function = model.function_info(node)
        if function is None or function.class_info is None:
            return
        if not model.is_subclass(function.class_info, *AUTHENTICATION_BACKENDS):
            return
        if any(not (isinstance(d, ast.Name) and d.id == "override") for d in node.decorator_list):
            return  # a decorator may return a coroutine function
        message = (
            f"`{function.class_info.name}.authenticate` is a plain `def`: `AuthenticationMiddleware` awaits it, "
            "which fails with `TypeError` on every request; make it `async def authenticate(self, conn)`"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.UNSAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.FunctionDef)
        if node is None:
            return None
        span = context.model.range_of(node)
        at = Range(span.start_line, span.start_column, span.start_line, span.start_column)
        return Fix(self.fix_title, Applicability.UNSAFE, (Edit(at, "async "),))
