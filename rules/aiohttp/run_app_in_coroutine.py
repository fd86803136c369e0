from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

RUN_APP = "aiohttp.web.run_app"


class RunAppInCoroutine(Rule):
    """
    ## What it does
    Finds `web.run_app(...)` called inside a coroutine.

    ## Why is this bad?
    `run_app` is a blocking, synchronous entry point: it creates its own event loop and runs it
    until the server stops. Called from a coroutine, a loop is already running on the thread, and
    it fails with `RuntimeError: Cannot run the event loop while another loop is running` (or,
    with an older aiohttp, blocks the running loop forever). Inside a coroutine, start the server
    with `AppRunner` and `TCPSite`, which run on the current loop.

    ## Example
    ```python
    async def main():
        await connect_to_broker()
        web.run_app(make_app(), port=8080)

    asyncio.run(main())
    ```

    ## Use instead
    ```python
    async def main():
        await connect_to_broker()
        runner = web.AppRunner(make_app())
        await runner.setup()
        site = web.TCPSite(runner, port=8080)
        await site.start()
        try:
            await asyncio.Event().wait()  # serve until cancelled
        finally:
            await runner.cleanup()

    asyncio.run(main())
    ```
    Or keep `web.run_app(make_app(), port=8080)` at module level, outside any coroutine, and move
    the async setup into the application's `cleanup_ctx`.

    ## Fix safety
    There is no automatic fix: how long the server runs and how it shuts down are the program's
    choice.
    """

    code = "AIO017"
    name = "run-app-in-coroutine"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "`web.run_app()` called inside a coroutine"
    guidelines = (
        Quote("aiohttp", "Server-Side Development", "Use proper application setup"),
        Quote("aiohttp", "Advanced Patterns", "Implement proper graceful shutdown"),
    )
    node_types = (ast.Call,)
    callees = callees_of((RUN_APP,))

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not model.in_async_context(node) or qualified(model, node.func) != RUN_APP:
            return
        yield self.diagnostic(
            node,
            model,
            f"`web.run_app()` in {model.context_label(node)} starts its own event loop, which fails inside a running "
            "one (`Cannot run the event loop while another loop is running`); use `web.AppRunner` and `web.TCPSite`",
        )
