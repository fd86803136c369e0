from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

SESSION = "aiohttp.ClientSession"


class ClientSessionOutsideCoroutine(Rule):
    """
    ## What it does
    Finds `aiohttp.ClientSession()` created at module level, in a class body (both run at import
    time), or in a plain `def` such as `__init__`.

    ## Why is this bad?
    A session binds to the event loop running when it is created. Current aiohttp versions look
    the loop up with `asyncio.get_running_loop()`, so creating a session where no loop runs (at
    import, or in a constructor called before `asyncio.run`) raises `RuntimeError: no running
    event loop`; older versions silently bound it to a loop that may never run, or to another
    loop than the one that later uses it. A plain `def` works only as long as every caller
    happens to call it from a coroutine, which nothing checks. Import-time sessions are also
    never closed.

    A `lambda` (a factory called later) is left alone.

    ## Example
    ```python
    import aiohttp

    class GitHub:
        def __init__(self, token):
            self.session = aiohttp.ClientSession(headers={"Authorization": f"token {token}"})
    ```

    ## Use instead
    Create the session in a coroutine, and give it a matching close:
    ```python
    import aiohttp

    class GitHub:
        def __init__(self, token):
            self.token = token
            self.session = None

        async def __aenter__(self):
            self.session = aiohttp.ClientSession(headers={"Authorization": f"token {self.token}"})
            return self

        async def __aexit__(self, *exc_info):
            await self.session.close()
    ```

    ## Fix safety
    There is no automatic fix: moving the creation into a coroutine changes the object's
    life cycle (who creates and who closes it).
    """

    code = "AIO004"
    name = "client-session-outside-coroutine"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "`ClientSession()` created at import time or in a non-async function"
    guidelines = (
        Quote("aiohttp", "Client-Side Development", "Create proper ClientSession usage"),
        Quote("aiohttp", "Server-Side Development", "Use proper application setup"),
    )
    node_types = (ast.Call,)
    callees = callees_of((SESSION,))

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != SESSION:
            return
        scope = model.scope(node)
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        if scope.kind == "lambda" or model.in_running_loop(node):  # a notebook cell runs in a loop
            return
        if scope.kind in ("module", "class"):
            where = "at module level" if scope.kind == "module" else f"in the body of class `{scope.node.name}`"  # type: ignore[attr-defined]
            yield self.diagnostic(
                node,
                model,
                f"`aiohttp.ClientSession()` is created {where}, at import time, where no event loop runs "
                "(`RuntimeError: no running event loop`); create it in a coroutine, e.g. a `cleanup_ctx` "
                "generator, and close it there",
            )
        elif scope.function is not None and not scope.function.is_async:
            yield self.diagnostic(
                node,
                model,
                f"`aiohttp.ClientSession()` is created in {model.context_label(node)}, a plain `def`: it fails "
                "unless a loop is already running when it is called; create the session in a coroutine "
                "(an `async` factory, `__aenter__`, or `cleanup_ctx`)",
            )
