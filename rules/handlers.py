"""Which functions of a module are request handlers, and of which framework.

Run once at the end of the model's walk, from what the walk indexed (calls, decorators, classes):

- Starlette: ``Route(path, endpoint)`` / ``WebSocketRoute``, ``app.add_route``,
  ``app.add_websocket_route``, ``@app.route`` / ``@app.websocket_route``, and the methods of
  ``HTTPEndpoint`` / ``WebSocketEndpoint`` subclasses.
- FastAPI: ``@app.get/post/...``, ``@app.api_route``, ``@app.websocket`` on ``FastAPI`` or
  ``APIRouter`` instances, ``add_api_route`` / ``add_api_websocket_route``.
- Sanic: ``@app.route/get/post/...``, ``@app.websocket`` on ``Sanic`` or ``Blueprint`` instances,
  ``app.add_route(handler, uri)``, ``add_websocket_route``, ``HTTPMethodView`` subclass methods.
- aiohttp: ``RouteTableDef`` decorators, ``app.router.add_get/add_post/.../add_route/add_view``,
  ``web.get(path, handler)`` and friends, ``web.View`` subclass methods.
- Tornado: the HTTP-verb, ``prepare`` and WebSocket methods of ``RequestHandler`` /
  ``WebSocketHandler`` subclasses, through intermediate base classes of the same module.

Besides handlers, ``find_callbacks`` finds what a framework calls at other times (Sanic listeners,
middleware and exception handlers), for ``SemanticModel.callbacks``.

When a decorator's receiver cannot be typed from this module (``app`` imported from elsewhere),
the frameworks the module imports decide, in the order of ``_DECORATOR_FALLBACK``.
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from .semantic.arguments import argument, keyword
from .semantic.roles import CallbackInfo, HandlerInfo, MiddlewareInfo
from .semantic.scopes import ClassInfo, FunctionInfo

if TYPE_CHECKING:
    from .model import SemanticModel

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")

_APP_TYPES: dict[str, str] = {
    "fastapi.FastAPI": "fastapi",
    "fastapi.applications.FastAPI": "fastapi",
    "fastapi.APIRouter": "fastapi",
    "fastapi.routing.APIRouter": "fastapi",
    "starlette.applications.Starlette": "starlette",
    "starlette.routing.Router": "starlette",
    "sanic.Sanic": "sanic",
    "sanic.app.Sanic": "sanic",
    "sanic.Blueprint": "sanic",
    "sanic.blueprints.Blueprint": "sanic",
    "aiohttp.web.RouteTableDef": "aiohttp",
    "aiohttp.web_routedef.RouteTableDef": "aiohttp",
    "aiohttp.web.Application": "aiohttp",
    "aiohttp.web_app.Application": "aiohttp",
}

#: route decorators by framework: decorator method name -> handler kind
_DECORATORS: dict[str, dict[str, str]] = {
    "fastapi": {
        **{m: "http" for m in HTTP_METHODS},
        "api_route": "http",
        "route": "http",
        "websocket": "websocket",
        "websocket_route": "websocket",
    },
    "starlette": {"route": "http", "websocket_route": "websocket"},
    "sanic": {**{m: "http" for m in HTTP_METHODS}, "route": "http", "websocket": "websocket", "ws": "websocket"},
    "aiohttp": {**{m: "http" for m in HTTP_METHODS}, "route": "http", "view": "http"},
}

_STANDARD_LIBRARY = frozenset(sys.stdlib_module_names) | {"mock"}  # ``mock``: unittest.mock's backport
#: other web frameworks, whose apps' route decorators (``@flask_app.route``) register no handler of the five
_OTHER_WEB_FRAMEWORKS = frozenset({"flask", "quart", "bottle", "falcon", "litestar", "robyn", "django", "connexion"})

_DECORATOR_FALLBACK = ("fastapi", "sanic", "aiohttp", "starlette")

#: calls whose argument is the handler: qualified name -> (framework, kind, handler position, path position)
_ROUTE_CALLS: dict[str, tuple[str, str, int, int]] = {
    "starlette.routing.Route": ("starlette", "http", 1, 0),
    "starlette.routing.WebSocketRoute": ("starlette", "websocket", 1, 0),
    "fastapi.routing.APIRoute": ("fastapi", "http", 1, 0),
    "fastapi.routing.APIWebSocketRoute": ("fastapi", "websocket", 1, 0),
    **{f"aiohttp.web.{m}": ("aiohttp", "http", 1, 0) for m in (*HTTP_METHODS, "view")},
    "aiohttp.web.route": ("aiohttp", "http", 2, 1),
}

#: registration methods: method name -> {framework: (kind, handler position, path position)}
_ADD_METHODS: dict[str, dict[str, tuple[str, int, int]]] = {
    "add_route": {
        "starlette": ("http", 1, 0),
        "fastapi": ("http", 1, 0),
        "sanic": ("http", 0, 1),
        "aiohttp": ("http", 2, 1),
    },
    "add_websocket_route": {
        "starlette": ("websocket", 1, 0),
        "fastapi": ("websocket", 1, 0),
        "sanic": ("websocket", 0, 1),
    },
    "add_api_route": {"fastapi": ("http", 1, 0)},
    "add_api_websocket_route": {"fastapi": ("websocket", 1, 0)},
    **{f"add_{m}": {"aiohttp": ("http", 1, 0)} for m in (*HTTP_METHODS, "view")},
}

_HANDLER_METHODS_HTTP = frozenset(HTTP_METHODS)

#: class-based handlers: base class -> (framework, {method name: kind})
_HANDLER_CLASSES: dict[str, tuple[str, dict[str, str]]] = {
    "starlette.endpoints.HTTPEndpoint": ("starlette", {m: "http" for m in HTTP_METHODS}),
    "starlette.endpoints.WebSocketEndpoint": (
        "starlette",
        {"on_connect": "websocket", "on_receive": "websocket", "on_disconnect": "websocket"},
    ),
    "sanic.views.HTTPMethodView": ("sanic", {m: "http" for m in HTTP_METHODS}),
    "sanic.HTTPMethodView": ("sanic", {m: "http" for m in HTTP_METHODS}),
    "aiohttp.web.View": ("aiohttp", {m: "http" for m in HTTP_METHODS}),
    "aiohttp.web_urldispatcher.View": ("aiohttp", {m: "http" for m in HTTP_METHODS}),
    "tornado.web.RequestHandler": ("tornado", {**{m: "http" for m in HTTP_METHODS}, "prepare": "http"}),
    "tornado.websocket.WebSocketHandler": (
        "tornado",
        {**{m: "http" for m in HTTP_METHODS}, "prepare": "http", "open": "websocket", "on_message": "websocket", "on_close": "websocket"},
    ),
}


def find_handlers(model: SemanticModel) -> None:
    _decorated_handlers(model)
    _registered_handlers(model)
    _class_handlers(model)


def _mark(model: SemanticModel, function: FunctionInfo | None, handler: HandlerInfo) -> None:
    if function is None or function.handler is not None:
        return
    function.handler = handler
    model.handlers.append(handler)


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _methods(call: ast.Call, default: tuple[str, ...]) -> tuple[str, ...]:
    value = keyword(call, "methods")
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return tuple(m.upper() for m in (_string(e) for e in value.elts) if m)
    return default


def _receiver_framework(model: SemanticModel, receiver: ast.expr, method: str, table: dict) -> str | None:
    instance = model.instance_type(receiver) or model.qualified_name(receiver)
    framework = _APP_TYPES.get(instance or "")
    if framework is None and not _from_standard_library(instance) and not _from_other_web_framework(instance):
        framework = next((f for f in _DECORATOR_FALLBACK if model.uses(f) and method in table.get(f, ())), None)
    # A Starlette app inside a FastAPI module is routed the Starlette way, and the reverse.
    if framework == "starlette" and method not in table.get("starlette", ()) and method in table.get("fastapi", ()):
        framework = "fastapi"
    return framework if framework and method in table.get(framework, ()) else None


def _from_other_web_framework(name: str | None) -> bool:
    """True for a name from another web framework (``flask.Flask``): a Flask app mounted into a
    FastAPI one routes its own requests."""
    return name is not None and name.split(".")[0] in _OTHER_WEB_FRAMEWORKS


def _from_standard_library(name: str | None) -> bool:
    """True for a name from the standard library (``unittest.mock``): never a web application,
    so ``@mock.patch(...)`` is not a route decorator."""
    return name is not None and name.split(".")[0] in _STANDARD_LIBRARY


def _decorated_handlers(model: SemanticModel) -> None:
    for function in model.functions:
        for decorator in function.node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if not isinstance(target, ast.Attribute):
                continue
            framework = _receiver_framework(model, target.value, target.attr, _DECORATORS)
            if framework is None:
                continue
            kind = _DECORATORS[framework][target.attr]
            path = _string(argument(call, 0, "path") or keyword(call, "uri")) if call else None
            verb = (target.attr.upper(),) if target.attr in HTTP_METHODS else ("GET",)
            methods = _methods(call, verb) if call else verb
            _mark(model, function, HandlerInfo(framework, function, kind, decorator, path, methods))
            break


def _registered_handlers(model: SemanticModel) -> None:
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        found = _route_call(model, call)
        if found is None:
            continue
        framework, kind, handler_position, path_position = found
        handler_arg = argument(call, handler_position, "endpoint" if framework in ("starlette", "fastapi") else "handler")
        if handler_arg is None:
            continue
        path = _string(argument(call, path_position, "path" if framework != "sanic" else "uri"))
        view = model.function_def(handler_arg) is None  # a class: its methods answer their own verbs
        for function, handler_kind in _handler_functions(model, handler_arg, kind, framework):
            methods = _methods(call, ("GET",)) if handler_kind == "http" else ()
            if view and handler_kind == "http":
                methods = (function.name.upper(),) if function.name in _HANDLER_METHODS_HTTP else ()
            _mark(model, function, HandlerInfo(framework, function, handler_kind, call, path, methods))


def _route_call(model: SemanticModel, call: ast.Call) -> tuple[str, str, int, int] | None:
    name = model.qualified_name(call.func)
    if name in _ROUTE_CALLS:
        return _ROUTE_CALLS[name]
    if isinstance(call.func, ast.Attribute) and call.func.attr in _ADD_METHODS:
        by_framework = _ADD_METHODS[call.func.attr]
        receiver = call.func.value
        if isinstance(receiver, ast.Attribute) and receiver.attr == "router" and model.uses("aiohttp"):
            framework: str | None = "aiohttp"
        else:
            framework = _receiver_framework(model, receiver, call.func.attr, {f: {call.func.attr} for f in by_framework})
        if framework in by_framework:
            kind, handler_position, path_position = by_framework[framework]
            return framework, kind, handler_position, path_position
    return None


def _handler_functions(model: SemanticModel, expr: ast.expr, kind: str, framework: str) -> list[tuple[FunctionInfo, str]]:
    """The functions a registered endpoint expression stands for: a function, or a view class's methods."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "as_view":
        expr = expr.func.value
    function = model.function_def(expr)
    if function is not None:
        return [(function, kind)]
    class_info = model.class_def(expr)
    if class_info is not None:
        return _class_methods(model, class_info)
    return []


