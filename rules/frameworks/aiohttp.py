"""What several aiohttp rules need to know about aiohttp and about how a module uses it (no rule here).

- ``canonical``: aiohttp's public spelling of a qualified name (``aiohttp.client.ClientSession`` is
  ``aiohttp.ClientSession``, ``aiohttp.web_response.Response`` is ``aiohttp.web.Response``).
- ``registrations``: the middlewares and the signal callbacks (``on_startup``, ``cleanup_ctx``…)
  the module registers on an application (``handlers.aiohttp_registrations``), once per model.
- ``is_request`` / ``is_application``: whether an expression is an ``aiohttp.web`` request or
  application, also where nothing is annotated (a handler's first parameter, ``request.app``,
  an ``on_startup`` callback's parameter).
- ``route_definitions``: the routes the module defines with a literal path (method, path, and the
  table they are added to), once per model.
- ``with_arguments``: a libcst call with a new argument list that keeps the call's layout.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..handlers import aiohttp_registrations, is_aiohttp_middleware_decorator
from ..model import FunctionInfo, SemanticModel
from ..rule import Range

if TYPE_CHECKING:
    import libcst as cst

#: aiohttp's implementation modules whose names the package re-exports as ``aiohttp.<name>``
_CLIENT_MODULES = frozenset(
    {
        "client", "client_exceptions", "client_reqrep", "client_ws", "connector", "cookiejar",
        "http", "http_websocket", "formdata", "helpers", "streams", "tracing", "payload", "abc",
        "_websocket",
    }
)
#: names ``aiohttp.web`` re-exports from the client side, spelled here the client way
_WEB_REEXPORTS = frozenset({"WSMsgType", "WSCloseCode", "WSMessage"})

#: application attributes holding callbacks: attribute -> what the callback's first parameter is
SIGNALS = {
    "on_startup": "app",
    "on_shutdown": "app",
    "on_cleanup": "app",
    "cleanup_ctx": "app",
    "on_response_prepare": "request",
}

REQUEST_TYPES = frozenset({"aiohttp.web.Request", "aiohttp.web.BaseRequest"})
APPLICATION_TYPE = "aiohttp.web.Application"
VIEW_TYPES = ("aiohttp.web.View", "aiohttp.web_urldispatcher.View")


def canonical(name: str | None) -> str | None:
    """The public spelling of an aiohttp (or aiohttp_cors) qualified name; other names unchanged."""
    if name is None:
        return None
    parts = name.split(".")
    if parts[0] == "aiohttp" and len(parts) > 2:
        if parts[1] in _CLIENT_MODULES:
            return ".".join(["aiohttp", *parts[2:]])
        if parts[1].startswith("web_"):
            parts = ["aiohttp", "web", *parts[2:]]
        if parts[1] == "web" and parts[2] in _WEB_REEXPORTS:
            return ".".join(["aiohttp", *parts[2:]])
        return ".".join(parts)
    if parts[0] == "aiohttp_cors" and len(parts) > 2:
        return ".".join(["aiohttp_cors", *parts[2:]])
    return name


def qualified(model: SemanticModel, expr: ast.AST) -> str | None:
    return canonical(model.qualified_name(expr))


def instance(model: SemanticModel, expr: ast.AST) -> str | None:
    return canonical(model.instance_type(expr))


def unparenthesised_await(expr: ast.AST) -> ast.AST:
    """The awaited expression of ``await x``, else ``expr``."""
    return expr.value if isinstance(expr, ast.Await) else expr


def positional_parameters(function: FunctionInfo) -> list[ast.arg]:
    arguments = function.node.args
    return [*arguments.posonlyargs, *arguments.args]


# ---------------------------------------------------------------- registrations


@dataclass
class Registrations:
    #: functions of this module registered as middlewares, with the expression that registers each
    middlewares: dict[int, tuple[FunctionInfo, ast.expr]] = field(default_factory=dict)
    #: signal attribute (``"on_startup"``…) -> the callables registered on it
    signals: dict[str, list[ast.expr]] = field(default_factory=dict)
    #: id(FunctionInfo) -> the signal it is registered on
    callback_signal: dict[int, str] = field(default_factory=dict)


_registrations: weakref.WeakKeyDictionary[SemanticModel, Registrations] = weakref.WeakKeyDictionary()


def registrations(model: SemanticModel) -> Registrations:
    """Middlewares and signal callbacks the module registers: ``web.Application(middlewares=[…])``,
    ``app.middlewares.append(mw)``, ``app.on_startup.append(f)``, ``app.cleanup_ctx += [ctx]``…"""
    found = _registrations.get(model)
    if found is None:
        found = _registrations[model] = _find_registrations(model)
    return found


def _find_registrations(model: SemanticModel) -> Registrations:
    found = Registrations()
    for list_name, value in aiohttp_registrations(model):
        function = model.function_def(value)
        if list_name == "middlewares":
            if function is not None:
                found.middlewares[id(function)] = (function, value)
        else:
            found.signals.setdefault(list_name, []).append(value)
            if function is not None:
                found.callback_signal[id(function)] = list_name
    return found


def has_middleware_decorator(model: SemanticModel, function: FunctionInfo) -> bool:
    return any(is_aiohttp_middleware_decorator(model, decorator) for decorator in function.node.decorator_list)


def is_middleware(model: SemanticModel, function: FunctionInfo | None) -> bool:
    """True for a ``@web.middleware`` function, or one the module registers as a middleware."""
    return model.aiohttp_middleware_of(function) is not None


def is_aiohttp_handler(function: FunctionInfo | None) -> bool:
    return function is not None and function.handler is not None and function.handler.framework == "aiohttp"


# ---------------------------------------------------------------- what an expression is


def _parameter_function(model: SemanticModel, name: ast.Name) -> tuple[FunctionInfo, int] | None:
    """The function whose positional parameter ``name`` reads, and the parameter's position."""
    found = model.parameter_of(name)
    if found is None:
        return None
    function, parameter = found
    parameters = positional_parameters(function)
    return (function, parameters.index(parameter)) if parameter in parameters else None


