from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified, with_arguments

if TYPE_CHECKING:
    import libcst as cst

#: aiohttp classes whose ``loop=`` argument is deprecated (and gone in aiohttp 4)
DEPRECATED_LOOP = frozenset(
    {
        "aiohttp.web.Application",
        "aiohttp.ClientSession",
        "aiohttp.BaseConnector",
        "aiohttp.TCPConnector",
        "aiohttp.UnixConnector",
        "aiohttp.NamedPipeConnector",
        "aiohttp.CookieJar",
        "aiohttp.DummyCookieJar",
    }
)


class DeprecatedLoopArgument(Rule):
    """
    ## What it does
    Finds `loop=` passed to `web.Application`, `ClientSession`, the connectors (`TCPConnector`,
    `UnixConnector`, `NamedPipeConnector`) and the cookie jars.

    ## Why is this bad?
    These objects take the running event loop themselves. The argument has been deprecated
    since aiohttp 2 (`web.Application(loop=...)` warns `loop argument is deprecated`), aiohttp 4
    removes it (`TypeError: unexpected keyword argument 'loop'`), and a loop other than the
    running one makes a session fail (`Session and connector has to use same event loop`).

    `web.run_app(app, loop=...)` is not flagged: there `loop` is a supported argument that
    chooses the loop `run_app` runs the application on.

    ## Example
    ```python
    async def make_client():
        loop = asyncio.get_running_loop()
        return aiohttp.ClientSession(loop=loop, timeout=TIMEOUT)
    ```

    ## Use instead
    ```python
    async def make_client():
        return aiohttp.ClientSession(timeout=TIMEOUT)
    ```

    ## Fix safety
    Safe: the fix drops the argument, and the object uses the running loop, which is the loop
    such code passes. Code that passes another thread's loop on purpose fails with or without
    the argument, and needs the object created on that thread instead.
    """

    code = "AIO011"
    name = "deprecated-loop-argument"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "`loop=` passed to an aiohttp class (deprecated, removed in aiohttp 4)"
    guidelines = (
        Quote("aiohttp", "Server-Side Development", "Use proper application setup"),
        Quote("aiohttp", "Client-Side Development", "Create proper ClientSession usage"),
        Quote("aiohttp", "Key Principles", "Follow established aiohttp best practices"),
    )
    node_types = (ast.Call,)
    callees = callees_of(DEPRECATED_LOOP)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Remove the `loop=` argument"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = qualified(model, node.func)
        if name not in DEPRECATED_LOOP:
            return
        loop = keyword(node, "loop")
        if loop is None:
            return
        argument = next(k for k in node.keywords if k.arg == "loop")
        yield self.diagnostic(
            argument,
            model,
            f"`loop=` passed to `{name}()` is deprecated and removed in aiohttp 4; it uses the running loop "
            "by itself, so drop the argument",
            fix=Applicability.SAFE,
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        argument = context.node_at(diagnostic.range, ast.keyword)
        call = context.model.parent(argument) if argument is not None else None
        if not isinstance(call, ast.Call):
            return None

        def without_loop(expression: cst.BaseExpression) -> cst.BaseExpression:
            assert isinstance(expression, cst.Call)
            kept = [a for a in expression.args if not (a.keyword is not None and a.keyword.value == "loop")]
            return with_arguments(expression, kept)

        return Fix(self.fix_title, Applicability.SAFE, (context.rewrite_expression(call, without_loop),))