def _class_methods(model: SemanticModel, class_info: ClassInfo) -> list[tuple[FunctionInfo, str]]:
    for base in model.base_classes(class_info):
        if isinstance(base, str) and base in _HANDLER_CLASSES:
            _framework, methods = _HANDLER_CLASSES[base]
            found = []
            for name, kind in methods.items():
                method = model.find_method(class_info, name)
                if method is not None:
                    found.append((method, kind))
            return found
    return []


def _class_handlers(model: SemanticModel) -> None:
    for class_info in model.classes:
        for base in model.base_classes(class_info):
            if not (isinstance(base, str) and base in _HANDLER_CLASSES):
                continue
            framework, methods = _HANDLER_CLASSES[base]
            for name, kind in methods.items():
                method = class_info.methods.get(name)
                if method is not None:
                    verbs = (name.upper(),) if name in _HANDLER_METHODS_HTTP else ()
                    _mark(model, method, HandlerInfo(framework, method, kind, class_info.node, None, verbs))
            break


# ---------------------------------------------------------------- framework callbacks

#: Sanic's listener events (``sanic.mixins.listeners.ListenerEvent``): the names ``@app.listener("…")``
#: and ``register_listener`` accept (in any case), and decorators of their own (``@app.before_server_start``)
SANIC_LISTENER_EVENTS = (
    "before_server_start",
    "after_server_start",
    "before_server_stop",
    "after_server_stop",
    "main_process_start",
    "main_process_ready",
    "main_process_stop",
    "reload_process_start",
    "reload_process_stop",
    "before_reload_trigger",
    "after_reload_trigger",
)
#: Sanic's middleware decorators -> the attach point each implies (``middleware`` may name another)
_SANIC_MIDDLEWARE_DECORATORS = {"middleware": "request", "on_request": "request", "on_response": "response"}
_SANIC_OWNERS = frozenset({"sanic.Sanic", "sanic.app.Sanic", "sanic.Blueprint", "sanic.blueprints.Blueprint"})
_SANIC_ERROR_HANDLERS = ("sanic.handlers.ErrorHandler", "sanic.handlers.error.ErrorHandler")
#: the methods of an ``ErrorHandler`` subclass that turn an exception into a response
_SANIC_ERROR_HANDLER_METHODS = ("default", "response")


