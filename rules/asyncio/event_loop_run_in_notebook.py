from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from .event_loop_run_in_coroutine import LOOP_RUN_METHODS, LOOP_RUNNERS

#: what can become ``await <argument>``: the runners and ``run_until_complete``, with one argument
_AWAITABLE_RUNS = frozenset({*LOOP_RUNNERS, "run_until_complete"})


class EventLoopRunInNotebook(Rule):
    """
    ## What it does
    Finds `asyncio.run()` (and `asyncio.Runner.run()`, `uvloop.run()`), `loop.run_until_complete()`
    and `loop.run_forever()` called at the top level of a Jupyter notebook's cells.

    Only notebooks are checked (`asyncguide check` on `.ipynb` files, notebooks open in an editor);
    the same calls inside a coroutine are `ASY113`.

    ## Why is this bad?
    IPython runs a notebook's cells in the kernel's event loop, which is already running:
    `asyncio.run()` raises `RuntimeError: asyncio.run() cannot be called from a running event loop`,
    and `run_until_complete()`/`run_forever()` raise `RuntimeError: This event loop is already
    running`. The coroutine passed in is never awaited. A cell can `await` at its top level instead.

    ## Example
    ```python
    import asyncio

    async def fetch_status(url):
        ...

    status = asyncio.run(fetch_status("https://example.com"))
    ```

    ## Use instead
    ```python
    status = await fetch_status("https://example.com")
    ```

    ## Fix safety
    `asyncio.run(coroutine)` and `loop.run_until_complete(coroutine)` with one argument become
    `await coroutine`: a safe fix, since the call as written always raises in a notebook.
    `run_forever()` and calls with more arguments (`debug=True`) have no fix.
    """

    code = "ASY170"
    name = "event-loop-run-in-notebook"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "Event loop started in a notebook cell: raises `RuntimeError`, `await` instead"
    guidelines = (Quote("asyncio", "Event Loop Management", "Implement effective loop running"),)
    node_types = (ast.Call,)
    callees = callees_of(LOOP_RUNNERS, LOOP_RUN_METHODS)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Await the coroutine"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        # inside a coroutine ASY113 reports it
        if not model.notebook or model.in_async_context(node) or not model.in_running_loop(node):
            return
        name = model.qualified_name(node.func)
        if name in LOOP_RUNNERS:
            shown, runner = name.replace(".runners.", "."), name
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in LOOP_RUN_METHODS
            and model.is_event_loop(node.func.value)
        ):
            shown, runner = model.segment(node.func), node.func.attr
        else:
            return
        fixable = runner in _AWAITABLE_RUNS and len(node.args) == 1 and not node.keywords
        fixable = fixable and not isinstance(node.args[0], ast.Starred)
        message = (
            f"`{shown}()` in a notebook cell raises `RuntimeError`: the kernel's event loop is already "
            "running; `await` the coroutine at the cell's top level instead"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call) or len(call.args) != 1:
            return None
        awaited = f"await {context.text(call.args[0])}"
        if context.needs_parentheses_for_await(call):
            awaited = f"({awaited})"
        return Fix(self.fix_title, Applicability.SAFE, (context.replace(call, awaited),))
