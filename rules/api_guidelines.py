"""Hovers on framework APIs: the guideline bullets about an API, and the rules that check it.

Hovering ``BaseHTTPMiddleware``, ``ClientSession``, ``create_task`` or a Sanic ``app.run`` in the
editor shows what the guidelines say about that API before any rule has something to report.

- ``API_RULES`` is the table: an API's qualified name, in its public spelling, -> the codes of the
  rules that check it. ``api_rules()`` adds the blocking-call rules' own ``calls`` tables
  (``time.sleep`` -> ASY100…), so those stay in one place.
- ``api_hover(name)`` answers for one qualified name (any spelling: ``aiohttp.client.ClientSession``,
  ``asyncio.tasks.create_task``, ``fastapi.Request``; ``canonical`` gives the public one): the
  bullets its rules cite, plus the bullets of its framework's document that mention it by name,
  each bullet once, ordered by document (the API's own framework first) and by place in it.
- ``reference_at(model, line, column)`` finds the name under the cursor in a module's
  ``SemanticModel`` (a name, an attribute, an imported name) and the qualified names it may stand
  for: ``model.qualified_name``, then, for ``x.method``, the method on ``x``'s type, on an event
  loop, on the classes a method's ``self`` derives from, or on a handler's request parameter.
- Names imported from the project's own modules (``from myapp.http import session_factory``) are
  resolved elsewhere, with jedi off the hover path (``rules.resolve``); ``needs_resolution`` says
  which names are worth asking about.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import weakref
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from .frameworks.aiohttp import canonical as aiohttp_canonical
from .blocking import BlockingCallRule
from .guidelines import DOCUMENTS, Bullet, bullets
from .model import FRAMEWORK_MODULES, FunctionInfo, SemanticModel
from .registry import all_rules
from .rule import Range, Rule
from .frameworks.sanic import canonical as sanic_canonical
from .frameworks.tornado import HANDLER_CLASSES
from .types import EVENT_LOOP_TYPES

EVENT_LOOP = "asyncio.AbstractEventLoop"
_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")


def _each(owners: Iterable[str], members: Iterable[str], codes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The same codes for every ``owner.member``."""
    return {f"{owner}.{member}": codes for owner in owners for member in members}


_FASTAPI_APPS = ("fastapi.FastAPI", "fastapi.APIRouter")
_STARLETTE_APPS = ("starlette.applications.Starlette", *_FASTAPI_APPS)
_SANIC_APPS = ("sanic.Sanic", "sanic.Blueprint")
_AIOHTTP_ROUTERS = ("aiohttp.web", "aiohttp.web.RouteTableDef", "aiohttp.web.Application.router")
_TORNADO_HANDLER = "tornado.web.RequestHandler"
_SQL_CURSORS = (
    "sqlite3.Connection", "sqlite3.Cursor", "psycopg2.extensions.cursor", "psycopg.Connection", "psycopg.Cursor",
    "pymysql.cursors.Cursor", "MySQLdb.cursors.Cursor",
)

