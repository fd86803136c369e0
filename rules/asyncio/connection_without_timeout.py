from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

#: asyncio calls that open a network connection and wait as long as the OS lets them
CONNECTION_OPENERS = frozenset({
    "asyncio.open_connection", "asyncio.streams.open_connection",
    "asyncio.open_unix_connection", "asyncio.streams.open_unix_connection",
})

#: calls that bound the time of an awaitable passed to them
TIMEOUT_CALLS = frozenset({"asyncio.wait_for", "asyncio.tasks.wait_for"})

#: context managers that bound the time of their body
TIMEOUT_CONTEXTS = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "asyncio.timeouts.timeout", "asyncio.timeouts.timeout_at",
    "async_timeout.timeout", "async_timeout.timeout_at", "anyio.fail_after", "anyio.move_on_after",
    "trio.fail_after", "trio.move_on_after",
})


class ConnectionWithoutTimeout(Rule):
    """
    ## What it does
    Finds `await asyncio.open_connection(...)` (and `open_unix_connection`) with no time limit:
    not passed to `asyncio.wait_for()`, not inside `async with asyncio.timeout(...)` (or
    `async_timeout`, anyio's `fail_after`/`move_on_after`), and in a coroutine that this module
    never runs under such a limit.

    `open_connection()` with `happy_eyeballs_delay` or `ssl_handshake_timeout` still has no
    overall limit, and is reported too.

    ## Why is this bad?
    Connecting has no timeout of its own: when the peer's host drops packets, the OS retries the
    handshake for about two minutes (longer with more SYN retries). Meanwhile the coroutine, and
    the request waiting on it, hang; under load such connections pile up until the service runs
    out of file descriptors or memory.

    ## Example
    ```python
    import asyncio

    async def ping(host):
        reader, writer = await asyncio.open_connection(host, 6379)
    ```

    ## Use instead
    ```python
    import asyncio

    async def ping(host):
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, 6379), timeout=5)
    ```
    or `async with asyncio.timeout(5):` around the connection (Python 3.11+).

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY136"]`. A connection without
    an explicit timeout still ends with the operating system's connect timeout, and many clients add an
    inactivity watchdog of their own; an explicit timeout is a good practice rather than a fix; on the
    real-application corpus the finding was debatable. Enable it to give every connection a timeout.

    ## Fix safety
    No automatic fix: the right limit depends on the peer and the caller's own deadline.
    """

    code = "ASY136"
    name = "connection-without-timeout"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`asyncio.open_connection()` without a timeout can hang for minutes"
    guidelines = (
        Quote("asyncio", "Network Programming", "Implement proper connection timeouts"),
        Quote("asyncio", "Timeouts and Delays", "Implement effective timeout handling"),
        Quote("asyncio", "Error Handling", "Create proper timeout management"),
    )
    node_types = (ast.Call,)
    callees = callees_of(CONNECTION_OPENERS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        opener = model.qualified_name(node.func)
        if opener not in CONNECTION_OPENERS or not model.in_async_context(node):
            return
        if _time_limited(node, model):
            return
        function = model.enclosing_function(node)
        if function is not None and _called_under_limit(function.name, model):
            return
        message = (
            f"`{opener.replace('.streams.', '.')}()` in {model.context_label(node)} has no timeout: an unreachable "
            "peer keeps it waiting for minutes; wrap it in `asyncio.wait_for(..., timeout=...)` or "
            "`async with asyncio.timeout(...)`"
        )
        yield self.diagnostic(node, model, message)


def _time_limited(node: ast.AST, model: SemanticModel) -> bool:
    """Whether ``node`` runs within ``wait_for(...)`` or under a timeout context of its function."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, ast.Call) and model.qualified_name(ancestor.func) in TIMEOUT_CALLS:
            return True
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Call) and model.qualified_name(item.context_expr.func) in TIMEOUT_CONTEXTS
            for item in ancestor.items
        ):
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
    return False


def _called_under_limit(name: str, model: SemanticModel) -> bool:
    """Whether a call of a function of this name (``connect()``, ``self.connect()``) runs under a limit."""
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        callee = call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else None
        if callee == name and _time_limited(call, model):
            return True
    return False