def find_callbacks(model: SemanticModel) -> list[CallbackInfo]:
    """The functions of a module that a framework calls besides its request handlers, each once
    (its first registration): decorated functions, then functions passed to registering calls,
    then methods of handler classes. Sanic, in modules that import it:

    - "listener": ``@app.listener("<event>")``, ``@app.<event>`` (``@app.before_server_start``, also
      called with ``priority=``), ``app.<event>(f)``, ``app.listener(f, "<event>")``,
      ``app.register_listener(f, "<event>")``;
    - "middleware": ``@app.middleware`` / ``@app.middleware("response")``, ``@app.on_request``,
      ``@app.on_response``, ``app.middleware(f, "response")``, ``app.register_middleware(f, ...)``,
      ``app.register_named_middleware(f, names, ...)``;
    - "exception handler": ``@app.exception(...)``, ``app.error_handler.add(exception, f)``, and the
      ``default`` / ``response`` methods of ``ErrorHandler`` subclasses.

    ``app`` is a ``Sanic`` app or ``Blueprint``, or an object of a type the module does not know
    (an app imported from another module).
    """
    if not model.uses("sanic"):
        return []
    found: dict[int, CallbackInfo] = {}

    def add(function: FunctionInfo | None, kind: str, registration: ast.AST, event: str | None) -> None:
        if function is not None and id(function) not in found:
            found[id(function)] = CallbackInfo("sanic", kind, function, registration, event)

    for function in model.functions:
        for decorator in function.node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            if isinstance(target, ast.Attribute) and _sanic_receiver(model, target.value):
                registered = _sanic_decorator(target.attr, call)
                if registered is not None:
                    add(function, registered[0], decorator, registered[1])
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        registered_call = _sanic_registering_call(model, call)
        if registered_call is not None:
            callee, kind, event = registered_call
            add(model.function_def(callee), kind, call, event)
    for class_info in model.classes:
        if model.is_subclass(class_info, *_SANIC_ERROR_HANDLERS):
            for name in _SANIC_ERROR_HANDLER_METHODS:
                add(class_info.methods.get(name), "exception handler", class_info.node, None)
    return list(found.values())