def is_request(model: SemanticModel, expr: ast.AST) -> bool:
    """An ``aiohttp.web`` request: so typed, a function handler's or middleware's first parameter,
    or ``self.request`` in a ``web.View``."""
    if instance(model, expr) in REQUEST_TYPES:
        return True
    if isinstance(expr, ast.Name):
        found = _parameter_function(model, expr)
        if found is None:
            return False
        function, position = found
        if position != 0 or function.class_info is not None:
            return False
        return is_aiohttp_handler(function) or is_middleware(model, function) or (
            registrations(model).callback_signal.get(id(function)) == "on_response_prepare"
        )
    if isinstance(expr, ast.Attribute) and expr.attr == "request" and isinstance(expr.value, ast.Name):
        function = model.enclosing_function(expr)
        if function is None or function.class_info is None or not model.is_subclass(function.class_info, *VIEW_TYPES):
            return False
        parameters = positional_parameters(function)
        return bool(parameters) and parameters[0].arg == expr.value.id
    return False


def is_application(model: SemanticModel, expr: ast.AST) -> bool:
    """An ``aiohttp.web.Application``: so typed, ``request.app``, or the parameter of an
    ``on_startup``/``on_shutdown``/``on_cleanup``/``cleanup_ctx`` callback."""
    if instance(model, expr) == APPLICATION_TYPE:
        return True
    if isinstance(expr, ast.Attribute) and expr.attr == "app":
        return is_request(model, expr.value)
    if isinstance(expr, ast.Name):
        found = _parameter_function(model, expr)
        if found is None:
            return False
        function, position = found
        return position == 0 and SIGNALS.get(registrations(model).callback_signal.get(id(function), "")) == "app"
    return False


# ---------------------------------------------------------------- fixes


