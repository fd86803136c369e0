from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..frameworks.tornado import GEN_COROUTINE, RUN_ON_EXECUTOR, decorator_names, handler_self, method_owner


@dataclass(frozen=True)
class Change:
    """What happened to an API: removed (the code fails) or deprecated (it still works, for now)."""

    removed: bool
    version: str
    instead: str
    #: the attribute a safe fix writes in its place (``IOLoop.instance`` -> ``IOLoop.current``)
    rename: str | None = None


_YIELD_POINTS = "Futures: `await` them (`await gen.multi([...])` for several)"
_ASYNCIO_LOOP = "`IOLoop`, which always runs on asyncio since Tornado 5"
_SLOW_CALLBACKS = "asyncio debug mode (`PYTHONASYNCIODEBUG=1`), which logs slow callbacks"
_LOOP_RESOLVER = "`tornado.netutil.DefaultLoopResolver`"
_RUN_LOOP = "`asyncio.run(main())`, inside which `IOLoop.current()` is the running loop"

#: qualified names of APIs Tornado removed or deprecated; an entry naming a module covers all of it
APIS: dict[str, Change] = {
    # removed in 6.0 (all of them deprecated in 5.1, most much earlier)
    "tornado.gen.Task": Change(True, "6.0", "a call without the callback, awaiting the Future it returns"),
    "tornado.gen.engine": Change(True, "6.0", "`async def` (or `@gen.coroutine`)"),
    "tornado.gen.Callback": Change(True, "6.0", _YIELD_POINTS),
    "tornado.gen.Wait": Change(True, "6.0", _YIELD_POINTS),
    "tornado.gen.WaitAll": Change(True, "6.0", _YIELD_POINTS),
    "tornado.gen.YieldPoint": Change(True, "6.0", _YIELD_POINTS),
    "tornado.gen.MultiYieldPoint": Change(True, "6.0", "`gen.multi()`"),
    "tornado.gen.YieldFuture": Change(True, "6.0", "the Future itself, awaited"),
    "tornado.gen.Arguments": Change(True, "6.0", "Futures, which carry one result"),
    "tornado.concurrent.return_future": Change(True, "6.0", "a function that returns a Future, or `async def`"),
    "tornado.concurrent.Future.exc_info": Change(True, "6.0", "`future.exception()`"),
    "tornado.concurrent.Future.set_exc_info": Change(True, "6.0", "`tornado.concurrent.future_set_exc_info(future, exc_info)`"),
    "tornado.stack_context": Change(True, "6.0", "`contextvars`, and `try`/`except` in coroutines"),
    "tornado.wsgi.WSGIApplication": Change(True, "6.0", "a `tornado.web.Application` served by Tornado's own `HTTPServer`"),
    "tornado.wsgi.WSGIAdapter": Change(True, "6.0", "a `tornado.web.Application` served by Tornado's own `HTTPServer`"),
    "tornado.ioloop.IOLoop.set_blocking_signal_threshold": Change(True, "6.0", _SLOW_CALLBACKS),
    "tornado.ioloop.IOLoop.set_blocking_log_threshold": Change(True, "6.0", _SLOW_CALLBACKS),
    "tornado.ioloop.IOLoop.log_stack": Change(True, "6.0", _SLOW_CALLBACKS),
    "tornado.ioloop.IOLoop.handle_callback_exception": Change(
        True, "6.0", "a `try`/`except` in the callback, or the asyncio loop's `set_exception_handler()`"
    ),
    "tornado.ioloop.PollIOLoop": Change(True, "6.0", _ASYNCIO_LOOP),
    "tornado.platform.epoll": Change(True, "6.0", _ASYNCIO_LOOP),
    "tornado.platform.kqueue": Change(True, "6.0", _ASYNCIO_LOOP),
    "tornado.platform.select": Change(True, "6.0", _ASYNCIO_LOOP),
    "tornado.platform.common": Change(True, "6.0", _ASYNCIO_LOOP),
    "tornado.platform.twisted.TornadoReactor": Change(True, "6.0", "Twisted's `asyncioreactor`"),
    "tornado.platform.twisted.TwistedIOLoop": Change(True, "6.0", "Twisted's `asyncioreactor`"),
    "tornado.util.PY3": Change(True, "6.0", "`True` (Tornado 6 runs on Python 3 only), or drop the check"),
    # deprecated, still there
    "tornado.ioloop.IOLoop.instance": Change(False, "5.0", "`IOLoop.current()`", rename="current"),
    "tornado.ioloop.IOLoop.install": Change(False, "5.0", _RUN_LOOP),
    "tornado.ioloop.IOLoop.clear_instance": Change(False, "5.0", _RUN_LOOP),
    "tornado.ioloop.IOLoop.make_current": Change(False, "6.2", _RUN_LOOP),
    "tornado.ioloop.IOLoop.clear_current": Change(False, "6.2", _RUN_LOOP),
    "tornado.ioloop.IOLoop.add_callback_from_signal": Change(
        False, "6.4", "`asyncio.get_running_loop().add_signal_handler()`"
    ),
    "tornado.gen.maybe_future": Change(False, "4.3", "`await` on what is awaitable, checking first for the plain results you expect"),
    "tornado.gen.multi_future": Change(False, "4.3", "`gen.multi()`", rename="multi"),
    "tornado.platform.asyncio.AsyncIOMainLoop": Change(False, "5.0", "`IOLoop.current()`, which wraps the running asyncio loop"),
    "tornado.platform.asyncio.AnyThreadEventLoopPolicy": Change(False, "6.2", "an event loop started explicitly in each thread (`asyncio.run()`)"),
    "tornado.netutil.ExecutorResolver": Change(False, "5.0", _LOOP_RESOLVER),
    "tornado.netutil.BlockingResolver": Change(False, "5.0", _LOOP_RESOLVER),
    "tornado.netutil.ThreadedResolver": Change(False, "5.0", _LOOP_RESOLVER),
    "tornado.netutil.DefaultExecutorResolver": Change(False, "6.2", _LOOP_RESOLVER),
}