def _sanic_receiver(model: SemanticModel, receiver: ast.expr) -> bool:
    """A Sanic app or blueprint by its type, or an object of a type this module does not know."""
    instance = model.instance_type(receiver)
    if instance is not None:
        return instance in _SANIC_OWNERS
    return not _from_standard_library(model.qualified_name(receiver))


def _sanic_decorator(method: str, call: ast.Call | None) -> tuple[str, str | None] | None:
    """(kind, event) for a Sanic callback decorator ``@app.<method>`` or ``@app.<method>(...)``."""
    if method in SANIC_LISTENER_EVENTS:
        return "listener", method
    if method == "listener" and call is not None:
        return "listener", _string(argument(call, 0, "listener_or_event"))
    if method in _SANIC_MIDDLEWARE_DECORATORS:
        attach = _string(argument(call, 0, "middleware_or_request") or keyword(call, "attach_to")) if call else None
        return "middleware", attach or _SANIC_MIDDLEWARE_DECORATORS[method]
    if method == "exception" and call is not None:
        return "exception handler", None
    return None


def _sanic_registering_call(model: SemanticModel, call: ast.Call) -> tuple[ast.expr, str, str | None] | None:
    """(function expression, kind, event) for a call that registers a Sanic callback."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    method, receiver = func.attr, func.value
    if method == "add" and isinstance(receiver, ast.Attribute) and receiver.attr == "error_handler":
        handler = argument(call, 1, "handler")
        return (handler, "exception handler", None) if handler is not None and _sanic_receiver(model, receiver.value) else None
    if not _sanic_receiver(model, receiver):
        return None
    first = argument(call, 0, None)
    if method == "register_listener":
        listener = argument(call, 0, "listener")
        return (listener, "listener", _string(argument(call, 1, "event"))) if listener is not None else None
    if method == "register_middleware" or method == "register_named_middleware":
        middleware = argument(call, 0, "middleware")
        attach = argument(call, 1 if method == "register_middleware" else 2, "attach_to")
        return (middleware, "middleware", _string(attach) if attach is not None else "request") if middleware is not None else None
    if first is None or _string(first) is not None:
        return None  # a decorator factory: ``@app.listener("<event>")``, ``@app.middleware("request")``
    if method in SANIC_LISTENER_EVENTS:
        return first, "listener", method
    if method == "listener":
        return first, "listener", _string(argument(call, 1, "event_or_none"))
    if method in _SANIC_MIDDLEWARE_DECORATORS:
        attach = argument(call, 1, "attach_to") if method == "middleware" else None
        return first, "middleware", _string(attach) if attach is not None else _SANIC_MIDDLEWARE_DECORATORS[method]
    return None

#: the classes of the connection objects Starlette and FastAPI hand to handlers
CONNECTION_TYPES = frozenset(
    {
        "starlette.requests.Request",
        "starlette.requests.HTTPConnection",
        "starlette.websockets.WebSocket",
        "fastapi.Request",
        "fastapi.requests.Request",
        "fastapi.requests.HTTPConnection",
        "fastapi.WebSocket",
        "fastapi.websockets.WebSocket",
    }
)

#: what the frameworks pass first to the request handlers, error handlers and middleware they
#: await: a function whose first parameter is annotated with one is such a callback, even when it
#: is registered in another module
REQUEST_TYPES = CONNECTION_TYPES | {
    "aiohttp.web.Request",
    "aiohttp.web.BaseRequest",
    "aiohttp.web_request.Request",
    "aiohttp.web_request.BaseRequest",
    "sanic.Request",
    "sanic.request.Request",
}


def takes_request(function: FunctionInfo, model: SemanticModel) -> bool:
    """``async def healthcheck(_: web.Request)``: the first parameter (after ``self``) is annotated
    as a framework's request or WebSocket."""
    arguments = function.node.args
    positional = [*arguments.posonlyargs, *arguments.args][1 if function.class_info is not None else 0 :]
    annotation = positional[0].annotation if positional else None
    return annotation is not None and model.annotation_type(annotation) in REQUEST_TYPES


