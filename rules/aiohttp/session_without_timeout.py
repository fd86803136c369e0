from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

SESSION = "aiohttp.ClientSession"
TIMEOUT = "aiohttp.ClientTimeout"
#: ClientSession keywords that set a limit (the last two are deprecated spellings of ``timeout=``)
TIMEOUT_KEYWORDS = ("timeout", "read_timeout", "conn_timeout")
#: ClientTimeout's limits, in positional order (``ceil_threshold`` limits nothing)
LIMITS = ("total", "connect", "sock_read", "sock_connect")


class ClientSessionWithoutTimeout(Rule):
    """
    ## What it does
    Finds `aiohttp.ClientSession()` created without `timeout=`, and `aiohttp.ClientTimeout()`
    that sets no limit at all (no arguments, or only `None`s).

    ## Why is this bad?
    A session's default timeout is 5 minutes for a whole request. A slow or stalled upstream
    therefore holds a handler, its connection and whatever the handler holds (a database
    connection, a lock) for up to 5 minutes, long after the caller has given up; under load these
    waits pile up until the service stops answering. A `ClientTimeout()` without limits is
    worse: the request may wait forever.

    ## Example
    ```python
    import aiohttp

    async def client_session(app):
        async with aiohttp.ClientSession() as session:
            app[CLIENT] = session
            yield
    ```

    ## Use instead
    ```python
    import aiohttp

    TIMEOUT = aiohttp.ClientTimeout(total=10, sock_connect=3)

    async def client_session(app):
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            app[CLIENT] = session
            yield
    ```

    ## Fix safety
    There is no automatic fix: the right limits depend on the upstream service.
    """

    code = "AIO006"
    name = "client-session-without-timeout"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "`ClientSession()` without `timeout=`, or a `ClientTimeout()` without limits"
    guidelines = (
        Quote("aiohttp", "Client Request and Response", "Implement proper request timeout"),
        Quote("aiohttp", "Concurrency and Performance", "Use proper timeout handling"),
    )
    node_types = (ast.Call,)
    callees = callees_of((SESSION, TIMEOUT))

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = qualified(model, node.func)
        if name == SESSION:
            if _has_unpacking(node) or any(_sets_limit(keyword(node, name)) for name in TIMEOUT_KEYWORDS):
                return
            yield self.diagnostic(
                node,
                model,
                f"`aiohttp.ClientSession()` without a timeout in {model.context_label(node)}: requests may wait "
                "up to 5 minutes (the default); pass `timeout=aiohttp.ClientTimeout(total=...)`",
            )
        elif name == TIMEOUT:
            if _has_unpacking(node):
                return
            limits = [*node.args[: len(LIMITS)], *(k.value for k in node.keywords if k.arg in LIMITS)]
            if any(_sets_limit(limit) for limit in limits):
                return
            yield self.diagnostic(
                node,
                model,
                "`aiohttp.ClientTimeout()` sets no limit, so requests may wait forever; set `total=` "
                "(and `sock_connect=` or `sock_read=` as needed)",
            )


def _has_unpacking(call: ast.Call) -> bool:
    return any(isinstance(argument, ast.Starred) for argument in call.args) or any(k.arg is None for k in call.keywords)


def _sets_limit(value: ast.expr | None) -> bool:
    return value is not None and not (isinstance(value, ast.Constant) and value.value is None)
