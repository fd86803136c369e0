from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

#: async file openers whose result must be closed (or used with `async with`)
ASYNC_FILE_OPENERS = frozenset({"aiofiles.open", "aiofiles.threadpool.open", "anyio.open_file"})


class AsyncFileNeverClosed(Rule):
    """
    ## What it does
    Finds `f = await aiofiles.open(...)` (or anyio's `open_file`) where nothing calls
    `f.close()` and the file is not handed on, returned or stored.

    ## Why is this bad?
    An async file wraps a real file object in a thread pool. Opened without `async with`, it is
    closed only when the garbage collector gets to it, so each call leaks a file descriptor for a
    while, writes may not be flushed when the coroutine returns, and a busy service hits "too many
    open files".

    ## Example
    ```python
    import aiofiles

    async def read_config(path):
        f = await aiofiles.open(path)
        return await f.read()
    ```

    ## Use instead
    ```python
    import aiofiles

    async def read_config(path):
        async with aiofiles.open(path) as f:
            return await f.read()
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY149"]`. It found nothing on
    the real-application corpus, and it is not a definite error: an unclosed `aiofiles` file leaks a
    descriptor until it is garbage-collected.

    ## Fix safety
    No automatic fix: turning the assignment into `async with` moves the code that uses the file
    into its block.
    """

    code = "ASY149"
    name = "async-file-never-closed"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "File from `aiofiles.open()` never closed: use `async with`"
    guidelines = (Quote("asyncio", "File I/O", "Use proper file closing"),)
    node_types = (ast.Call,)
    callees = callees_of(ASYNC_FILE_OPENERS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        opener = model.qualified_name(node.func)
        if opener not in ASYNC_FILE_OPENERS:
            return
        binding = model.bound_to(node)
        if binding is None:
            return  # `async with`, returned, stored or passed on
        for reference in model.references(binding):
            kind, where = model.value_use(reference)
            if kind != "receiver":
                return  # handed on, returned or stored: closed elsewhere, perhaps
            assert isinstance(where, ast.Attribute)
            if where.attr in ("close", "aclose"):
                return
        message = (
            f"the file `{binding.name}` from `{opener}()` in {model.context_label(node)} is never closed: it leaks "
            f"a file descriptor until garbage collection; use `async with {model.segment(node)} as {binding.name}:`"
        )
        yield self.diagnostic(node, model, message)
