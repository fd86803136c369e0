from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..frameworks.sanic import callback_kind, is_app, is_blueprint, is_request

#: the attributes a ``Sanic`` application really has (slots, properties, methods, class attributes, as
#: of Sanic 25.12): setting any other raises ``AttributeError`` (Sanic 21.12 and later)
APP_ATTRIBUTES = frozenset(
    {
        "START_METHOD_SET", "ack", "add_route", "add_signal", "add_task", "add_websocket_route",
        "after_reload_trigger", "after_server_start", "after_server_stop", "all_exceptions", "amend",
        "asgi", "asgi_client", "auto_reload", "before_reload_trigger", "before_server_start",
        "before_server_stop", "blueprint", "blueprints", "cancel_task", "catch_exception",
        "certloader_class", "command", "config", "configure_logging", "create_server", "ctx", "debug",
        "delete", "dispatch", "dispatch_delayed_tasks", "enable_websocket", "error_handler", "event",
        "exception", "ext", "extend", "finalize", "finalize_middleware", "generate_name", "get",
        "get_address", "get_app", "get_motd_data", "get_server_location", "get_task", "go_fast",
        "handle_exception", "handle_request", "head", "inspector", "inspector_class", "listener",
        "listeners", "loop", "m", "main_process_ready", "main_process_start", "main_process_stop",
        "make_coffee", "manager", "middleware", "motd", "multiplexer", "name", "named_request_middleware",
        "named_response_middleware", "on_request", "on_response", "options", "patch", "post", "prepare",
        "purge_tasks", "put", "refresh", "register_app", "register_listener", "register_middleware",
        "register_named_middleware", "reload_dirs", "reload_process_start", "reload_process_stop",
        "repl_ctx", "report_exception", "request_class", "request_middleware", "response_middleware",
        "route", "router", "run", "run_delayed_task", "serve", "serve_location", "serve_single",
        "set_serving", "setup_loop", "shared_ctx", "should_auto_reload", "shutdown_tasks", "signal",
        "signal_router", "signalize", "sock", "start_method", "state", "static", "stop", "strict_slashes",
        "tasks", "test_client", "test_mode", "unregister_app", "update_config", "url_for", "websocket",
        "websocket_enabled", "websocket_tasks",
        # internal slots, set by Sanic and its extensions
        "_asgi_app", "_asgi_client", "_asgi_lifespan", "_blueprint_order", "_delayed_tasks", "_ext",
        "_future_commands", "_future_exceptions", "_future_listeners", "_future_middleware", "_future_registry",
        "_future_routes", "_future_signals", "_future_statics", "_inspector", "_manager", "_state",
        "_task_registry", "_test_client", "_test_manager",
    }
)
#: the attributes a ``Blueprint`` really has
BLUEPRINT_ATTRIBUTES = frozenset(
    {
        "add_route", "add_signal", "add_websocket_route", "after_reload_trigger", "after_server_start",
        "after_server_stop", "all_exceptions", "apps", "before_reload_trigger", "before_server_start",
        "before_server_stop", "catch_exception", "command", "copied_from", "copy", "ctx", "delete",
        "dispatch", "event", "exception", "exceptions", "finalize_middleware", "generate_name", "get",
        "group", "head", "host", "listener", "listeners", "main_process_ready", "main_process_start",
        "main_process_stop", "middleware", "middlewares", "name", "on_request", "on_response", "options",
        "patch", "post", "put", "register", "register_futures", "registered", "reload_process_start",
        "reload_process_stop", "reset", "route", "routes", "signal", "static", "statics", "strict_slashes",
        "url_prefix", "version", "version_prefix", "websocket", "websocket_routes",
        # internal slots
        "_allow_route_overwrite", "_apps", "_future_commands", "_future_exceptions", "_future_listeners",
        "_future_middleware", "_future_routes", "_future_signals", "_future_statics",
    }
)
#: the attributes a ``Request`` really has (its ``__slots__``, properties and methods)
REQUEST_ATTRIBUTES = frozenset(
    {
        "accept", "app", "args", "body", "client_ip", "conn_info", "content_type", "cookies", "credentials",
        "ctx", "endpoint", "files", "form", "forwarded", "generate_id", "get_args", "get_cookies",
        "get_current", "get_form", "get_query_args", "head", "headers", "host", "id", "ip", "is_cacheable",
        "is_idempotent", "is_safe", "json", "load_json", "make_context", "match_info", "method", "name",
        "network_paths", "parsed_accept", "parsed_args", "parsed_cookies", "parsed_credentials",
        "parsed_files", "parsed_form", "parsed_forwarded", "parsed_json", "parsed_not_grouped_args",
        "parsed_token", "path", "port", "protocol", "query_args", "query_string", "raw_headers", "raw_url",
        "receive_body", "remote_addr", "request_line", "reset_response", "respond", "responded", "route",
        "scheme", "scope", "server_name", "server_path", "server_port", "socket", "stream", "stream_id",
        "token", "transport", "uri_template", "url", "url_for", "version",
        # internal slots
        "_cookies", "_ctx", "_id", "_ip", "_match_info", "_name", "_parsed_url", "_port", "_protocol",
        "_remote_addr", "_request_middleware_started", "_response_middleware_started", "_scheme", "_socket",
        "_stream_id",
    }
)