#: FastAPI's parameter functions: a function with a parameter declared through one (as its default
#: or in ``Annotated[...]``) is called by FastAPI's dependency injection, a path operation's dependency
FASTAPI_PARAMETERS = frozenset(
    f"fastapi.{module}{name}"
    for module in ("", "params.", "param_functions.")
    for name in ("Depends", "Security", "Query", "Path", "Header", "Cookie", "Body", "Form", "File")
)
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


def injected_by_fastapi(function: FunctionInfo, model: SemanticModel) -> bool:
    """``async def current_user(token: Annotated[str, Depends(oauth2)])``: a parameter declared with
    ``Depends``, ``Query``, ``Header``… makes the function a FastAPI dependency, wherever it is used."""
    arguments = function.node.args
    declared = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
    for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript) and model.qualified_name(annotation.value) in _ANNOTATED:
            declared += annotation.slice.elts[1:] if isinstance(annotation.slice, ast.Tuple) else []
    return any(isinstance(d, ast.Call) and model.qualified_name(d.func) in FASTAPI_PARAMETERS for d in declared)


BASE_HTTP_MIDDLEWARE = "starlette.middleware.base.BaseHTTPMiddleware"
#: the classes that wrap a middleware class for an application's ``middleware=[...]``
MIDDLEWARE_WRAPPERS = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})

