from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..frameworks.aiohttp import is_aiohttp_handler, is_middleware, qualified

EXCEPTIONS_PREFIX = "aiohttp.web.HTTP"
_TRY_STATEMENTS = (ast.Try, getattr(ast, "TryStar", ast.Try))  # ``try``/``except*`` (3.11+)


class ReturnedHttpException(Rule):
    """
    ## What it does
    Finds an aiohttp HTTP exception (`web.HTTPFound`, `web.HTTPNotFound`, any `web.HTTP...`)
    returned, instead of raised, from an aiohttp handler or middleware.

    ## Why is this bad?
    HTTP exceptions are meant to be raised. aiohttp 3 still accepts a returned one, with a
    `DeprecationWarning`; in aiohttp 4 they are no longer responses at all, and returning one
    fails every request that takes that path. Middlewares also see the difference: error
    handling and logging middlewares catch raised HTTP exceptions, and never see returned ones.

    ## Example
    ```python
    @routes.post("/login")
    async def login(request):
        form = await request.post()
        if not await check_password(form["user"], form["password"]):
            return web.HTTPFound("/login?failed=1")
        return web.HTTPFound("/")
    ```

    ## Use instead
    ```python
    @routes.post("/login")
    async def login(request):
        form = await request.post()
        if not await check_password(form["user"], form["password"]):
            raise web.HTTPFound("/login?failed=1")
        raise web.HTTPFound("/")
    ```

    ## Fix safety
    Safe: the fix turns `return` into `raise`, and aiohttp sends the same response for the raised
    exception. Inside a `try` block with `except` clauses the fix is unsafe: a handler such as
    `except Exception` would now catch the exception.
    """

    code = "AIO012"
    name = "returned-http-exception"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp HTTP exception returned instead of raised"
    guidelines = (
        Quote("aiohttp", "Error Handling", "Implement effective error responses"),
        Quote("aiohttp", "Error Handling", "Create proper exception handling"),
        Quote("aiohttp", "Key Principles", "Apply effective error handling"),
        Quote("aiohttp", "Middleware", "Use proper error handling"),
        Quote("aiohttp", "Error Handling", "Create effective server-side errors"),
    )
    node_types = (ast.Return,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Raise the exception instead of returning it"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Return)
        if not isinstance(node.value, ast.Call):
            return
        name = qualified(model, node.value.func)
        if name is None or not name.startswith(EXCEPTIONS_PREFIX) or "." in name[len("aiohttp.web.") :]:
            return
        function = model.enclosing_function(node)
        if not (is_aiohttp_handler(function) or is_middleware(model, function)):
            return
        where = model.context_label(node) if function.handler else f"middleware `{function.qualname}`"  # type: ignore[union-attr]
        shown = name.removeprefix("aiohttp.")
        yield self.diagnostic(
            node,
            model,
            f"`{shown}` is returned from {where}: HTTP exceptions must be raised (returning them is deprecated, "
            "and fails in aiohttp 4); use `raise`",
            fix=Applicability.UNSAFE if _inside_try(model, node) else Applicability.SAFE,
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        statement = context.node_at(diagnostic.range, ast.Return)
        if statement is None:
            return None
        start = context.model.range_of(statement)
        keyword = Range(start.start_line, start.start_column, start.start_line, start.start_column + len("return"))
        applicability = Applicability.UNSAFE if _inside_try(context.model, statement) else Applicability.SAFE
        return Fix(self.fix_title, applicability, (Edit(keyword, "raise"),))


def _inside_try(model: SemanticModel, node: ast.AST) -> bool:
    """True when ``node`` is in the body of a ``try`` with ``except`` clauses, within its function."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        if isinstance(ancestor, _TRY_STATEMENTS) and ancestor.handlers and any(child is s for s in ancestor.body):
            return True
        child = ancestor
    return False
