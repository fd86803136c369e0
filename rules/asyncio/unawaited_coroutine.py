from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FRAMEWORK_MODULES, FunctionInfo, SemanticModel
from ..resolve import COROUTINE_PRESERVING_DECORATORS, decorator_name
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

#: module-level coroutine functions of the libraries asyncguide knows
COROUTINE_FUNCTIONS = frozenset({
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.wait",
    "asyncio.gather",
    "asyncio.to_thread",
    "asyncio.open_connection",
    "asyncio.start_server",
    "asyncio.open_unix_connection",
    "asyncio.start_unix_server",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncpg.connect",
    "asyncpg.create_pool",
})

#: coroutine methods of known classes: (the class's qualified names) -> method names
COROUTINE_METHODS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("asyncio.Queue", "asyncio.PriorityQueue", "asyncio.LifoQueue"): ("get", "put", "join"),
    ("asyncio.Lock", "asyncio.Semaphore", "asyncio.BoundedSemaphore"): ("acquire",),
    ("asyncio.Condition",): ("acquire", "wait", "wait_for"),
    ("asyncio.Event",): ("wait",),
    ("asyncio.Barrier",): ("wait", "reset", "abort"),
    ("asyncio.StreamWriter",): ("drain", "wait_closed", "start_tls"),
    ("asyncio.StreamReader",): ("read", "readline", "readexactly", "readuntil"),
    ("asyncio.subprocess.Process",): ("wait", "communicate"),
    ("asyncio.AbstractEventLoop",): (
        "create_connection", "create_server", "create_datagram_endpoint", "create_unix_connection",
        "create_unix_server", "connect_accepted_socket", "connect_read_pipe", "connect_write_pipe",
        "getaddrinfo", "getnameinfo", "sock_recv", "sock_recv_into", "sock_sendall", "sock_connect",
        "sock_accept", "sock_sendfile", "sendfile", "start_tls", "subprocess_exec", "subprocess_shell",
        "shutdown_asyncgens", "shutdown_default_executor",
    ),
    # aiohttp 3 client: the request methods return a context manager that does nothing unless
    # awaited; ``ClientResponse.release()`` and ``.close()`` are plain methods (release returns an
    # awaitable only for old code that awaits it)
    ("aiohttp.ClientSession", "aiohttp.client.ClientSession"): (
        "get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect", "close",
    ),
    ("aiohttp.ClientResponse", "aiohttp.client_reqrep.ClientResponse"): ("json", "text", "read", "wait_for_close"),
    ("aiohttp.ClientWebSocketResponse", "aiohttp.client_ws.ClientWebSocketResponse"): (
        "send_str", "send_bytes", "send_json", "send_frame", "receive", "receive_str", "receive_bytes",
        "receive_json", "close", "ping", "pong",
    ),
    # aiohttp server
    (
        "aiohttp.web.Request", "aiohttp.web.BaseRequest", "aiohttp.web_request.Request",
        "aiohttp.web_request.BaseRequest",
    ): ("json", "text", "read", "post", "multipart", "release"),
    ("aiohttp.web.WebSocketResponse", "aiohttp.web_ws.WebSocketResponse"): (
        "prepare", "send_str", "send_bytes", "send_json", "send_frame", "receive", "receive_str",
        "receive_bytes", "receive_json", "close", "ping", "pong", "write_eof",
    ),
    (
        "aiohttp.web.StreamResponse", "aiohttp.web.Response", "aiohttp.web.FileResponse",
        "aiohttp.web_response.StreamResponse", "aiohttp.web_response.Response",
        "aiohttp.web_fileresponse.FileResponse",
    ): ("prepare", "write", "write_eof", "drain"),
    ("aiohttp.web.Application", "aiohttp.web_app.Application"): ("startup", "shutdown", "cleanup"),
    (
        "aiohttp.web.AppRunner", "aiohttp.web.ServerRunner", "aiohttp.web.BaseRunner",
        "aiohttp.web_runner.AppRunner", "aiohttp.web_runner.ServerRunner",
    ): ("setup", "shutdown", "cleanup"),
    (
        "aiohttp.web.TCPSite", "aiohttp.web.UnixSite", "aiohttp.web.SockSite", "aiohttp.web.NamedPipeSite",
        "aiohttp.web.BaseSite", "aiohttp.web_runner.TCPSite", "aiohttp.web_runner.UnixSite",
        "aiohttp.web_runner.SockSite",
    ): ("start", "stop"),
    # Starlette / FastAPI
    ("starlette.requests.Request", "fastapi.Request", "fastapi.requests.Request"): (
        "json", "body", "form", "close", "is_disconnected", "send_push_promise",
    ),
    ("starlette.websockets.WebSocket", "fastapi.WebSocket", "fastapi.websockets.WebSocket"): (
        "accept", "send_text", "send_bytes", "send_json", "receive_text", "receive_bytes", "receive_json",
        "receive", "send", "close",
    ),
    ("starlette.datastructures.UploadFile", "fastapi.UploadFile", "fastapi.datastructures.UploadFile"): (
        "read", "write", "seek", "close",
    ),
    # asyncpg
    ("asyncpg.Connection", "asyncpg.connection.Connection", "asyncpg.Pool", "asyncpg.pool.Pool"): (
        "execute", "executemany", "fetch", "fetchrow", "fetchval", "close",
    ),
}

