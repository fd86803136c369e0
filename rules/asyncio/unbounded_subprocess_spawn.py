from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from .subprocess_pipe_wait import SUBPROCESS_FACTORIES
from .subprocess_killed_not_reaped import REAPING_METHODS


class UnboundedSubprocessSpawn(Rule):
    """
    ## What it does
    Finds `asyncio.create_subprocess_exec()` / `create_subprocess_shell()` in a loop or
    comprehension of a coroutine when the loop does not wait for each process before starting
    the next (no `await process.wait()` / `communicate()` in the loop) and no semaphore
    (`async with`) limits it.

    ## Why is this bad?
    Every iteration starts another process and moves on, so a list of a thousand files starts a
    thousand processes at once: CPU and memory thrash, the process or file-descriptor limit is
    hit (`OSError: [Errno 24] Too many open files`, `BlockingIOError` from `fork`), and the run
    is slower than a bounded pool would be.

    ## Example
    ```python
    async def convert_all(paths):
        processes = [await asyncio.create_subprocess_exec("convert", path) for path in paths]
        await asyncio.gather(*(process.wait() for process in processes))
    ```

    ## Use instead
    ```python
    limit = asyncio.Semaphore(os.cpu_count())

    async def convert(path):
        async with limit:
            process = await asyncio.create_subprocess_exec("convert", path)
            await process.wait()

    async def convert_all(paths):
        await asyncio.gather(*(convert(path) for path in paths))
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY162"]`. It found nothing on
    the real-application corpus, and it is not a definite error: unbounded subprocess fan-out matters
    only for large inputs, as for ASY120.

    ## Fix safety
    No automatic fix: the right number of concurrent processes depends on the machine and the
    command.
    """

    code = "ASY162"
    name = "unbounded-subprocess-spawn"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Subprocesses started in a loop without waiting or a limit: unbounded process count"
    guidelines = (Quote("asyncio", "Subprocesses and Shells", "Create effective subprocess pools"),)
    node_types = (ast.Call,)
    callees = callees_of(SUBPROCESS_FACTORIES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in SUBPROCESS_FACTORIES or not model.in_async_context(node):
            return
        loop = model.enclosing_loop(node)
        if loop is None:
            return
        if any(isinstance(ancestor, ast.AsyncWith) for ancestor in model.ancestors(node)):
            return  # under a semaphore or another async limit
        use, target = model.value_use(node)
        if use == "bound":
            assert isinstance(target, ast.Name)
            binding = model.lookup(target.id, target)
            if binding is None:
                return
            for reference in model.references(binding):
                attribute = model.parent(reference)
                if (
                    isinstance(attribute, ast.Attribute)
                    and attribute.attr in REAPING_METHODS
                    and any(ancestor is loop for ancestor in model.ancestors(reference))
                ):
                    return  # each process finishes before the next starts
        elif use not in ("element", "argument", "other"):
            return
        message = (
            f"`{model.segment(node.func)}()` in a loop of {model.context_label(node)} starts a process per item "
            "without waiting for it or a limit: all of them run at once; bound them with an "
            "`asyncio.Semaphore` or a fixed pool of worker tasks"
        )
        yield self.diagnostic(node, model, message)