#: owner kind -> (what to call it in messages, its real attributes)
OWNERS: dict[str, tuple[str, frozenset[str]]] = {
    "app": ("Sanic app", APP_ATTRIBUTES),
    "blueprint": ("Sanic blueprint", BLUEPRINT_ATTRIBUTES),
    "request": ("Sanic request", REQUEST_ATTRIBUTES),
}


class AttributeInsteadOfCtx(Rule):
    """
    ## What it does
    Finds attributes set on a Sanic application, blueprint or request that Sanic does not define:
    `app.db = ...`, `bp.cache = ...`, `request.user = ...`. The app is recognised by its type
    (`Sanic(...)`, `Sanic.get_app()`, an annotation), as `request.app`, or as a listener's first
    parameter; the request as a handler's, middleware's or exception handler's first parameter,
    or by a `Request` annotation. Attributes Sanic really has (`app.config`, `app.ctx`,
    `request.match_info`…) are not reported, nor Python's own (`app.__class__ = ...` in tests), nor
    an attribute set in one branch of an `if` whose other branch sets it on `.ctx` (code for
    Sanic versions before `ctx`).

    ## Why is this bad?
    Sanic applications, blueprints and requests use `__slots__`: they take no new attributes. Since
    Sanic 21.12, `app.db = pool` raises `AttributeError: Setting variables on Sanic instances is
    not allowed` when it runs (typically in a `before_server_start` listener, so the server does not
    start), and `request.user = user` in a middleware fails every request with an
    `AttributeError`. Each of them has a `ctx` namespace for exactly this.

    ## Example
    ```python
    @app.before_server_start
    async def connect(app):
        app.db = await asyncpg.create_pool(DSN)


    @app.on_request
    async def authenticate(request):
        request.user = await load_user(request.token)


    @app.get("/me")
    async def me(request):
        return json(await request.app.db.fetchrow(QUERY, request.user.id))
    ```

    ## Use instead
    ```python
    @app.before_server_start
    async def connect(app):
        app.ctx.db = await asyncpg.create_pool(DSN)


    @app.on_request
    async def authenticate(request):
        request.ctx.user = await load_user(request.token)


    @app.get("/me")
    async def me(request):
        return json(await request.app.ctx.db.fetchrow(QUERY, request.ctx.user.id))
    ```

    ## Fix safety
    Safe: the fix inserts `.ctx` in every read and write of that attribute on a Sanic app (or
    blueprint, or request) in the module, so what one function stores the others still find. Code
    in other modules that reads the attribute needs the same change; it could not have worked
    before either, since the write fails.
    """

    code = "SAN003"
    name = "attribute-instead-of-ctx"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Attribute set on a Sanic app or request instead of its `ctx`: `AttributeError`"
    guidelines = (
        Quote("sanic", "Middleware", "Use proper request context modification"),
        Quote("sanic", "Request and Response Handling", "Use proper request object access"),
        Quote("sanic", "Middleware", "Implement effective request modification"),
        Quote("sanic", "Key Principles", "Follow established Sanic best practices"),
    )
    node_types = (ast.Attribute,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Store it on `.ctx`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Attribute)
        if not isinstance(node.ctx, ast.Store):
            return
        kind = owner(model, node.value)
        if kind is None:
            return
        title, attributes = OWNERS[kind]
        if node.attr in attributes or _is_dunder(node.attr) or _other_branch_uses_ctx(model, node):
            return
        function = model.enclosing_function(node)
        if function is None or callback_kind(model, function) == "listener":
            when = "at start-up"
        elif kind == "request":
            when = "on every request"
        else:
            when = f"when {model.context_label(node)} runs"
        receiver = model.segment(node.value)
        message = (
            f"`{receiver}.{node.attr}` sets an attribute a {title} does not have: Sanic raises `AttributeError` "
            f"{when}; store it on `{receiver}.ctx.{node.attr}` (and read it from there)"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE, data={"owner": kind, "attribute": node.attr})

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        kind, attribute = diagnostic.data.get("owner"), diagnostic.data.get("attribute")
        if kind not in OWNERS or not isinstance(attribute, str):
            return None
        model = context.model
        edits = []
        for node in model.nodes(ast.Attribute):
            assert isinstance(node, ast.Attribute)
            if node.attr == attribute and owner(model, node.value) == kind:
                end = model.range_of(node.value)
                at = Range(end.end_line, end.end_column, end.end_line, end.end_column)
                edits.append(Edit(at, ".ctx"))
        return Fix(f"Use `.ctx.{attribute}`", Applicability.SAFE, tuple(edits)) if edits else None


