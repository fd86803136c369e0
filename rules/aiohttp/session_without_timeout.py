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
#: the session's methods that send a request, which take their own ``timeout=``
REQUEST_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect"})
#: context managers that cancel what runs inside them after a delay
TIMEOUT_CONTEXTS = frozenset(
    {
        "asyncio.timeout",
        "asyncio.timeout_at",
        "async_timeout.timeout",
        "async_timeout.timeout_at",
        "anyio.fail_after",
        "anyio.move_on_after",
    }
)
WAIT_FOR = frozenset({"asyncio.wait_for", "asyncio.tasks.wait_for"})


class ClientSessionWithoutTimeout(Rule):
    """
    ## What it does
    Finds `aiohttp.ClientSession()` created without `timeout=`, and `aiohttp.ClientTimeout()`
    that sets no limit at all (no arguments, or only `None`s).

    A session used only in the function that creates it is left alone when every request it
    sends is limited already: a per-request `timeout=`, or inside `async with
    asyncio.timeout(...)` / `async_timeout.timeout(...)` / `anyio.fail_after(...)`, or awaited
    through `asyncio.wait_for(..., timeout)`.

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
            if _every_request_timed(node, model):
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


def _every_request_timed(session: ast.Call, model: SemanticModel) -> bool:
    """True when the session is bound to a name used only to send requests (and to close it), at
    least one, each with a time limit of its own or around it."""
    use, target = model.value_use(session)
    if use == "with" and isinstance(target, ast.withitem):
        target = target.optional_vars
    elif use != "bound":
        return False
    binding = model.lookup(target.id, target) if isinstance(target, ast.Name) else None
    if binding is None:
        return False
    requests = 0
    for name in model.references(binding):
        attribute = model.parent(name)
        call = model.parent(attribute)
        if not (isinstance(attribute, ast.Attribute) and isinstance(call, ast.Call) and call.func is attribute):
            return False  # passed on, stored or returned: its other requests are out of sight
        if attribute.attr in REQUEST_METHODS:
            if not _timed(call, model):
                return False
            requests += 1
    return requests > 0


def _timed(request: ast.Call, model: SemanticModel) -> bool:
    if _sets_limit(keyword(request, "timeout")):
        return True
    function = model.enclosing_function(request)
    for ancestor in model.ancestors(request):
        if ancestor is getattr(function, "node", None):
            break
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Call) and model.qualified_name(item.context_expr.func) in TIMEOUT_CONTEXTS
            for item in ancestor.items
        ):
            return True
        if isinstance(ancestor, ast.Call) and model.qualified_name(ancestor.func) in WAIT_FOR:
            return True
    return False