#: qualified API name (the public spelling ``canonical`` gives) -> codes of the rules that check it.
#: The blocking calls of ASY100–ASY107 come from those rules' own tables (``api_rules``).
API_RULES: dict[str, tuple[str, ...]] = {
    # ---------------------------------------------------------------- asyncio
    "asyncio.create_task": ("ASY111", "STA011", "AIO013"),
    "asyncio.ensure_future": ("ASY111", "ASY123", "STA011", "AIO013"),
    f"{EVENT_LOOP}.create_task": ("ASY111", "STA011"),
    "asyncio.get_event_loop": ("ASY112",),
    "asyncio.run": ("ASY113",),
    "asyncio.Runner.run": ("ASY113",),
    "uvloop.run": ("ASY113",),
    f"{EVENT_LOOP}.run_until_complete": ("ASY113",),
    f"{EVENT_LOOP}.run_forever": ("ASY113",),
    "asyncio.coroutine": ("ASY114",),
    "asyncio.CancelledError": ("ASY115",),
    "asyncio.sleep": ("ASY110", "ASY116", "ASY118"),
    "asyncio.wait": ("ASY110", "ASY117", "ASY118", "ASY120"),
    "asyncio.gather": ("ASY118", "ASY120"),
    "asyncio.as_completed": ("ASY118", "ASY120"),
    "asyncio.wait_for": ("ASY110", "ASY118"),
    "asyncio.shield": ("ASY118",),
    "asyncio.to_thread": ("ASY110",),
    **_each(("asyncio",), ("open_connection", "start_server", "open_unix_connection", "start_unix_server"), ("ASY110", "ASY118")),
    **_each(("asyncio",), ("create_subprocess_exec", "create_subprocess_shell"), ("ASY110", "ASY118")),
    **_each(("asyncio",), ("Queue", "PriorityQueue", "LifoQueue", "Event"), ("ASY118",)),
    **_each(("asyncio",), ("Lock", "Semaphore", "BoundedSemaphore", "Condition"), ("ASY118", "ASY119")),
    **_each(("asyncio",), ("timeout", "timeout_at", "TaskGroup"), ("ASY119",)),
    "asyncio.iscoroutinefunction": ("ASY124",),
    **_each(
        ("asyncio",),
        (
            "get_event_loop_policy", "set_event_loop_policy", "AbstractEventLoopPolicy", "DefaultEventLoopPolicy",
            "WindowsSelectorEventLoopPolicy", "WindowsProactorEventLoopPolicy",
        ),
        ("ASY125",),
    ),
    "uvloop.EventLoopPolicy": ("ASY125",),
    "uvloop.install": ("ASY125",),
    # database drivers' query methods: SQL built from strings (the blocking ones also get ASY106)
    **_each(_SQL_CURSORS, ("execute", "executemany"), ("ASY122",)),
    **_each(("asyncpg.Connection", "asyncpg.Pool"), ("execute", "executemany", "fetch", "fetchrow", "fetchval"), ("ASY110", "ASY122")),
    # ---------------------------------------------------------------- Starlette / FastAPI
    "starlette.middleware.base.BaseHTTPMiddleware": ("STA001", "STA005"),
    **_each(_STARLETTE_APPS[:2], ("middleware",), ("STA001", "STA005")),
    **_each(_STARLETTE_APPS[:2], ("add_middleware",), ("STA001", "STA003", "STA004")),
    "starlette.middleware.Middleware": ("STA001", "STA003", "STA004"),
    "starlette.middleware.sessions.SessionMiddleware": ("STA003", "STA004"),
    "starlette.applications.Starlette": ("STA002", "STA012"),
    "fastapi.FastAPI": ("STA002", "STA012"),
    "starlette.routing.Router": ("STA012",),
    "fastapi.APIRouter": ("STA007", "STA012"),
    **_each(_STARLETTE_APPS, ("on_event", "add_event_handler"), ("STA012",)),
    "starlette.config.Config": ("STA002", "STA003"),
    "starlette.config.Secret": ("STA003",),
    "starlette.routing.Route": ("STA006", "STA007", "STA008"),
    "starlette.routing.WebSocketRoute": ("STA007", "STA009", "STA010"),
    "fastapi.routing.APIRoute": ("STA007",),
    "fastapi.routing.APIWebSocketRoute": ("STA007", "STA009", "STA010"),
    **_each(_STARLETTE_APPS, ("route", "add_route"), ("STA006", "STA007", "STA008")),
    **_each(_STARLETTE_APPS, ("websocket_route", "add_websocket_route"), ("STA009", "STA010")),
    **_each(_FASTAPI_APPS, _HTTP_VERBS, ("STA007", "STA008")),
    **_each(_FASTAPI_APPS, ("websocket",), ("STA007", "STA009", "STA010")),
    "starlette.endpoints.HTTPEndpoint": ("STA006",),
    "starlette.endpoints.WebSocketEndpoint": ("STA009",),
    **_each(("starlette.requests.Request",), ("body", "json", "form", "stream"), ("STA005",)),
    "starlette.requests.Request.path_params": ("STA008",),
    "starlette.websockets.WebSocket.accept": ("STA009",),
    **_each(("starlette.websockets.WebSocket",), ("receive_text", "receive_bytes", "receive_json"), ("STA009", "STA010")),
    **_each(("starlette.websockets.WebSocket",), ("send", "send_text", "send_bytes", "send_json", "receive"), ("STA009",)),
    "starlette.websockets.WebSocket.path_params": ("STA008",),
    "starlette.websockets.WebSocketDisconnect": ("STA010",),
    # ---------------------------------------------------------------- aiohttp
    "aiohttp.ClientSession": ("AIO001", "AIO002", "AIO004", "AIO006", "AIO011", "AIO013", "ASY119", "SAN010"),
    **_each(("aiohttp.ClientSession",), (*_HTTP_VERBS, "request"), ("AIO003", "AIO005", "ASY110")),
    "aiohttp.ClientSession.ws_connect": ("AIO005", "AIO014", "ASY110"),
    "aiohttp.ClientSession.close": ("AIO002", "ASY110"),
    "aiohttp.ClientResponse": ("AIO003", "ASY119"),
    **_each(("aiohttp.ClientResponse",), ("release", "close"), ("AIO003",)),
    "aiohttp.ClientTimeout": ("AIO006",),
    "aiohttp.TCPConnector": ("AIO005", "AIO011", "AIO013"),
    **_each(("aiohttp",), ("UnixConnector", "NamedPipeConnector", "CookieJar", "DummyCookieJar"), ("AIO011",)),
    "aiohttp.request": ("AIO005",),
    "ssl._create_unverified_context": ("AIO005",),
    "ssl.CERT_NONE": ("AIO005",),
    "aiohttp.web.middleware": ("AIO007", "AIO008", "AIO020"),
    "aiohttp.web.Application": ("AIO008", "AIO010", "AIO011", "AIO013"),
    **_each(("aiohttp.web.Application",), ("on_startup", "on_cleanup", "on_shutdown", "cleanup_ctx"), ("AIO013",)),
    "aiohttp.web.Application.middlewares": ("AIO008", "AIO020"),
    "aiohttp.web.Request.config_dict": ("AIO010",),
    "aiohttp.web.Request.app": ("AIO010",),
    "aiohttp.web.Response": ("AIO009",),
    "aiohttp.web.HTTPException": ("AIO012",),
    **_each(
        ("aiohttp.web",),
        ("HTTPFound", "HTTPSeeOther", "HTTPMovedPermanently", "HTTPBadRequest", "HTTPUnauthorized", "HTTPForbidden",
         "HTTPNotFound", "HTTPConflict", "HTTPInternalServerError"),
        ("AIO012",),
    ),
    "aiohttp.web.WebSocketResponse": ("AIO014", "AIO018"),
    "aiohttp.web.WebSocketResponse.receive": ("AIO014", "ASY110"),
    "aiohttp.ClientWebSocketResponse.receive": ("AIO014", "ASY110"),
    "aiohttp.WSMsgType": ("AIO014",),
    **_each(_AIOHTTP_ROUTERS[1:], ("add_static", "static"), ("AIO015",)),
    "aiohttp.web.static": ("AIO015",),
    **_each(_AIOHTTP_ROUTERS, (*_HTTP_VERBS, "route", "view"), ("AIO019",)),
    **_each(("aiohttp.web.Application.router",), (*(f"add_{verb}" for verb in _HTTP_VERBS), "add_route"), ("AIO019",)),
    "aiohttp.web.View": ("AIO019",),
    "aiohttp.web.run_app": ("AIO017",),
    "aiohttp_cors.setup": ("AIO016",),
    "aiohttp_cors.ResourceOptions": ("AIO016",),
    # ---------------------------------------------------------------- Sanic
    "sanic.Sanic": ("SAN003", "SAN007"),
    "sanic.Blueprint": ("SAN003", "SAN007"),
    "sanic.Sanic.run": ("SAN004", "SAN005"),
    **_each(("sanic.Sanic",), ("prepare", "create_server"), ("SAN005",)),
    "sanic.Sanic.ctx": ("SAN003",),
    "sanic.Request.ctx": ("SAN003",),
    "sanic.Request": ("SAN003",),
    **_each(_SANIC_APPS, (*_HTTP_VERBS, "route", "add_route"), ("SAN001", "SAN002", "SAN008", "SAN009")),
    **_each(_SANIC_APPS, ("websocket", "add_websocket_route"), ("SAN001", "SAN002", "SAN009", "SAN013")),
    **_each(_SANIC_APPS, ("middleware", "register_middleware"), ("SAN015",)),
    **_each(_SANIC_APPS, ("listener", "register_listener"), ("SAN016",)),
    **_each(_SANIC_APPS, ("exception",), ("SAN018",)),
    **_each(("sanic.response",), ("json", "text", "raw", "HTTPResponse"), ("SAN017",)),
    "sanic.views.HTTPMethodView": ("SAN001", "SAN002", "SAN008"),
    "sanic.Config": ("SAN006",),
    "sanic.Sanic.config": ("SAN006", "SAN014"),
    "sanic.Sanic.update_config": ("SAN006",),
    "sanic.response.file": ("SAN012",),
    "sanic.response.file_stream": ("SAN012",),
    "sanic.response.stream": ("SAN011",),
    "sanic.response.StreamingHTTPResponse": ("SAN011",),
    "sanic_ext.Extend": ("SAN014",),
    "sanic_ext.cors": ("SAN014",),
    # ---------------------------------------------------------------- Tornado
    _TORNADO_HANDLER: ("TOR002", "TOR004", "TOR009", "TOR010", "TOR011", "TOR015", "TOR017"),
    **_each((_TORNADO_HANDLER,), ("write", "finish"), ("TOR009", "TOR015", "TOR017")),
    f"{_TORNADO_HANDLER}.redirect": ("TOR015",),
    f"{_TORNADO_HANDLER}.render": ("TOR015", "TOR019"),
    f"{_TORNADO_HANDLER}.render_string": ("TOR019",),
    **_each((_TORNADO_HANDLER,), ("set_cookie", "get_cookie"), ("TOR010",)),
    **_each((_TORNADO_HANDLER,), ("set_secure_cookie", "get_secure_cookie", "get_secure_cookie_key_version"), ("TOR011",)),
    f"{_TORNADO_HANDLER}.clear_all_cookies": ("TOR003",),
    "tornado.websocket.WebSocketHandler": ("TOR007", "TOR016", "TOR018"),
    "tornado.websocket.WebSocketHandler.write_message": ("TOR016",),
    "tornado.websocket.WebSocketClosedError": ("TOR016",),
    "tornado.web.Application": ("TOR005", "TOR006", "TOR008", "TOR012", "TOR018"),
    "tornado.gen.coroutine": ("TOR001",),
    "tornado.gen.Return": ("TOR001",),
    **_each(("tornado.gen",), ("Task", "engine", "Callback", "Wait", "WaitAll", "maybe_future", "multi_future"), ("TOR003",)),
    "tornado.web.asynchronous": ("TOR002",),
    "tornado.httpclient.HTTPClient": ("TOR004",),
    "tornado.httpclient.AsyncHTTPClient.fetch": ("TOR003",),
    "tornado.ioloop.IOLoop.instance": ("TOR003", "TOR013"),
    "tornado.ioloop.IOLoop.current": ("TOR013",),
    "tornado.ioloop.IOLoop.start": ("TOR013",),
    **_each(("tornado.ioloop.IOLoop",), ("make_current", "clear_current", "install"), ("TOR003",)),
    "tornado.concurrent.run_on_executor": ("TOR014",),
    **_each(("tornado.template",), ("Loader", "DictLoader"), ("TOR012",)),
    "tornado.template.Template": ("TOR012", "TOR019"),
    "tornado.template.Loader.load": ("TOR019",),
    "tornado.options.define": ("TOR006",),
    "tornado.escape.json_encode": ("TOR017",),
}

