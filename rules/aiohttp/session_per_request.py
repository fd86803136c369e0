from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import is_middleware, qualified

SESSION = "aiohttp.ClientSession"


class ClientSessionPerRequest(Rule):
    """
    ## What it does
    Finds `aiohttp.ClientSession()` created inside a request handler (of any framework), inside
    an aiohttp middleware, or inside the body of a `for` loop or a comprehension.

    ## Why is this bad?
    A `ClientSession` owns a connection pool, a DNS cache and a cookie jar. A session made per
    request or per item opens a new TCP (and TLS) connection every time and throws it away, so
    keep-alive never helps: latency goes up, sockets pile up in `TIME_WAIT`, and under load the
    process runs out of file descriptors. aiohttp's documentation is explicit: make one session
    per application and reuse it for every request.

    A `while` loop is left alone: `while True: async with ClientSession() as session: ...` is
    the usual way to reconnect a long-lived client after a failure.

    ## Example
    ```python
    import aiohttp
    from aiohttp import web

    routes = web.RouteTableDef()

    @routes.get("/weather")
    async def weather(request):
        async with aiohttp.ClientSession() as session:
            async with session.get(WEATHER_URL, params=request.query) as response:
                return web.json_response(await response.json())
    ```

    ## Use instead
    One session for the application, opened and closed by a `cleanup_ctx` generator:
    ```python
    import aiohttp
    from aiohttp import web

    CLIENT = web.AppKey("client", aiohttp.ClientSession)

    async def client_session(app):
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            app[CLIENT] = session
            yield

    async def weather(request):
        client = request.app[CLIENT]
        async with client.get(WEATHER_URL, params=request.query) as response:
            return web.json_response(await response.json())

    app = web.Application()
    app.cleanup_ctx.append(client_session)
    app.router.add_get("/weather", weather)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO001"]`. A session per
    request costs a new connection pool per call; on rarely called endpoints, or in a loop whose every
    iteration talks to another host, that cost does not matter, and the rule cannot tell how often the
    code runs; on the real-application corpus no sampled finding was worth changing. Enable it for
    request paths that are hot.

    ## Fix safety
    There is no automatic fix: where the shared session lives (an `AppKey`, an attribute of a
    service object) and which settings it needs are the application's choice.
    """

    code = "AIO001"
    name = "client-session-per-request"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "`ClientSession()` created per request or per loop iteration"
    guidelines = (
        Quote("aiohttp", "Client-Side Development", "Create proper ClientSession usage"),
        Quote("aiohttp", "Client-Side Development", "Use appropriate connection pooling"),
        Quote("aiohttp", "Concurrency and Performance", "Use proper connection pooling"),
    )
    node_types = (ast.Call,)
    callees = callees_of((SESSION,))

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != SESSION:
            return
        loop = model.enclosing_loop(node)
        if loop is not None and not isinstance(loop, ast.While):
            where = "a comprehension" if not isinstance(loop, (ast.For, ast.AsyncFor)) else "a loop body"
            yield self.diagnostic(
                node,
                model,
                f"`aiohttp.ClientSession()` is created in {where} in {model.context_label(node)}: every "
                "iteration opens a new connection pool; create one session before the loop and reuse it",
            )
            return
        function = model.enclosing_function(node)
        if function is None:
            return
        if function.handler is None and not is_middleware(model, function):
            return
        where = model.context_label(node) if function.handler else f"middleware `{function.qualname}`"
        home = "`cleanup_ctx`" if function.handler is None or function.handler.framework == "aiohttp" else "the app's lifespan"
        yield self.diagnostic(
            node,
            model,
            f"`aiohttp.ClientSession()` is created in {where}, once per request: each one opens a new "
            f"connection pool; create one session per application (in {home}) and reuse it",
        )