#: FastAPI registrations inherited from Starlette: the endpoint gets the bare connection, no injection
_STARLETTE_STYLE_REGISTRATIONS = frozenset({"route", "websocket_route", "add_route", "add_websocket_route"})


def application_framework(model: SemanticModel, expr: ast.expr) -> str | None:
    """The framework of the application or router object ``expr`` is, when this module says so:
    "fastapi" for ``app`` after ``app = FastAPI()``, "starlette" for ``app.router`` of a Starlette app."""
    if isinstance(expr, ast.Attribute) and expr.attr == "router":
        owner = application_framework(model, expr.value)
        if owner in ("starlette", "fastapi"):
            return owner
    return _APP_TYPES.get(model.instance_type(expr) or model.qualified_name(expr) or "")


def is_starlette_endpoint(handler: HandlerInfo) -> bool:
    """True when Starlette calls the handler with the bare connection and sends what it returns as
    is: Starlette routes and endpoint classes, and FastAPI's ``route``/``add_route``/
    ``websocket_route`` registrations inherited from Starlette (no injection, no serialization)."""
    if handler.framework == "starlette":
        return True
    if handler.framework != "fastapi":
        return False
    registration = handler.registration
    target = registration.func if isinstance(registration, ast.Call) else registration
    return isinstance(target, ast.Attribute) and target.attr in _STARLETTE_STYLE_REGISTRATIONS


def connection_parameter(model: SemanticModel, function: FunctionInfo) -> ast.arg | None:
    """The parameter through which a Starlette/FastAPI handler or middleware gets its ``Request`` or
    ``WebSocket``: the one annotated with a connection type; else, except where FastAPI injects
    parameters by annotation, the first positional one (after ``self``)."""
    args = function.node.args
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        if arg.annotation is not None and model.annotation_type(arg.annotation) in CONNECTION_TYPES:
            return arg
    handler = function.handler
    if handler is not None and handler.framework == "fastapi" and not is_starlette_endpoint(handler):
        return None
    positional = [*args.posonlyargs, *args.args]
    is_method = function.class_info is not None and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.node.decorator_list
    )
    positional = positional[1:] if is_method else positional
    return positional[0] if positional else None


