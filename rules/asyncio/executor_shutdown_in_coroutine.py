from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity

#: executor classes whose shutdown waits for every submitted job
EXECUTORS = frozenset({
    "concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor", "concurrent.futures.process.ProcessPoolExecutor",
})


class ExecutorShutdownInCoroutine(Rule):
    """
    ## What it does
    Finds, in a coroutine, a `ThreadPoolExecutor` or `ProcessPoolExecutor` used as a plain
    `with` block, and `executor.shutdown()` called without `wait=False`.

    ## Why is this bad?
    Leaving the `with` block calls `shutdown(wait=True)`, which blocks the calling thread until
    every job submitted to the pool has finished. In a coroutine, that thread is the event loop's:
    the whole service stops while the pool drains. Making a pool per call also pays for starting
    threads or processes each time, which a long-lived pool avoids.

    ## Example
    ```python
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    async def render(pages):
        loop = asyncio.get_running_loop()
        with ProcessPoolExecutor() as pool:
            return [await loop.run_in_executor(pool, render_page, page) for page in pages]
    ```

    ## Use instead
    ```python
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor()  # made once, shut down when the application stops

    async def render(pages):
        loop = asyncio.get_running_loop()
        return [await loop.run_in_executor(pool, render_page, page) for page in pages]
    ```
    For threads, `asyncio.to_thread()` uses the loop's default executor. To shut a pool down
    from a coroutine, `await asyncio.to_thread(pool.shutdown)`.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY134"]`. An executor whose
    jobs were all awaited before it shuts down makes the shutdown wait for nothing; on the
    real-application corpus the finding was such an executor. Enable it to find executors shut down
    while jobs may still run.

    ## Fix safety
    No automatic fix: the pool's lifetime (module, application startup and shutdown) is the
    program's design.
    """

    code = "ASY134"
    name = "executor-shutdown-in-coroutine"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Executor shut down in a coroutine (`with` block or `shutdown()`): blocks the event loop"
    guidelines = (
        Quote("asyncio", "Thread and Process Integration", "Implement effective ThreadPoolExecutor"),
        Quote("asyncio", "Thread and Process Integration", "Create appropriate ProcessPoolExecutor"),
    )
    node_types = (ast.With, ast.Call)
    callees = frozenset({"shutdown"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if not model.in_async_context(node):
            return
        if isinstance(node, ast.With):
            for item in node.items:
                executor = model.instance_type(item.context_expr)
                if executor in EXECUTORS:
                    message = (
                        f"leaving `with {model.segment(item.context_expr)}` in {model.context_label(node)} waits "
                        "for every job of the pool, blocking the event loop; make the pool once, outside the "
                        "coroutine, or use `asyncio.to_thread()`"
                    )
                    yield self.diagnostic(item.context_expr, model, message)
            return
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr != "shutdown":
            return
        if model.instance_type(node.func.value) not in EXECUTORS:
            return
        wait = argument(node, 0, "wait")
        if wait is not None and not (isinstance(wait, ast.Constant) and wait.value is True):
            return  # wait=False, or decided at run time
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} waits for every job of the pool, "
            f"blocking the event loop; `await asyncio.to_thread({model.segment(node.func)})` or "
            "`shutdown(wait=False)`"
        )
        yield self.diagnostic(node, model, message)
