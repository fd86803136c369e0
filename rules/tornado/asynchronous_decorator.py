from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: the decorator Tornado 6.0 removed, by qualified name
ASYNCHRONOUS = "tornado.web.asynchronous"


class AsynchronousDecorator(Rule):
    """
    ## What it does
    Finds handler methods decorated with `@tornado.web.asynchronous` (however it is imported).

    ## Why is this bad?
    `@asynchronous` kept the response open after the method returned, for callback-style code
    that finished it later with `self.finish()`. It was deprecated in Tornado 5.1 and removed in
    6.0: the module no longer imports (`AttributeError: module 'tornado.web' has no attribute
    'asynchronous'`, or an `ImportError` for `from tornado.web import asynchronous`), so the whole
    application fails to start.

    ## Example
    ```python
    from tornado import web
    from tornado.httpclient import AsyncHTTPClient

    class ProxyHandler(web.RequestHandler):
        @web.asynchronous
        def get(self):
            AsyncHTTPClient().fetch(UPSTREAM, callback=self.on_response)

        def on_response(self, response):
            self.write(response.body)
            self.finish()
    ```

    ## Use instead
    ```python
    from tornado import web
    from tornado.httpclient import AsyncHTTPClient

    class ProxyHandler(web.RequestHandler):
        async def get(self):
            response = await AsyncHTTPClient().fetch(UPSTREAM)
            self.write(response.body)
    ```

    A coroutine handler keeps the response open until it returns; Tornado finishes it then.

    ## Fix safety
    There is no automatic fix: the callbacks the decorated method starts have to be rewritten
    as awaited calls, which changes the method's structure.
    """

    code = "TOR002"
    name = "removed-asynchronous-decorator"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "`@tornado.web.asynchronous` (removed in Tornado 6.0)"
    guidelines = (
        Quote("tornado", "Asynchronous Programming", "Use proper async/await syntax"),
        Quote("tornado", "Request Handling", "Implement effective method overrides"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for decorator in node.decorator_list:
            if model.qualified_name(decorator) != ASYNCHRONOUS:
                continue
            message = (
                f"`@{model.segment(decorator)}` on `{node.name}` was removed in Tornado 6.0 (the module no longer "
                "imports); make the method a coroutine (`async def` with `await`), which keeps the response open until it returns"
            )
            yield self.diagnostic(decorator, model, message)
