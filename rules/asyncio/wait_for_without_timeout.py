from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of

#: asyncio.wait_for, whose whole point is its timeout
WAIT_FOR_FUNCTIONS = frozenset({"asyncio.wait_for", "asyncio.tasks.wait_for"})


class WaitForWithoutTimeout(Rule):
    """
    ## What it does
    Finds `asyncio.wait_for(aw, None)` / `asyncio.wait_for(aw, timeout=None)`: a `wait_for` with
    no time limit.

    ## Why is this bad?
    With `timeout=None`, `wait_for()` waits as long as the awaitable takes; it is a plain `await`
    in disguise (before Python 3.12, one that also wraps a coroutine in an extra task). Readers
    take the `wait_for` for a time limit that is not there, and the operation can hang for ever.
    Often the `None` is a placeholder that was never replaced.

    ## Example
    ```python
    import asyncio

    async def load(session, url):
        return await asyncio.wait_for(session.get(url), timeout=None)
    ```

    ## Use instead
    ```python
    import asyncio

    async def load(session, url):
        return await asyncio.wait_for(session.get(url), timeout=10)
    ```
    or `await session.get(url)` when waiting without a limit is really meant.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY145"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `timeout=None` is explicit about
    waiting forever; saying so differently is style.

    ## Fix safety
    No automatic fix: the right limit depends on the operation.
    """

    code = "ASY145"
    name = "wait-for-without-timeout"
    opt_in = True
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "`asyncio.wait_for(..., timeout=None)` sets no time limit"
    guidelines = (Quote("asyncio", "Timeouts and Delays", "Use appropriate wait_for usage"),)
    node_types = (ast.Call,)
    callees = callees_of(WAIT_FOR_FUNCTIONS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in WAIT_FOR_FUNCTIONS:
            return
        timeout = argument(node, 1, "timeout")
        if not (isinstance(timeout, ast.Constant) and timeout.value is None):
            return
        message = (
            f"`asyncio.wait_for(..., timeout=None)` in {model.context_label(node)} sets no time limit: it waits "
            "as long as a plain `await`; give it a timeout, or `await` the operation directly"
        )
        yield self.diagnostic(timeout, model, message)
