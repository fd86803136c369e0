from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: asyncio's semaphore that accepts any number of releases
PLAIN_SEMAPHORES = frozenset({"asyncio.Semaphore", "asyncio.locks.Semaphore"})


class UnboundedSemaphoreRelease(Rule):
    """
    ## What it does
    Finds `semaphore.release()` called by hand on an `asyncio.Semaphore` (not a
    `BoundedSemaphore`).

    ## Why is this bad?
    A plain `Semaphore` accepts more releases than acquisitions: each extra `release()` (a
    release on an error path that never acquired, or in both an `except` and a `finally`) silently
    raises the limit by one, until the "at most N at once" it was made for no longer holds.
    `asyncio.BoundedSemaphore` raises `ValueError` on an extra release, so the bug shows where it
    happens. With `async with semaphore:` the pairing is guaranteed, and neither is needed.

    ## Example
    ```python
    import asyncio

    limit = asyncio.Semaphore(10)

    async def fetch(url):
        await limit.acquire()
        try:
            return await download(url)
        finally:
            limit.release()
    ```

    ## Use instead
    ```python
    import asyncio

    limit = asyncio.BoundedSemaphore(10)

    async def fetch(url):
        async with limit:
            return await download(url)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY147"]`. Releasing a
    semaphore by hand is the way to hand a slot from the code that acquires it to a task that releases
    it in its `finally`, which `async with` cannot span; on the real-application corpus the finding was
    such a hand-off. Enable it to make every hand-made release stand out.

    ## Fix safety
    No automatic fix: where `acquire()` and `release()` are far apart (across callbacks), turning
    them into `async with` is a restructuring; switching to `BoundedSemaphore` alone can surface
    the `ValueError` the code was hiding.
    """

    code = "ASY147"
    name = "unbounded-semaphore-release"
    opt_in = True
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "`asyncio.Semaphore` released by hand: use `BoundedSemaphore` or `async with`"
    guidelines = (Quote("asyncio", "Synchronization Primitives", "Implement proper BoundedSemaphore"),)
    node_types = (ast.Call,)
    callees = frozenset({"release"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr != "release":
            return
        if model.instance_type(node.func.value) not in PLAIN_SEMAPHORES:
            return
        semaphore = model.segment(node.func.value)
        message = (
            f"`{semaphore}.release()` in {model.context_label(node)} releases an `asyncio.Semaphore` by hand: an "
            "extra release silently raises its limit; use `async with` or an `asyncio.BoundedSemaphore`, "
            "which raises on an extra release"
        )
        yield self.diagnostic(node, model, message)