#: the entries of ``APIS`` that are whole modules: every name in them is gone with them
REMOVED_MODULES = frozenset(
    {"tornado.stack_context", "tornado.platform.epoll", "tornado.platform.kqueue", "tornado.platform.select", "tornado.platform.common"}
)

#: ``self.request.<attribute>`` in a handler: ``HTTPServerRequest`` methods removed in 6.0
REQUEST_METHODS: dict[str, Change] = {
    "write": Change(True, "6.0", "`self.write()` (and `self.flush()`)"),
    "finish": Change(True, "6.0", "`self.finish()`"),
    "supports_http_1_1": Change(True, "6.0", '`self.request.version == "HTTP/1.1"`'),
}

#: ``self.<method>`` in a handler: ``RequestHandler`` methods deprecated or removed
HANDLER_METHODS: dict[str, Change] = {
    "clear_all_cookies": Change(False, "6.3", "`self.clear_cookie(name)` for each cookie the application sets"),
}

_STREAMS = (
    "tornado.iostream.BaseIOStream", "tornado.iostream.IOStream", "tornado.iostream.SSLIOStream",
    "tornado.iostream.PipeIOStream",
)
_HTTP_CLIENTS = (
    "tornado.httpclient.AsyncHTTPClient", "tornado.simple_httpclient.SimpleAsyncHTTPClient",
    "tornado.curl_httpclient.CurlAsyncHTTPClient",
)
_RESOLVERS = tuple(
    f"tornado.netutil.{name}"
    for name in (
        "Resolver", "DefaultExecutorResolver", "DefaultLoopResolver", "ExecutorResolver", "BlockingResolver",
        "ThreadedResolver", "OverrideResolver",
    )
)
#: receivers: "any" (the name is Tornado's own), "handler" (``self`` of a request handler), "auth"
#: (``self`` of a class using a ``tornado.auth`` mixin), or the classes the receiver must be typed as
ANY, HANDLER, AUTH = "any", "handler", "auth"

