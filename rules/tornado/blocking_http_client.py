from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.tornado import runs_on_loop

HTTP_CLIENT = "tornado.httpclient.HTTPClient"


class BlockingHttpClient(Rule):
    """
    ## What it does
    Finds Tornado's synchronous `tornado.httpclient.HTTPClient` created or used where code runs
    on the IOLoop: in coroutines, `@gen.coroutine` functions and the methods of request handlers
    (verb methods, `prepare`, `open`, and helper methods they call). Methods under
    `@run_on_executor`, and helpers handed to an executor, run on a thread and are left alone.

    ## Why is this bad?
    `HTTPClient` is a blocking wrapper that runs a private IOLoop until the response arrives.
    Since Tornado 5 it cannot run while another loop is running: creating one inside a handler
    raises `RuntimeError: Cannot run the event loop while another loop is running`. On older
    versions it blocked every other request for the whole round trip.

    ## Example
    ```python
    from tornado import httpclient, web

    class WeatherHandler(web.RequestHandler):
        def get(self):
            client = httpclient.HTTPClient()
            response = client.fetch("https://weather.example.com/today")
            self.write(response.body)
    ```

    ## Use instead
    ```python
    from tornado import httpclient, web

    class WeatherHandler(web.RequestHandler):
        async def get(self):
            client = httpclient.AsyncHTTPClient()
            response = await client.fetch("https://weather.example.com/today")
            self.write(response.body)
    ```

    `AsyncHTTPClient()` returns a shared client per IOLoop; do not close it.

    ## Fix safety
    There is no automatic fix: the method has to become a coroutine that awaits the fetch, and
    its callers may have to await it too.
    """

    code = "TOR004"
    name = "blocking-http-client"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "Blocking `tornado.httpclient.HTTPClient` in a coroutine or request handler"
    guidelines = (
        Quote("tornado", "Concurrent Execution", "Create effective blocking operation handling"),
        Quote("tornado", "Key Principles", "Implement proper asynchronous request handling"),
        Quote("tornado", "Key Principles", "Use appropriate concurrency patterns"),
    )
    node_types = (ast.Call,)
    callees = callees_of({HTTP_CLIENT}, {"fetch"})  # and `client.fetch()` on an `HTTPClient`

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) == HTTP_CLIENT:
            if runs_on_loop(model, node):
                message = (
                    f"`{model.segment(node.func)}()` is Tornado's blocking client, in {model.context_label(node)}: since "
                    "Tornado 5 it raises RuntimeError while the IOLoop runs; use `await AsyncHTTPClient().fetch(...)`"
                )
                yield self.diagnostic(node, model, message)
            return
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "fetch"):
            return
        if model.instance_type(func.value) != HTTP_CLIENT or not runs_on_loop(model, node) or _created_here(model, func.value):
            return
        message = (
            f"`{model.segment(func)}()` fetches with Tornado's blocking `HTTPClient` in {model.context_label(node)}, "
            "stalling the IOLoop (and raising RuntimeError while it runs, since Tornado 5); "
            "use `await AsyncHTTPClient().fetch(...)`"
        )
        yield self.diagnostic(node, model, message)


def _created_here(model: SemanticModel, receiver: ast.expr) -> bool:
    """True when the client is created where it is used, on the loop: that creation is reported."""
    if isinstance(receiver, ast.Call):
        return True
    if not isinstance(receiver, ast.Name):
        return False
    binding = model.lookup(receiver.id, receiver)
    value = binding.value if binding is not None else None
    return isinstance(value, ast.Call) and model.qualified_name(value.func) == HTTP_CLIENT and runs_on_loop(model, value)
