from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import handler_self

PROCESS_POOL = "concurrent.futures.ProcessPoolExecutor"


class UnpicklableProcessPoolTask(Rule):
    """
    ## What it does
    Finds work handed to a `ProcessPoolExecutor` through `IOLoop.run_in_executor()` (or
    `pool.submit()` / `pool.map()`) as a lambda, a function defined inside another function, or a
    bound method of a request handler (`self.method`).

    ## Why is this bad?
    A process pool sends the function and its arguments to a worker process by pickling them.
    Lambdas and nested functions cannot be pickled (`PicklingError: Can't pickle <lambda>`), and
    `self.method` pickles `self`, a request handler holding a socket, which fails too. The call
    fails on every request, after the work was queued.

    ## Example
    ```python
    from concurrent.futures import ProcessPoolExecutor

    from tornado import web
    from tornado.ioloop import IOLoop

    POOL = ProcessPoolExecutor()

    class ResizeHandler(web.RequestHandler):
        async def post(self):
            data = self.request.body
            thumb = await IOLoop.current().run_in_executor(POOL, lambda: make_thumbnail(data, 128))
            self.write(thumb)
    ```

    ## Use instead
    ```python
    from concurrent.futures import ProcessPoolExecutor

    from tornado import web
    from tornado.ioloop import IOLoop

    POOL = ProcessPoolExecutor()

    class ResizeHandler(web.RequestHandler):
        async def post(self):
            thumb = await IOLoop.current().run_in_executor(POOL, make_thumbnail, self.request.body, 128)
            self.write(thumb)
    ```

    Pass a module-level function and its arguments.

    ## Fix safety
    There is no automatic fix: the lambda's body has to become a module-level function.
    """

    code = "TOR039"
    name = "unpicklable-process-pool-task"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "lambda, nested function or bound method sent to a `ProcessPoolExecutor`"
    guidelines = (Quote("tornado", "Concurrent Execution", "Implement effective ProcessPoolExecutor usage"),)
    node_types = (ast.Call,)
    callees = frozenset({"run_in_executor", "submit", "map"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "run_in_executor":
            executor, task = argument(node, 0, "executor"), argument(node, 1, "func")
        elif func.attr in ("submit", "map"):
            executor, task = func.value, argument(node, 0, "fn")
        else:
            return
        if executor is None or task is None or model.instance_type(executor) != PROCESS_POOL:
            return
        problem = _unpicklable(model, task)
        if problem is None:
            return
        message = (
            f"{problem} cannot be pickled, so the `ProcessPoolExecutor` cannot send it to a worker process "
            f"({model.context_label(node)} fails on every call); pass a module-level function and its arguments"
        )
        yield self.diagnostic(task, model, message)


def _unpicklable(model: SemanticModel, task: ast.expr) -> str | None:
    if isinstance(task, ast.Lambda):
        return "a lambda"
    if isinstance(task, ast.Attribute) and handler_self(model, task.value) is not None:
        return f"`{model.segment(task)}` (a bound method, which pickles the request handler)"
    if isinstance(task, ast.Name):
        function = model.function_def(task)
        if function is not None and function.outer.kind == "function":
            return f"the nested function `{task.id}`"
    return None