#: method name -> (receivers, the keyword arguments removed in Tornado 6.0)
CALLBACK_METHODS: dict[str, tuple[str | tuple[str, ...], tuple[str, ...]]] = {
    "fetch": (_HTTP_CLIENTS, ("callback",)),
    "read_until": (ANY, ("callback",)),
    "read_until_regex": (ANY, ("callback",)),
    "read_into": (ANY, ("callback",)),
    "read_bytes": (ANY, ("callback", "streaming_callback")),
    "read_until_close": (ANY, ("callback", "streaming_callback")),
    "wait_for_handshake": (ANY, ("callback",)),
    "write": (_STREAMS, ("callback",)),
    "connect": (_STREAMS, ("callback",)),
    "resolve": (_RESOLVERS, ("callback",)),
    "flush": (HANDLER, ("callback",)),
    **{
        method: (AUTH, ("callback",))
        for method in (
            "get_authenticated_user", "authorize_redirect", "authenticate_redirect", "oauth2_request",
            "twitter_request", "facebook_request",
        )
    },
}
#: functions whose ``callback=`` argument is deprecated (still accepted): name -> (version, advice)
DEPRECATED_CALLBACKS = {"tornado.websocket.websocket_connect": ("6.5", "`await` the connection it returns")}
#: every keyword argument the two tables above (and ``@gen.coroutine`` functions) report
_CALLBACK_KEYWORDS = frozenset({"callback", *(keyword for _, keywords in CALLBACK_METHODS.values() for keyword in keywords)})


