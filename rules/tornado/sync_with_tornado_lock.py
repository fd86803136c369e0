from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..fixes import FixContext
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

#: Tornado's coroutine locks, whose ``__enter__`` raises RuntimeError
TORNADO_LOCKS = frozenset({"tornado.locks.Lock", "tornado.locks.Semaphore", "tornado.locks.BoundedSemaphore"})


class SyncWithTornadoLock(Rule):
    """
    ## What it does
    Finds `with lock:` on a `tornado.locks.Lock`, `Semaphore` or `BoundedSemaphore` (known from
    its constructor, an annotation or a `self.` attribute set to one).

    ## Why is this bad?
    Tornado's locks coordinate coroutines: acquiring one may have to wait, so it is awaited.
    Their `__enter__` raises `RuntimeError: Use 'async with' instead of 'with' for Lock`, so the
    block never runs and the request fails.

    ## Example
    ```python
    from tornado import locks, web

    cache_lock = locks.Lock()

    class CacheHandler(web.RequestHandler):
        async def post(self):
            with cache_lock:
                await refresh_cache()
    ```

    ## Use instead
    ```python
    from tornado import locks, web

    cache_lock = locks.Lock()

    class CacheHandler(web.RequestHandler):
        async def post(self):
            async with cache_lock:
                await refresh_cache()
    ```

    ## Fix safety
    The fix turns `with` into `async with`. It is offered only inside a coroutine (`async def`),
    where that is valid, and only when every item of the `with` is a Tornado lock (a
    `threading.Lock` beside it has no `async with`); it is safe there: the lock is then acquired
    as Tornado intends.
    """

    code = "TOR040"
    name = "sync-with-tornado-lock"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "`with` on a Tornado lock or semaphore (needs `async with`)"
    guidelines = (
        Quote("tornado", "Asynchronous Programming", "Implement proper asynchronous context managers"),
        Quote("tornado", "Concurrent Execution", "Use proper coroutine coordination"),
    )
    node_types = (ast.With,)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use `async with`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.With)
        kinds = [model.instance_type(item.context_expr) for item in node.items]
        fixable = model.in_async_context(node) and all(kind in TORNADO_LOCKS for kind in kinds)
        start = model.range_of(node)
        for item, kind in zip(node.items, kinds):
            if kind not in TORNADO_LOCKS:
                continue
            message = (
                f"`with {model.segment(item.context_expr)}:` raises RuntimeError: `{kind.rsplit('.', 1)[1]}` from "
                f"`tornado.locks` must be acquired with `async with` (in {model.context_label(node)})"
            )
            yield self.diagnostic(
                item.context_expr,
                model,
                message,
                fix=Applicability.SAFE if fixable else None,
                data={"line": start.start_line, "column": start.start_column},
            )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        line, column = diagnostic.data.get("line"), diagnostic.data.get("column")
        if not isinstance(line, int) or not isinstance(column, int):
            return None
        starts = {(r.start_line, r.start_column) for r in map(context.model.range_of, context.model.nodes(ast.With))}
        if (line, column) not in starts:
            return None  # the document changed since the diagnostic
        at = Range(line, column, line, column)
        return Fix(self.fix_title, Applicability.SAFE, (Edit(at, "async "),))