def find_middleware(model: SemanticModel) -> list[MiddlewareInfo]:
    """The HTTP middleware of a Starlette/FastAPI module, in source order of their declaration:

    - "base-http": subclasses of ``BaseHTTPMiddleware`` (through classes of the module; the function
      is their ``dispatch``), functions under ``@app.middleware("http")``, and functions passed as
      ``dispatch`` to ``BaseHTTPMiddleware`` (directly, through ``Middleware(...)`` or
      ``app.add_middleware(...)``);
    - "asgi": classes taking the wrapped ``app`` in ``__init__`` and defining
      ``async def __call__(self, scope, receive, send)``.
    """
    if not model.uses("starlette"):
        return []
    found: list[MiddlewareInfo] = []
    framework = "fastapi" if model.uses("fastapi") else "starlette"
    for class_info in model.classes:
        if model.is_subclass(class_info, BASE_HTTP_MIDDLEWARE):
            dispatch = model.find_method(class_info, "dispatch")
            found.append(MiddlewareInfo("base-http", framework, class_info.node, dispatch, class_info))
        elif _is_asgi_middleware(class_info):
            found.append(MiddlewareInfo("asgi", framework, class_info.node, class_info.methods["__call__"], class_info))
    for function in model.functions:
        for decorator in function.node.decorator_list:
            if _is_http_middleware_decorator(model, decorator):
                owner = application_framework(model, decorator.func.value) or framework  # type: ignore[union-attr]
                found.append(MiddlewareInfo("base-http", owner, decorator, function))
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        dispatch_arg = _dispatch_argument(model, call)
        if dispatch_arg is not None:
            found.append(MiddlewareInfo("base-http", framework, call, model.function_def(dispatch_arg)))
    found.sort(key=lambda m: (m.registration.lineno, m.registration.col_offset))  # type: ignore[attr-defined]
    return found


def _is_asgi_middleware(class_info: ClassInfo) -> bool:
    call = class_info.methods.get("__call__")
    init = class_info.methods.get("__init__")
    if call is None or init is None or not call.is_async:
        return False
    call_args = [*call.node.args.posonlyargs, *call.node.args.args]
    init_args = [*init.node.args.posonlyargs, *init.node.args.args]
    return len(call_args) == 4 and len(init_args) >= 2 and init_args[1].arg == "app"


def _is_http_middleware_decorator(model: SemanticModel, decorator: ast.expr) -> bool:
    """``@app.middleware("http")`` on a Starlette or FastAPI app (or an app of unknown type)."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
        return False
    if decorator.func.attr != "middleware" or _string(argument(decorator, 0, "middleware_type")) != "http":
        return False
    receiver = decorator.func.value
    return application_framework(model, receiver) in ("starlette", "fastapi") or model.instance_type(receiver) is None


def configured_middleware(model: SemanticModel, call: ast.Call) -> str | None:
    """The qualified class of the middleware a call configures: ``Middleware(X, ...)``,
    ``app.add_middleware(X, ...)``, or the class called directly, ``X(app, ...)``. Its options
    stand at the same positions in all three (the wrapped app is argument 0), so
    ``argument(call, 1, "secret_key")`` finds ``SessionMiddleware``'s secret in each."""
    # Several rules ask this of every call: answer each call once.
    key = id(call)
    if key not in model._configured_middleware:
        model._configured_middleware[key] = _configured_middleware(model, call)
    return model._configured_middleware[key]


def _configured_middleware(model: SemanticModel, call: ast.Call) -> str | None:
    callee = model.qualified_name(call.func)
    wraps = callee in MIDDLEWARE_WRAPPERS or (isinstance(call.func, ast.Attribute) and call.func.attr == "add_middleware")
    if not wraps:
        return callee
    return model.qualified_name(call.args[0]) if call.args else None


def _dispatch_argument(model: SemanticModel, call: ast.Call) -> ast.expr | None:
    """The ``dispatch`` given to ``BaseHTTPMiddleware`` by this call, if it is one that gives it."""
    if configured_middleware(model, call) == BASE_HTTP_MIDDLEWARE:
        return argument(call, 1, "dispatch")
    return None