#: asyncio's implementation modules, whose names the package re-exports (``asyncio.tasks.sleep``)
_ASYNCIO_SUBMODULES = frozenset(
    {
        "base_events", "coroutines", "events", "exceptions", "futures", "locks", "queues", "runners", "streams",
        "taskgroups", "tasks", "timeouts", "unix_events", "windows_events",
    }
)
#: other spellings of Starlette and FastAPI names -> the public one (the longest matching prefix is replaced)
_STARLETTE_PREFIXES: dict[str, str] = {
    "starlette.Starlette": "starlette.applications.Starlette",
    "starlette.datastructures.Secret": "starlette.config.Secret",
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "fastapi.Request": "starlette.requests.Request",
    "fastapi.requests": "starlette.requests",
    "fastapi.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.WebSocketDisconnect": "starlette.websockets.WebSocketDisconnect",
    "fastapi.websockets": "starlette.websockets",
    "fastapi.responses": "starlette.responses",
    "fastapi.middleware.Middleware": "starlette.middleware.Middleware",
}
#: API classes whose members are those of a base class in the table: Tornado's handler classes
#: derive from ``RequestHandler`` (``self.set_cookie`` in a ``WebSocketHandler``)
_INHERITED: dict[str, str] = {handler: _TORNADO_HANDLER for handler in HANDLER_CLASSES if handler != _TORNADO_HANDLER}