COROUTINE_APIS = COROUTINE_FUNCTIONS | {
    f"{owner}.{method}" for owners, methods in COROUTINE_METHODS.items() for owner in owners for method in methods
}

#: the type of a request handler's first parameter (after ``self``) when it is not annotated,
#: by (framework, handler kind); FastAPI is absent: it injects by annotation only
HANDLER_PARAMETER_TYPES: dict[tuple[str, str], str] = {
    ("starlette", "http"): "starlette.requests.Request",
    ("starlette", "websocket"): "starlette.websockets.WebSocket",
    ("aiohttp", "http"): "aiohttp.web.Request",
    ("aiohttp", "websocket"): "aiohttp.web.Request",  # an aiohttp handler gets the request, WebSocket or not
}

AIOHTTP_REQUEST = "aiohttp.web.Request"

#: top-level packages whose coroutines the tables above list, or that are not async at all: the
#: resolver is not asked about them (it is asked about the project's own modules)
KNOWN_LIBRARIES = frozenset({
    *(module for modules in FRAMEWORK_MODULES.values() for module in modules),
    "asyncpg", "aiofiles", "aioredis", "motor", "databases", "httpx", "requests", "urllib3", "redis",
    "psycopg2", "psycopg", "pymysql", "MySQLdb", "pymongo", "sqlalchemy", "pydantic", "anyio", "trio",
    "uvicorn", "gunicorn", "django", "flask", "jinja2", "yaml", "click", "attr", "attrs",
    "typing_extensions", "pytest", "numpy", "pandas", "boto3", "botocore", "celery",
})

#: the APIs above that return a future, already scheduled, rather than a coroutine
FUTURE_FUNCTIONS = frozenset({"asyncio.gather"})

_WHITESPACE = re.compile(r"\s+")


def coroutine_callee(call: ast.Call, model: SemanticModel) -> str | None:
    """The name of what ``call`` calls when calling it makes a coroutine, for messages; else None.

    Known: ``async def``\\ s of this module (``f()``, ``self.m()``, ``cls.m()``, ``C.m()``; not async
    generators, not those with decorators that may wrap them), the coroutine APIs of the tables
    above, and, through ``model.resolver``, callees imported from the project's own modules when
    the call is in a coroutine (jedi is slow: it is asked only where a missing ``await`` is likely).
    """
    local = model.function_def(call.func)
    if local is not None:
        return local.qualname if _is_coroutine_function(local, model) else None
    name = model.qualified_name(call.func)
    if name is None:
        if _is_middleware_handler(call.func, model):
            return model.segment(call.func)
        name = _handler_parameter_method(call.func, model)
        if name is None:
            return None
    if name in COROUTINE_APIS:
        return name
    if model.resolver is not None and _worth_resolving(call, name, model) and model.resolver.is_coroutine_function(name):
        return name
    return None


def _worth_resolving(call: ast.Call, name: str, model: SemanticModel) -> bool:
    """A call in a coroutine, of a project name that is imported (``fetch``, ``db.fetch``,
    ``Client.get``) or a method of an instance of a class (``client.get`` with ``client = Client()``).

    A method "of an instance" whose type is a lowercase name came from calling a function
    (``make_client().get``), which the model cannot type: asking jedi about it costs much and
    finds nothing.
    """
    if not model.in_running_loop(call) or not _is_project_name(name):
        return False
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    binding = model.lookup(root.id, root) if isinstance(root, ast.Name) else None
    if binding is not None and binding.kind == "import":
        return True
    parts = name.split(".")
    return len(parts) >= 2 and parts[-2][:1].isupper()


def _is_coroutine_function(function: FunctionInfo, model: SemanticModel) -> bool:
    return (
        function.is_async
        and not function.yields
        and all(decorator_name(model.segment(d)) in COROUTINE_PRESERVING_DECORATORS for d in function.node.decorator_list)
    )


def _handler_parameter_method(func: ast.expr, model: SemanticModel) -> str | None:
    """``request.json`` in ``async def endpoint(request)`` registered as a Starlette or aiohttp handler,
    or in an aiohttp middleware ``(request, handler)``; ``self.request.json`` in an aiohttp ``web.View``."""
    if not isinstance(func, ast.Attribute):
        return None
    if _is_view_request(func.value, model):
        return f"{AIOHTTP_REQUEST}.{func.attr}"
    if not isinstance(func.value, ast.Name):
        return None
    binding = model.lookup(func.value.id, func.value)
    if binding is None or binding.kind != "parameter" or binding.annotation is not None:
        return None
    function = binding.scope.function
    if function is None:
        return None
    if function.handler is not None:
        owner = HANDLER_PARAMETER_TYPES.get((function.handler.framework, function.handler.kind))
    elif model.aiohttp_middleware_of(function) is not None:
        owner = AIOHTTP_REQUEST
    else:
        return None
    parameters = _request_parameters(function)
    if not parameters or parameters[0] is not binding.node:
        return None
    return f"{owner}.{func.attr}" if owner else None