# ---------------------------------------------------------------- aiohttp specifics

#: the lists of an aiohttp application that hold callables: its middlewares and its signals
AIOHTTP_APPLICATION_LISTS = frozenset(
    {"middlewares", "on_startup", "on_shutdown", "on_cleanup", "cleanup_ctx", "on_response_prepare"}
)
_AIOHTTP_APPLICATIONS = frozenset({"aiohttp.web.Application", "aiohttp.web_app.Application"})
_AIOHTTP_MIDDLEWARE_DECORATORS = frozenset({"aiohttp.web.middleware", "aiohttp.web_middlewares.middleware"})
_LIST_METHODS = ("append", "insert", "extend")


def aiohttp_registrations(model: SemanticModel) -> list[tuple[str, ast.expr]]:
    """What the module puts on aiohttp applications' lists (``AIOHTTP_APPLICATION_LISTS``), as
    (list name, registered expression): ``web.Application(middlewares=[…])``,
    ``app.middlewares.append(mw)``, ``.insert(0, mw)``, ``.extend([…])``, ``app.on_startup.append(f)``,
    ``app.cleanup_ctx += [ctx]``. Calls come first, then ``+=`` statements, each in source order."""
    found: list[tuple[str, ast.expr]] = []
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if model.qualified_name(call.func) in _AIOHTTP_APPLICATIONS:
            found += [("middlewares", value) for value in _list_elements(keyword(call, "middlewares"))]
            continue
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in _LIST_METHODS and isinstance(func.value, ast.Attribute)):
            continue
        list_name = func.value.attr
        if list_name not in AIOHTTP_APPLICATION_LISTS:
            continue
        if func.attr == "append" and len(call.args) == 1:
            found.append((list_name, call.args[0]))
        elif func.attr == "insert" and len(call.args) == 2:
            found.append((list_name, call.args[1]))
        elif func.attr == "extend" and len(call.args) == 1:
            found += [(list_name, value) for value in _list_elements(call.args[0])]
    for augmented in model.nodes(ast.AugAssign):
        assert isinstance(augmented, ast.AugAssign)
        target = augmented.target
        if isinstance(augmented.op, ast.Add) and isinstance(target, ast.Attribute) and target.attr in AIOHTTP_APPLICATION_LISTS:
            found += [(target.attr, value) for value in _list_elements(augmented.value)]
    return found


def _list_elements(expr: ast.expr | None) -> list[ast.expr]:
    if isinstance(expr, (ast.List, ast.Tuple)):
        return [element for element in expr.elts if not isinstance(element, ast.Starred)]
    return []


def is_aiohttp_middleware_decorator(model: SemanticModel, decorator: ast.expr) -> bool:
    """``@web.middleware`` (however ``aiohttp.web`` is imported)."""
    return model.qualified_name(decorator) in _AIOHTTP_MIDDLEWARE_DECORATORS


def find_aiohttp_middleware(model: SemanticModel) -> list[MiddlewareInfo]:
    """The aiohttp middlewares of a module, in source order of their functions: each function under
    ``@web.middleware``, and each function of the module registered on an application's
    ``middlewares`` (``aiohttp_registrations``), whatever its signature (an old-style
    ``(app, handler)`` factory too). ``registration`` is the decorator, else the first registering
    expression; ``kind`` is "aiohttp"."""
    if not model.uses("aiohttp"):
        return []
    registered: dict[int, ast.expr] = {}
    for list_name, value in aiohttp_registrations(model):
        function = model.function_def(value) if list_name == "middlewares" else None
        if function is not None:
            registered.setdefault(id(function), value)
    found = []
    for function in model.functions:
        decorator = next((d for d in function.node.decorator_list if is_aiohttp_middleware_decorator(model, d)), None)
        registration = decorator if decorator is not None else registered.get(id(function))
        if registration is not None:
            found.append(MiddlewareInfo("aiohttp", "aiohttp", registration, function, function.class_info))
    return found
