from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import RUN_ON_EXECUTOR, decorator_names, self_call

#: handler methods that touch the connection or the response, which only the IOLoop's thread may call
LOOP_ONLY_METHODS = frozenset(
    {
        "write", "finish", "flush", "render", "redirect", "send_error", "set_status", "set_header",
        "add_header", "clear_header", "set_cookie", "clear_cookie", "set_signed_cookie", "set_secure_cookie",
        "write_message", "close", "ping",
    }
)


class HandlerOutputFromThread(Rule):
    """
    ## What it does
    Finds calls such as `self.write()`, `self.finish()`, `self.set_header()` or
    `self.write_message()` inside a handler method decorated with `@run_on_executor`, which runs
    on an executor's thread.

    ## Why is this bad?
    Tornado is not thread-safe: only `IOLoop.add_callback` may be called from another thread.
    A handler's output buffer, headers and connection belong to the IOLoop's thread; writing
    to them from a worker thread races with the loop, and can corrupt the response, lose it, or
    raise in the middle of another request's I/O.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    from tornado import web
    from tornado.concurrent import run_on_executor

    class ReportHandler(web.RequestHandler):
        executor = ThreadPoolExecutor(4)

        @run_on_executor
        def build(self):
            self.write(make_report())

        async def get(self):
            await self.build()
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor

    from tornado import web
    from tornado.concurrent import run_on_executor

    class ReportHandler(web.RequestHandler):
        executor = ThreadPoolExecutor(4)

        @run_on_executor
        def build(self):
            return make_report()

        async def get(self):
            self.write(await self.build())
    ```

    ## Fix safety
    There is no automatic fix: the result has to be returned from the thread and written by the
    coroutine that awaits it.
    """

    code = "TOR028"
    name = "handler-output-from-thread"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "handler output written from a `@run_on_executor` thread"
    guidelines = (
        Quote("tornado", "Concurrent Execution", "Implement proper thread safety"),
        Quote("tornado", "Concurrent Execution", "Use proper ThreadPoolExecutor integration"),
    )
    node_types = (ast.Call,)
    callees = LOOP_ONLY_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        method = self_call(model, node)
        if method not in LOOP_ONLY_METHODS:
            return
        function = model.enclosing_function(node)
        if function is None or RUN_ON_EXECUTOR not in decorator_names(model, function):
            return
        message = (
            f"`self.{method}()` in `@run_on_executor` method `{function.qualname}` runs on an executor thread, but "
            "Tornado handlers are not thread-safe; return the result and call "
            f"`self.{method}()` in the coroutine that awaits the method"
        )
        yield self.diagnostic(node, model, message)