def _is_dunder(attribute: str) -> bool:
    """``__class__`` and friends: Python's own attributes (a test swapping the class), not data."""
    return attribute.startswith("__") and attribute.endswith("__")


def _other_branch_uses_ctx(model: SemanticModel, node: ast.Attribute) -> bool:
    """True when ``node`` stands in one branch of an ``if`` whose other branch stores the same
    attribute on ``.ctx`` of the same object: code for Sanic versions before ``ctx``
    (``if SANIC_VERSION >= (21, 3): bp.ctx.spec = spec else: bp.spec = spec``)."""
    receiver = model.segment(node.value)
    child: ast.AST = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        if isinstance(ancestor, ast.If):
            other = ancestor.orelse if child in ancestor.body else ancestor.body if child in ancestor.orelse else []
            for statement in other:
                targets = statement.targets if isinstance(statement, ast.Assign) else []
                if any(model.segment(target) == f"{receiver}.ctx.{node.attr}" for target in targets):
                    return True
        child = ancestor
    return False


def owner(model: SemanticModel, expr: ast.expr) -> str | None:
    """"app", "blueprint" or "request" when ``expr`` is one (an ``OWNERS`` key), else None."""
    if is_request(model, expr) and not _custom_request_class(model, expr):
        return "request"
    if is_app(model, expr):
        return "app"
    if is_blueprint(model, expr):
        return "blueprint"
    return None


def _custom_request_class(model: SemanticModel, expr: ast.expr) -> bool:
    """True when the module gives its app a ``request_class`` and ``expr`` is a request only by its
    position: that class may well take attributes."""
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        if binding is not None and binding.annotation is not None:
            return False
    return any(isinstance(keyword, ast.keyword) and keyword.arg == "request_class" for keyword in model.nodes(ast.keyword))