class RemovedApi(Rule):
    """
    ## What it does
    Finds uses of Tornado APIs that Tornado 6 removed, and of deprecated ones, from a table of
    qualified names kept in this rule's file:

    - removed in 6.0: `gen.Task`, `gen.engine`, `gen.Callback`/`Wait`/`WaitAll`/`YieldPoint`,
      `concurrent.return_future`, the `tornado.stack_context` module, `tornado.wsgi`'s
      `WSGIApplication`/`WSGIAdapter`, `IOLoop.set_blocking_log_threshold` and friends,
      `PollIOLoop` and the `tornado.platform` poller modules, `self.request.write()`/`finish()`,
      and the `callback=` arguments of `AsyncHTTPClient.fetch`, the `IOStream` read/write methods,
      `Resolver.resolve`, `RequestHandler.flush`, the `tornado.auth` mixins, and of functions under
      `@gen.coroutine` or `@run_on_executor`;
    - deprecated: `IOLoop.instance()` (use `IOLoop.current()`), `IOLoop.make_current()`/
      `clear_current()`/`install()`, `gen.maybe_future`, `gen.multi_future`, `AsyncIOMainLoop`,
      `AnyThreadEventLoopPolicy`, the executor resolvers, `clear_all_cookies()`, and
      `websocket_connect(callback=...)`.

    Removed APIs are reported as errors, deprecated ones as warnings.

    ## Why is this bad?
    A removed API fails as soon as it is reached: an `ImportError` or `AttributeError` when the
    module loads, or a `TypeError` for a `callback=` argument the method no longer takes. Tornado
    6.0 dropped the callback-style interfaces in favour of Futures and coroutines. Deprecated
    APIs still work but warn, and are due to go; most stand for a model of the event loop
    (a global singleton, a "current" loop that is not running) that asyncio no longer has.

    ## Example
    ```python
    from tornado import gen
    from tornado.httpclient import AsyncHTTPClient
    from tornado.ioloop import IOLoop

    @gen.engine
    def crawl(url, callback):
        response = yield gen.Task(AsyncHTTPClient().fetch, url)
        callback(response.body)

    IOLoop.instance().add_callback(start)
    ```

    ## Use instead
    ```python
    from tornado.httpclient import AsyncHTTPClient
    from tornado.ioloop import IOLoop

    async def crawl(url):
        response = await AsyncHTTPClient().fetch(url)
        return response.body

    IOLoop.current().add_callback(start)
    ```

    ## Fix safety
    Safe, where offered: `IOLoop.instance()` has been an alias of `IOLoop.current()` since
    Tornado 5.0, and `gen.multi_future()` of `gen.multi()` since 6.0, so the fix renames the
    attribute. Everything else needs the surrounding code restructured around Futures and has no
    automatic fix.
    """

    code = "TOR003"
    name = "removed-tornado-api"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "Tornado API removed in 6.0 (`gen.Task`, `callback=`…) or deprecated (`IOLoop.instance()`…)"
    guidelines = (
        Quote("tornado", "Asynchronous Programming", "Create appropriate callback patterns"),
        Quote("tornado", "Asynchronous Programming", "Use proper Future objects"),
        Quote("tornado", "Key Principles", "Follow established Tornado best practices"),
    )
    node_types = (ast.alias, ast.ImportFrom, ast.Attribute, ast.Call)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use the current name"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.alias):
            yield from self._check_import(node, model)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            found = _lookup(module) if node.level == 0 else None
            if found is not None:
                yield self._report(node, model, found[0], found[1], shown=module)
        elif isinstance(node, ast.Attribute):
            yield from self._check_attribute(node, model)
        else:
            assert isinstance(node, ast.Call)
            yield from self._check_callbacks(node, model)

    def _check_import(self, alias: ast.alias, model: SemanticModel) -> Iterator[Diagnostic]:
        statement = model.parent(alias)
        if isinstance(statement, ast.Import):
            name = alias.name
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module and alias.name != "*":
            if _lookup(statement.module) is not None:
                return  # the whole statement is reported
            name = f"{statement.module}.{alias.name}"
        else:
            return
        found = _lookup(name)
        if found is not None:
            yield self._report(alias, model, found[0], found[1], shown=name)

    def _check_attribute(self, node: ast.Attribute, model: SemanticModel) -> Iterator[Diagnostic]:
        if not isinstance(node.ctx, ast.Load):
            return
        request = node.value
        if (
            node.attr in REQUEST_METHODS
            and isinstance(request, ast.Attribute)
            and request.attr == "request"
            and handler_self(model, request.value) is not None
        ):
            yield self._report(node, model, f"HTTPServerRequest.{node.attr}", REQUEST_METHODS[node.attr])
            return
        if node.attr in HANDLER_METHODS and handler_self(model, node.value) is not None:
            yield self._report(node, model, f"RequestHandler.{node.attr}", HANDLER_METHODS[node.attr])
            return
        name = model.qualified_name(node)
        found = _lookup(name) if name else None
        if found is None:
            return
        outer = model.qualified_name(node.value)
        if outer is not None and _lookup(outer) is not None:
            return  # the shorter reference is reported
        key, change = found
        if key in REMOVED_MODULES and _imported_explicitly(model, node, key):
            return  # ``import tornado.stack_context`` is reported, not each use
        fixable = change.rename is not None and key == name
        yield self._report(node, model, key, change, fix=Applicability.SAFE if fixable else None)

    def _check_callbacks(self, call: ast.Call, model: SemanticModel) -> Iterator[Diagnostic]:
        # any function decorated with `@gen.coroutine` may be the callee, so no `callees`; but every
        # report is of a callback keyword, which most calls have not
        if not any(keyword.arg in _CALLBACK_KEYWORDS for keyword in call.keywords):
            return
        removed = _removed_callbacks(call, model)
        for keyword in call.keywords:
            if keyword.arg in removed:
                message = (
                    f"the `{keyword.arg}=` argument of `{model.segment(call.func)}()` was removed in Tornado 6.0 "
                    "(TypeError); `await` the Future the call returns instead"
                )
                yield self.diagnostic(keyword, model, message)
        deprecated = DEPRECATED_CALLBACKS.get(model.qualified_name(call.func) or "")
        if deprecated is not None:
            keyword = next((k for k in call.keywords if k.arg == "callback"), None)
            if keyword is not None:
                version, advice = deprecated
                message = f"the `callback=` argument of `{model.segment(call.func)}()` is deprecated since Tornado {version}; {advice}"
                diagnostic = self.diagnostic(keyword, model, message)
                diagnostic.severity = Severity.WARNING
                yield diagnostic

    def _report(
        self,
        node: ast.AST,
        model: SemanticModel,
        name: str,
        change: Change,
        fix: Applicability | None = None,
        shown: str | None = None,
    ) -> Diagnostic:
        what = f"`{shown or _short(name)}`"
        if change.removed:
            message = f"{what} was removed in Tornado {change.version}; use {change.instead}"
        else:
            message = f"{what} is deprecated since Tornado {change.version}; use {change.instead}"
        data = {"rename": change.rename} if fix is not None else None
        diagnostic = self.diagnostic(node, model, message, fix=fix, data=data)
        if not change.removed:
            diagnostic.severity = Severity.WARNING
        return diagnostic

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        rename = diagnostic.data.get("rename")
        node = context.node_at(diagnostic.range, ast.Attribute)
        if not isinstance(rename, str) or not isinstance(node, ast.Attribute):
            return None
        edit = context.rewrite_expression(node, lambda e: e.with_changes(attr=cst.Name(rename)))  # type: ignore[attr-defined]
        return Fix(f"Use `{rename}`", Applicability.SAFE, (edit,))


