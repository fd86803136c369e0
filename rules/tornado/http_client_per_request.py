from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.tornado import handler_class

ASYNC_HTTP_CLIENTS = frozenset(
    {
        "tornado.httpclient.AsyncHTTPClient",
        "tornado.simple_httpclient.SimpleAsyncHTTPClient",
        "tornado.curl_httpclient.CurlAsyncHTTPClient",
    }
)


class HttpClientPerRequest(Rule):
    """
    ## What it does
    Finds `AsyncHTTPClient(force_instance=True)` (and the simple and curl client classes with
    it) called in the methods of a Tornado request handler, which run once per request.

    ## Why is this bad?
    `AsyncHTTPClient()` is a shared object: one instance per IOLoop, whose connections, DNS
    resolver and limit on concurrent requests (`max_clients`) every handler uses.
    `force_instance=True` opts out of that and makes a private client, so each request pays for
    a fresh client and the `max_clients` limit no longer bounds the service as a whole; a client
    that is not `close()`d also keeps its resources until it is garbage-collected.

    ## Example
    ```python
    from tornado import web
    from tornado.httpclient import AsyncHTTPClient

    class ProxyHandler(web.RequestHandler):
        async def get(self):
            client = AsyncHTTPClient(force_instance=True)
            response = await client.fetch("https://api.example.com/items")
            self.write(response.body)
    ```

    ## Use instead
    ```python
    from tornado import web
    from tornado.httpclient import AsyncHTTPClient

    class ProxyHandler(web.RequestHandler):
        async def get(self):
            response = await AsyncHTTPClient().fetch("https://api.example.com/items")
            self.write(response.body)
    ```

    Configure the shared client once at start-up with `AsyncHTTPClient.configure(None,
    max_clients=50)` when it needs other settings.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR026"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a client per request costs connections;
    fine on rarely called handlers.

    ## Fix safety
    There is no automatic fix: per-client `defaults` passed with `force_instance=True` have to
    move to the request (`fetch(..., **defaults)`) or to `AsyncHTTPClient.configure(...)`.
    """

    code = "TOR026"
    name = "http-client-per-request"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`AsyncHTTPClient(force_instance=True)` created per request"
    guidelines = (
        Quote("tornado", "Performance Optimization", "Create appropriate connection pooling"),
        Quote("tornado", "Concurrent Execution", "Implement proper resource management"),
    )
    node_types = (ast.Call,)
    callees = callees_of(ASYNC_HTTP_CLIENTS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in ASYNC_HTTP_CLIENTS:
            return
        forced = keyword(node, "force_instance")
        if not (isinstance(forced, ast.Constant) and forced.value is True):
            return
        function = model.enclosing_function(node)
        while function is not None and function.outer.kind == "function":
            function = function.outer.function  # a closure runs when its method does
        if function is None or function.outer.kind != "class" or not handler_class(model, function.class_info):
            return
        message = (
            f"`{model.segment(node)}` in {model.context_label(node)} makes a private HTTP client for every request, "
            "outside the shared client's connection reuse and `max_clients` limit; use the shared `AsyncHTTPClient()`"
        )
        yield self.diagnostic(node, model, message)
