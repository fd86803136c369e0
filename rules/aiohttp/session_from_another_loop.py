from __future__ import annotations

import ast
from collections.abc import Iterator

from ..frameworks.aiohttp import qualified
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from .run_app_in_coroutine import RUN_APP

#: objects bound, from their creation, to the event loop they were created on
LOOP_BOUND_FACTORIES = frozenset({
    "aiohttp.ClientSession", "aiohttp.client.ClientSession", "aiohttp.TCPConnector",
    "aiohttp.connector.TCPConnector", "asyncpg.create_pool", "asyncpg.connect",
})  # fmt: skip
#: calls that run a coroutine to completion on a loop of their own: ``asyncio.run`` closes it after
ASYNCIO_RUN = "asyncio.run"
RUN_UNTIL_COMPLETE = "run_until_complete"
#: the aiohttp release from which ``web.run_app()`` makes a new loop unless given ``loop=``
NEW_LOOP_SINCE = (3, 8)


class SessionFromAnotherLoop(Rule):
    """
    ## What it does
    Finds a `web.run_app(...)` that follows, in the same block (the module, an
    `if __name__ == "__main__":` block, a `main()` function), an `asyncio.run(init())` or
    `loop.run_until_complete(init())` whose coroutine `init` of the module creates and keeps an
    `aiohttp.ClientSession` (or a `TCPConnector`, an asyncpg pool or connection): stores it on
    the application, an attribute or a global, or returns it.

    ## Why is this bad?
    The session is bound to the loop that created it. `asyncio.run()` closes that loop when
    `init()` returns, and `web.run_app()` runs the server on a new loop (aiohttp 3.8 and later
    make one unless given `loop=`). The first request that uses the session fails with
    `RuntimeError: ... attached to a different loop` or `Event loop is closed`, or hangs: nothing
    runs the old loop's callbacks.

    ## Example
    ```python
    async def init():
        app = web.Application()
        app["http"] = aiohttp.ClientSession()
        return app


    if __name__ == "__main__":
        app = asyncio.run(init())
        web.run_app(app)
    ```

    ## Use instead
    ```python
    async def http_client(app):
        app["http"] = aiohttp.ClientSession()
        yield
        await app["http"].close()


    def init():
        app = web.Application()
        app.cleanup_ctx.append(http_client)
        return app


    if __name__ == "__main__":
        web.run_app(init())
    ```
    `web.run_app()` also accepts the coroutine itself: `web.run_app(init())` with `async def init()`
    runs it on the server's loop.

    ## Fix safety
    There is no automatic fix: the set-up moves to a start-up hook or into the server's loop.
    """

    code = "AIO047"
    name = "session-from-another-loop"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "`ClientSession` created in `asyncio.run(...)`, then used on the loop `web.run_app()` starts"
    guidelines = (
        Quote("aiohttp", "Client-Side Development", "Create proper ClientSession usage"),
        Quote("aiohttp", "Server-Side Development", "Use proper application setup"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"run_app"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != RUN_APP or model.in_async_context(node):
            return  # run_app in a coroutine is AIO017's
        statement = model.parent(node)
        place = model.statement_list(statement) if statement is not None else None
        if place is None:
            return
        _, statements, index = place
        for earlier in statements[:index]:
            found = _setup_on_other_loop(earlier, node, model)
            if found is None:
                continue
            runner, setup, created = found
            message = (
                f"`{model.segment(created)}` in `{setup.qualname}` is bound to the loop `{runner}` ran, which is not "
                f"the loop `web.run_app()` serves on: using it in a request fails (`attached to a different loop`, "
                "`Event loop is closed`); create it in a start-up hook (`app.cleanup_ctx`), or pass `web.run_app()` "
                "a coroutine that sets up and returns the application, which it runs on its own loop"
            )
            yield self.diagnostic(node, model, message)
            return


def _setup_on_other_loop(statement: ast.stmt, run_app: ast.Call, model: SemanticModel) -> tuple[str, FunctionInfo, ast.Call] | None:
    """(runner shown, set-up coroutine, loop-bound object it keeps) when ``statement`` runs, as
    ``asyncio.run(f())`` or ``loop.run_until_complete(f())`` (then ``run_app`` not given
    ``loop=``), a coroutine function ``f`` of the module that creates and keeps a loop-bound
    object."""
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    if not (isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.Call)):
        return None
    if model.qualified_name(value.func) == ASYNCIO_RUN:
        runner = "asyncio.run()"
    elif isinstance(value.func, ast.Attribute) and value.func.attr == RUN_UNTIL_COMPLETE:
        if keyword(run_app, "loop") is not None or (model.framework_version("aiohttp") or NEW_LOOP_SINCE) < NEW_LOOP_SINCE:
            return None  # served on the same loop; before aiohttp 3.8, run_app used the current loop
        runner = f"{model.segment(value.func)}()"
    else:
        return None
    setup = model.function_def(value.args[0].func)
    if setup is None or not setup.is_async:
        return None
    for call in model.nodes_in(setup, ast.Call):
        assert isinstance(call, ast.Call)
        if model.qualified_name(call.func) in LOOP_BOUND_FACTORIES and _kept(call, setup, model):
            return runner, setup, call
    return None


def _kept(call: ast.Call, function: FunctionInfo, model: SemanticModel) -> bool:
    """True when what ``call`` makes outlives ``function``: stored on an item or attribute
    (``app["http"] = ...``, ``self.session = ...``), in a global, or returned."""
    parent = model.parent(call)
    if isinstance(parent, ast.Await):
        parent = model.parent(parent)  # ``await asyncpg.create_pool(...)``
    if isinstance(parent, ast.Return):
        return True
    if isinstance(parent, ast.Assign):
        targets = parent.targets
    elif isinstance(parent, ast.AnnAssign):
        targets = [parent.target]
    else:
        return False
    declared_global = {name for s in function.node.body if isinstance(s, ast.Global) for name in s.names}
    return any(
        isinstance(target, (ast.Subscript, ast.Attribute)) or (isinstance(target, ast.Name) and target.id in declared_global)
        for target in targets
    )