def _lookup(name: str) -> tuple[str, Change] | None:
    """The table entry for a qualified name: its own, or that of the removed module holding it."""
    if name in APIS:
        return name, APIS[name]
    prefix = name
    while "." in prefix:
        prefix = prefix.rsplit(".", 1)[0]
        if prefix in REMOVED_MODULES:
            return prefix, APIS[prefix]
    return None


def _short(name: str) -> str:
    """How messages name an API: from its module on (``IOLoop.instance``, ``gen.Task``)."""
    parts = name.split(".")
    if parts[0] == "tornado" and len(parts) > 2:
        return ".".join(parts[1:]) if parts[1] != "ioloop" else ".".join(parts[2:])
    return name


def _imported_explicitly(model: SemanticModel, node: ast.Attribute, module: str) -> bool:
    """True when the reference's root name comes from an ``import`` of the removed module itself."""
    root: ast.expr = node
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return False
    binding = model.lookup(root.id, root)
    statement = binding.node if binding is not None else None
    return isinstance(statement, ast.Import) and any(
        alias.name == module or alias.name.startswith(module + ".") for alias in statement.names
    )


def _removed_callbacks(call: ast.Call, model: SemanticModel) -> tuple[str, ...]:
    """The keyword arguments of this call that Tornado 6.0 removed."""
    function = model.function_def(call.func)
    if function is not None and decorator_names(model, function) & {GEN_COROUTINE, RUN_ON_EXECUTOR}:
        return ("callback",)
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in CALLBACK_METHODS:
        return ()
    receivers, keywords = CALLBACK_METHODS[call.func.attr]
    receiver = call.func.value
    if receivers == ANY:
        return keywords
    if receivers == HANDLER:
        return keywords if handler_self(model, receiver) is not None else ()
    if receivers == AUTH:
        return keywords if _auth_self(model, receiver) else ()
    return keywords if model.instance_type(receiver) in receivers else ()


def _auth_self(model: SemanticModel, receiver: ast.expr) -> bool:
    """True for ``self`` in a class that uses one of the ``tornado.auth`` mixins."""
    if not isinstance(receiver, ast.Name):
        return False
    function = method_owner(model, receiver)
    if function is None or function.class_info is None:
        return False
    return any(isinstance(base, str) and base.startswith("tornado.auth.") for base in model.base_classes(function.class_info))