#: the type of a request handler's first parameter when it is not annotated, by (framework, kind)
_HANDLER_PARAMETER_TYPES: dict[tuple[str, str], str] = {
    ("starlette", "http"): "starlette.requests.Request",
    ("starlette", "websocket"): "starlette.websockets.WebSocket",
    ("aiohttp", "http"): "aiohttp.web.Request",
    ("sanic", "http"): "sanic.Request",
    ("sanic", "websocket"): "sanic.Request",
}

#: top-level modules never worth resolving with jedi: their names are spelled as they are
_LIBRARIES = frozenset(
    {
        *(module for modules in FRAMEWORK_MODULES.values() for module in modules),
        *sys.stdlib_module_names, "uvloop", "requests", "httpx", "urllib3", "redis", "pymongo",
        "psycopg", "psycopg2", "pymysql", "MySQLdb", "asyncpg", "aiofiles", "motor", "sqlalchemy", "pydantic",
    }
)


def canonical(name: str) -> str:
    """The public spelling of a qualified API name: ``aiohttp.client.ClientSession`` ->
    ``aiohttp.ClientSession``, ``asyncio.tasks.create_task`` -> ``asyncio.create_task``,
    ``asyncio.events.AbstractEventLoop.create_task`` (or ``uvloop.Loop.create_task``) ->
    ``asyncio.AbstractEventLoop.create_task``, ``fastapi.Request.json`` -> ``starlette.requests.Request.json``."""
    name = sanic_canonical(aiohttp_canonical(name)) or name
    parts = name.split(".")
    if parts[0] == "asyncio" and len(parts) > 2 and parts[1] in _ASYNCIO_SUBMODULES:
        name = ".".join(["asyncio", *parts[2:]])
    for prefix in sorted(_STARLETTE_PREFIXES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return _STARLETTE_PREFIXES[prefix] + name[len(prefix) :]
    owner, _, member = name.rpartition(".")
    if owner in EVENT_LOOP_TYPES:
        return f"{EVENT_LOOP}.{member}"
    return name


@functools.cache
def api_rules() -> dict[str, tuple[str, ...]]:
    """``API_RULES`` plus every call the blocking-call rules' tables name (``calls`` of each
    ``BlockingCallRule``, ``prefix.*`` keys included), by public name."""
    table = {name: list(codes) for name, codes in API_RULES.items()}
    for code, rule in all_rules().items():
        if issubclass(rule, BlockingCallRule):
            for call in rule.calls:
                codes = table.setdefault(call, [])
                if code not in codes:
                    codes.append(code)
    return {name: tuple(codes) for name, codes in table.items()}


def _codes(name: str) -> tuple[str, ...]:
    """The codes of the rules checking ``name`` (public spelling), through ``prefix.*`` keys too."""
    table = api_rules()
    found = table.get(name)
    if found is not None:
        return found
    prefix = name
    while "." in prefix:
        prefix = prefix.rsplit(".", 1)[0]
        found = table.get(f"{prefix}.*")
        if found is not None:
            return found
    return ()


def framework_document(name: str) -> str | None:
    """The guideline document of the framework a qualified name belongs to (``fastapi.*`` ->
    ``starlette``), or None for other libraries."""
    root = name.split(".", 1)[0]
    return next((framework for framework in DOCUMENTS if root in FRAMEWORK_MODULES[framework]), None)


@functools.cache
def _mentions(name: str) -> tuple[Bullet, ...]:
    """The bullets of the name's framework document that name its last part as a word, in
    backticks or plain (``WebSocketRoute``, `` `BaseHTTPMiddleware` ``, ``create_task``).

    A plain lowercase word (``sleep``, ``response``, ``headers``) is also English: it counts only
    for the APIs of the table (``asyncio.sleep``: "Create proper sleep calls"), not for any name
    of a framework (``sanic.response``, a module, would match every bullet about responses).
    """
    document = framework_document(name)
    if document is None or "." not in name:
        return ()
    last = name.rsplit(".", 1)[1]
    if last.islower() and "_" not in last and not _codes(name):
        return ()
    word = re.compile(rf"(?<!\w){re.escape(last)}(?!\w)")
    return tuple(bullet for bullet in bullets(document) if word.search(bullet.text))


@dataclass(frozen=True)
class ApiHover:
    """What a hover on an API shows: its public name, the guideline bullets about it, its rules."""

    name: str
    quotes: tuple[Bullet, ...]
    rules: tuple[type[Rule], ...]


def api_hover(qualified_name: str, frameworks: Collection[str] | None = None) -> ApiHover | None:
    """The bullets about an API and the rules that check it; None when there are neither.

    ``frameworks``, when given, are those the hovered module uses (``model.frameworks``): rules and
    bullets of other frameworks are left out (``time.sleep`` in a Sanic app does not quote how
    Tornado offloads blocking calls). asyncio's and the API's own framework's always stay.
    """
    return _api_hover(qualified_name, None if frameworks is None else frozenset(frameworks))


@functools.cache
def _api_hover(qualified_name: str, frameworks: frozenset[str] | None) -> ApiHover | None:
    name = canonical(qualified_name)
    own = framework_document(name)
    shown = None if frameworks is None else {"asyncio", own, *frameworks}
    known = all_rules()
    owner, _, member = name.rpartition(".")
    codes = _codes(name) or (_codes(f"{_INHERITED[owner]}.{member}") if owner in _INHERITED else ())
    rules = tuple(known[code] for code in codes if code in known)
    if shown is not None:
        rules = tuple(rule for rule in rules if rule.framework in shown)
    quotes: dict[Bullet, None] = {}
    for rule in rules:
        for quote in rule.cited_guidelines():
            try:
                quotes[quote.resolve()] = None
            except LookupError:  # a misquoted bullet fails the rule metadata tests; the hover goes on
                continue
    quotes.update(dict.fromkeys(_mentions(name)))
    if shown is not None:
        quotes = {bullet: None for bullet in quotes if bullet.document in shown}
    if not rules and not quotes:
        return None
    order = [own, *DOCUMENTS] if own else list(DOCUMENTS)
    ordered = sorted(quotes, key=lambda bullet: (order.index(bullet.document), bullet.line))
    return ApiHover(name, tuple(ordered), rules)


def needs_resolution(name: str) -> bool:
    """True for a name of the project's own modules (``myapp.http.session_factory``,
    ``.http.session_factory``), which may re-export an API that only jedi can follow; False for
    the standard library, the frameworks and the libraries the table knows."""
    return name.startswith(".") or name.split(".", 1)[0] not in _LIBRARIES


def project_imports(model: SemanticModel) -> list[str]:
    """The names a module imports at module level from the project's own modules
    (``needs_resolution``), whose re-exports are worth learning before anyone hovers them."""
    return [
        binding.imported
        for bindings in model.module_scope.bindings.values()
        for binding in bindings
        if binding.kind == "import" and binding.imported is not None and needs_resolution(binding.imported)
    ]


# ------------------------------------------------------------------------------ the name under the cursor


@dataclass(frozen=True)
class ApiReference:
    """A name in a module that may stand for an API: the identifier's range, and the qualified
    names it may stand for, most precise first."""

    range: Range
    names: tuple[str, ...]


def reference_at(model: SemanticModel, line: int, column: int) -> ApiReference | None:
    """The name, attribute or imported name at a (0-based line, code-point column) position of the
    model's source, and what it may stand for; None elsewhere or when it stands for nothing known
    to the module (a local variable, a parameter)."""
    for node, range_ in _identifiers_at(model, line, column):
        names = tuple(dict.fromkeys(_names(model, node)))
        if names:
            return ApiReference(range_, names)
    return None


#: per model, the names, attributes and imported names on each line (0-based), built on first use
_NAMES_BY_LINE: weakref.WeakKeyDictionary[SemanticModel, dict[int, list[ast.AST]]] = weakref.WeakKeyDictionary()


def _identifiers_at(model: SemanticModel, line: int, column: int) -> Iterator[tuple[ast.AST, Range]]:
    """The identifiers whose text holds the position (its end included): names, the attribute
    part of ``x.attr``, the names of import statements."""
    by_line = _NAMES_BY_LINE.get(model)
    if by_line is None:
        by_line = _NAMES_BY_LINE[model] = {}
        for node_type in (ast.Name, ast.Attribute, ast.alias):
            for node in model.nodes(node_type):
                for row in range(node.lineno - 1, node.end_lineno):  # type: ignore[attr-defined]
                    by_line.setdefault(row, []).append(node)
    for node in by_line.get(line, ()):
        for range_ in _identifier_ranges(node, model.range_of(node)):
            if range_.contains(line, column):
                yield node, range_


def _identifier_ranges(node: ast.AST, whole: Range) -> tuple[Range, ...]:
    """Where the identifiers of a node stand: all of a name; the ``attr`` of ``x.attr``, which
    ends it; both names of ``name as asname``, which start and end it."""
    if isinstance(node, ast.Attribute):
        return (Range(whole.end_line, whole.end_column - len(node.attr), whole.end_line, whole.end_column),)
    if isinstance(node, ast.alias) and node.asname is not None:
        start = Range(whole.start_line, whole.start_column, whole.start_line, whole.start_column + len(node.name))
        end = Range(whole.end_line, whole.end_column - len(node.asname), whole.end_line, whole.end_column)
        return (start, end)
    return (whole,)


def _names(model: SemanticModel, node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.alias):
        yield from _imported(model, node)
        return
    name = model.qualified_name(node)
    if name is not None:
        yield name
    if not isinstance(node, ast.Attribute):
        return
    receiver = node.value
    for owner in (model.instance_type(receiver), *_receiver_types(model, receiver)):
        if owner is not None:
            yield f"{owner}.{node.attr}"


def _imported(model: SemanticModel, alias: ast.alias) -> Iterator[str]:
    statement = model.parent(alias)
    if isinstance(statement, ast.ImportFrom) and alias.name != "*":
        module = "." * statement.level + (statement.module or "")
        yield f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name
    elif isinstance(statement, ast.Import):
        yield alias.name


def _receiver_types(model: SemanticModel, receiver: ast.expr) -> Iterator[str]:
    """What the module says about ``receiver`` beyond its type: an event loop by its name
    (``loop``), the API classes a method's ``self`` derives from, the request of a handler."""
    if model.is_event_loop(receiver):
        yield EVENT_LOOP
    if not isinstance(receiver, ast.Name):
        return
    function = model.enclosing_function(receiver)
    if function is None or _first_parameter(function) != receiver.id:
        return
    binding = model.lookup(receiver.id, receiver)
    if binding is None or binding.kind != "parameter" or binding.scope is not function.scope:
        return
    if function.class_info is not None:
        yield from (base for base in model.base_classes(function.class_info) if isinstance(base, str))
    elif function.handler is not None:  # FastAPI injects by annotation only: not in the table
        found = _HANDLER_PARAMETER_TYPES.get((function.handler.framework, function.handler.kind))
        if found is not None:
            yield found


def _first_parameter(function: FunctionInfo) -> str | None:
    arguments = function.node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    return positional[0].arg if positional else None