def with_arguments(call: cst.Call, arguments: list[cst.Arg]) -> cst.Call:
    """``call`` with ``arguments`` (kept or new ones) in place of its own, keeping the call's layout.

    An argument keeps its own comma, and the comment or line break after it, unless it was the
    last one (whose comma closes the call); the new last argument takes over the original last
    argument's trailing comma or its absence; other commas come from the argument that stood at
    that position, else are ``", "``.
    """
    import libcst as cst
    original = list(call.args)
    original_last = original[-1] if original else None
    placed = []
    for index, argument in enumerate(arguments):
        if index == len(arguments) - 1:
            comma = original_last.comma if original_last is not None else cst.MaybeSentinel.DEFAULT
        elif isinstance(argument.comma, cst.Comma) and argument is not original_last:
            comma = argument.comma
        elif index < len(original) - 1 and isinstance(original[index].comma, cst.Comma):
            comma = original[index].comma
        else:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        placed.append(argument.with_changes(comma=comma))
    return call.with_changes(args=placed)


# ---------------------------------------------------------------- middlewares and functions


def old_style_factory(model: SemanticModel, function: FunctionInfo) -> FunctionInfo | None:
    """The inner handler when ``function`` is an old-style middleware factory, else None.

    That is ``async def factory(app, handler)`` whose last statement returns a coroutine function
    of one parameter defined directly in its body, undecorated, and either registered as a
    middleware or with a second parameter named ``handler``.
    """
    parameters = positional_parameters(function)
    if not function.is_async or len(parameters) != 2 or has_middleware_decorator(model, function):
        return None
    if not (id(function) in registrations(model).middlewares or parameters[1].arg == "handler"):
        return None
    last = function.node.body[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name)):
        return None
    inner = model.function_def(last.value)
    if inner is None or inner.outer is not function.scope or not inner.is_async:
        return None
    return inner if len(positional_parameters(inner)) == 1 else None