def _request_parameters(function: FunctionInfo) -> list[ast.arg]:
    """A handler's or middleware's positional parameters, after ``self`` for a method."""
    parameters = [*function.node.args.posonlyargs, *function.node.args.args]
    return parameters[1:] if function.class_info is not None else parameters


def _is_middleware_handler(func: ast.expr, model: SemanticModel) -> bool:
    """``handler`` in ``@web.middleware async def mw(request, handler)``: the next handler of the
    chain, a coroutine function."""
    if not isinstance(func, ast.Name):
        return False
    binding = model.lookup(func.id, func)
    if binding is None or binding.kind != "parameter":
        return False
    function = binding.scope.function
    if function is None or not function.is_async or model.aiohttp_middleware_of(function) is None:
        return False
    parameters = _request_parameters(function)
    return len(parameters) == 2 and parameters[1] is binding.node


def _is_view_request(expr: ast.expr, model: SemanticModel) -> bool:
    """``self.request`` in a method of an aiohttp ``web.View`` that handles requests."""
    if not (isinstance(expr, ast.Attribute) and expr.attr == "request" and isinstance(expr.value, ast.Name)):
        return False
    function = model.enclosing_function(expr)
    if function is None or function.class_info is None or function.handler is None or function.handler.framework != "aiohttp":
        return False
    parameters = [*function.node.args.posonlyargs, *function.node.args.args]
    return bool(parameters) and parameters[0].arg == expr.value.id


def _is_project_name(qualified_name: str) -> bool:
    """A relative import, or a top-level package that is neither stdlib nor a known library."""
    if qualified_name.startswith("."):
        return True
    root = qualified_name.split(".", 1)[0]
    return root not in sys.stdlib_module_names and root not in KNOWN_LIBRARIES


class UnawaitedCoroutine(Rule):
    """
    ## What it does
    Finds a coroutine function called as a statement of its own, its result never awaited: an
    `async def` of the same module or class (`fetch()`, `self.save()`, `cls.load()`, `Repo.get()`),
    a known coroutine API (`asyncio.sleep()`, `queue.put()` on an `asyncio.Queue`, `lock.acquire()`,
    `session.get()` on an `aiohttp.ClientSession`, `request.json()` and `websocket.send_text()` in
    Starlette, `resp.prepare()`, `ws.send_str()` and `request.post()` in aiohttp handlers and
    middlewares, a middleware's `handler(request)`…), or, in a coroutine, an `async def` imported from the
    project's own modules (resolved with jedi by the CLI and, in the background, by the language
    server).

    ## Why is this bad?
    Calling a coroutine function only creates a coroutine object; nothing of its body runs until it
    is awaited. The statement silently does nothing: the row is not saved, the message not sent, the
    sleep not slept. Python warns "coroutine ... was never awaited" only later, at garbage collection,
    far from the line at fault.

    ## Example
    ```python
    async def save(user):
        ...

    async def register(request):
        user = await request.json()
        save(user)
    ```

    ## Use instead
    ```python
    async def register(request):
        user = await request.json()
        await save(user)
    ```

    ## Fix safety
    Unsafe: adding `await` makes the caller wait for the coroutine, which may be slow or raise where
    nothing happened before; if it was meant to run in the background, keep a reference to
    `asyncio.create_task(...)` instead. The fix is offered only inside an `async def` and at the top
    level of a notebook's cells; a plain function cannot await (run the coroutine with `asyncio.run()` or make the function async).
    """

    code = "ASY110"
    name = "unawaited-coroutine"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "Coroutine called and never awaited: the call does nothing"
    guidelines = (
        Quote("asyncio", "Coroutine Design", "Use proper async/await syntax"),
        Quote("asyncio", "Coroutine Design", "Implement proper coroutine chaining"),
        Quote("asyncio", "Key Principles", "Implement proper coroutine design and composition"),
    )
    node_types = (ast.Expr,)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Add `await`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Expr)
        call = node.value
        if not isinstance(call, ast.Call):
            return
        callee = coroutine_callee(call, model)
        if callee is None:
            return
        shown = _WHITESPACE.sub("", model.segment(call.func))
        if callee in FUTURE_FUNCTIONS:
            consequence = "what it gathers runs, but nothing waits for it and its errors are lost"
        else:
            consequence = "the call does nothing"
        message = f"`{shown}()` is never awaited in {model.context_label(call)}: {consequence}; "
        if model.in_running_loop(call):
            message += "`await` it"
            fix = Applicability.UNSAFE
        else:
            message += "a plain function cannot await: run it with `asyncio.run()` or make the caller `async`"
            fix = None
        yield self.diagnostic(call, model, message, fix=fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if call is None or not isinstance(context.model.parent(call), ast.Expr):
            return None
        start = diagnostic.range
        at = Range(start.start_line, start.start_column, start.start_line, start.start_column)
        return Fix(self.fix_title, Applicability.UNSAFE, (Edit(at, "await "),))