def header_range(model: SemanticModel, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Range:
    """The range of ``async def name`` / ``def name`` in a function's header: where to report on it."""
    start = model.range_of(node)
    line = model.lines[start.start_line]
    name_at = line.find(node.name, start.start_column + len("def "))
    end = name_at + len(node.name) if name_at >= 0 else len(line)
    return Range(start.start_line, start.start_column, start.start_line, end)


def function_at(model: SemanticModel, line: int) -> FunctionInfo | None:
    """The function whose ``def`` stands on this 0-based line (as ``header_range`` reports it)."""
    return next((f for f in model.functions if f.node.lineno - 1 == line), None)


# ---------------------------------------------------------------- route definitions

#: ``RouteTableDef`` decorators and ``web.<verb>`` route definitions, and the method each registers
ROUTE_VERBS = {
    "get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
    "head": "HEAD", "options": "OPTIONS", "view": "*", "route": None,
}
#: ``router.add_<verb>`` and the method each registers (``None``: the method is the first argument)
ROUTER_VERBS = {f"add_{verb}": method for verb, method in ROUTE_VERBS.items() if verb != "route"} | {"add_route": None}
#: the names route-defining calls go by (``Rule.callees`` of the rules checking ``route_definitions``)
ROUTE_CALLEES = frozenset({*ROUTE_VERBS, *ROUTER_VERBS})


@dataclass(frozen=True)
class RouteDefinition:
    """One route a call defines: ``routes.get("/x")``, ``app.router.add_get("/x", h)``, ``web.get("/x", h)``."""

    call: ast.Call
    #: the uppercase method, ``"*"`` for any, ``None`` when not a literal
    method: str | None
    #: the path literal
    path: ast.Constant
    #: what the route is added to, as written (``routes``; ``app`` for ``app.router``), or, for ``web.get(...)``,
    #: the ``add_routes`` receiver or the list the definition stands in
    table: str


_routes: weakref.WeakKeyDictionary[SemanticModel, tuple[RouteDefinition, ...]] = weakref.WeakKeyDictionary()


def route_definitions(model: SemanticModel) -> tuple[RouteDefinition, ...]:
    """Every aiohttp route of the module with a literal path, in source order (once per model)."""
    found = _routes.get(model)
    if found is None:
        found = _routes[model] = tuple(
            route for call in model.nodes(ast.Call) if (route := _route_definition(model, call)) is not None
        )
    return found


def _route_definition(model: SemanticModel, call: ast.Call) -> RouteDefinition | None:
    name = qualified(model, call.func)
    if name is None or not isinstance(call.func, ast.Attribute):
        return None
    verb = call.func.attr
    if name == f"aiohttp.web.RouteTableDef.{verb}" and verb in ROUTE_VERBS:
        method, table = ROUTE_VERBS[verb], model.segment(call.func.value)
    elif (name.startswith("aiohttp.web.UrlDispatcher.") or ".router." in name) and verb in ROUTER_VERBS:
        method, table = ROUTER_VERBS[verb], model.segment(call.func.value).removesuffix(".router")
    elif name == f"aiohttp.web.{verb}" and verb in ROUTE_VERBS:
        method, table = ROUTE_VERBS[verb], _route_list(model, call)
    else:
        return None
    position = 0
    if method is None:
        position = 1
        given = call.args[0] if call.args else None
        method = given.value.upper() if isinstance(given, ast.Constant) and isinstance(given.value, str) else None
    path = call.args[position] if len(call.args) > position else None
    if not (isinstance(path, ast.Constant) and isinstance(path.value, str)):
        return None
    return RouteDefinition(call, method, path, table)


def _route_list(model: SemanticModel, call: ast.Call) -> str:
    """Where a ``web.get(...)`` definition goes: ``app.add_routes`` receiver, else its list's position."""
    ancestors = list(model.ancestors(call))
    for ancestor in ancestors:
        if isinstance(ancestor, ast.Call) and isinstance(ancestor.func, ast.Attribute) and ancestor.func.attr == "add_routes":
            return model.segment(ancestor.func.value)
    for ancestor in ancestors:
        if isinstance(ancestor, (ast.List, ast.Tuple, ast.Set)):
            return f"list at line {ancestor.lineno}"
    return f"line {call.lineno}"


# ---------------------------------------------------------------- request input

#: request attributes holding what the client sent
REQUEST_INPUT_ATTRIBUTES = frozenset(
    {"query", "match_info", "rel_url", "url", "path", "path_qs", "raw_path", "query_string", "headers", "cookies"}
)
#: request methods returning the body
REQUEST_BODY_METHODS = frozenset({"post", "json", "text", "read", "multipart", "content"})


def reads_request_input(
    model: SemanticModel, expr: ast.expr, function: FunctionInfo, cleaned_by: frozenset[str], depth: int = 2
) -> ast.AST | None:
    """The read of client input (``request.match_info``, ``await request.post()``, a local name
    assigned from one) that ``expr`` carries, unless a call named in ``cleaned_by`` (qualified
    names such as ``html.escape``) wraps it within ``expr``; None when there is none."""
    for attribute in model.nodes_in(function, ast.Attribute):
        if not _within(model, attribute, expr):
            continue
        value = attribute.value  # type: ignore[attr-defined]
        name = attribute.attr  # type: ignore[attr-defined]
        is_input = (name in REQUEST_INPUT_ATTRIBUTES and is_request(model, value)) or (
            name in REQUEST_BODY_METHODS
            and is_request(model, value)
            and isinstance(model.parent(attribute), ast.Call)
        )
        if is_input and not _cleaned(model, attribute, expr, cleaned_by):
            return attribute
    if depth == 0:
        return None
    for name in model.nodes_in(function, ast.Name):
        if not isinstance(name.ctx, ast.Load) or not _within(model, name, expr):  # type: ignore[attr-defined]
            continue
        binding = model.lookup(name.id, name)  # type: ignore[attr-defined]
        if binding is None or binding.kind not in ("assignment", "loop", "with") or binding.value is None:
            continue
        if model.enclosing_function(binding.node) is not function or _cleaned(model, name, expr, cleaned_by):
            continue
        if reads_request_input(model, binding.value, function, cleaned_by, depth - 1) is not None:
            return name
    return None


def _within(model: SemanticModel, node: ast.AST, expr: ast.AST) -> bool:
    return node is expr or any(ancestor is expr for ancestor in model.ancestors(node))


def _cleaned(model: SemanticModel, node: ast.AST, expr: ast.AST, cleaned_by: frozenset[str]) -> bool:
    """A call named in ``cleaned_by`` stands between ``node`` and ``expr`` (inclusive)."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, ast.Call) and (model.qualified_name(ancestor.func) in cleaned_by):
            return True
        if ancestor is expr:
            return False
    return False
