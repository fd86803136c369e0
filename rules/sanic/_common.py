"""What several Sanic rules need to know about Sanic and how a module uses it (no rule here).

- ``canonical``: Sanic's public spelling of a qualified name (``sanic.app.Sanic`` is ``sanic.Sanic``,
  ``sanic.json`` and ``sanic.response.convenience.json`` are ``sanic.response.json``).
- ``roles``: the listeners, middlewares and exception handlers the module registers, found once
  per model: they tell what an unannotated parameter is (a listener's first parameter is the app,
  a middleware's the request).
- ``is_app`` / ``is_blueprint`` / ``is_request`` / ``is_config``: whether an expression is one,
  also where nothing is annotated (a handler's request parameter, ``request.app``).
- ``path_parameters``: the parameters of a route path and their types.
- ``header_range``: where to report on a function (``def name``).
"""

from __future__ import annotations

import ast
import re
import weakref
from dataclasses import dataclass, field

from ..model import FunctionInfo, SemanticModel, argument
from ..rule import Range

APP = "sanic.Sanic"
BLUEPRINT = "sanic.Blueprint"
REQUEST = "sanic.Request"
CONFIG = "sanic.Config"

#: implementation spellings -> public ones (the longest matching prefix is replaced)
_PREFIXES: dict[str, str] = {
    "sanic.app.Sanic": APP,
    "sanic.blueprints.Blueprint": BLUEPRINT,
    "sanic.request.types.Request": REQUEST,
    "sanic.request.Request": REQUEST,
    "sanic.config.Config": CONFIG,
    "sanic.response.convenience": "sanic.response",
    "sanic.response.types": "sanic.response",
}
#: names the ``sanic`` package re-exports from ``sanic.response``
_RESPONSE_REEXPORTS = frozenset({"empty", "file", "html", "json", "raw", "redirect", "text", "HTTPResponse"})

#: listener events, as ``@app.listener("<event>")`` and as decorators of their own (``@app.before_server_start``)
LISTENER_EVENTS = (
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
MIDDLEWARE_ATTACH_POINTS = ("request", "response")

_PATH_PARAMETER = re.compile(r"<([^<>:]+)(?::([^<>]+))?>")


def canonical(name: str | None) -> str | None:
    """The public spelling of a Sanic qualified name; other names unchanged."""
    if name is None or not name.startswith("sanic."):
        return name
    for prefix in sorted(_PREFIXES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return _PREFIXES[prefix] + name[len(prefix) :]
    parts = name.split(".")
    if len(parts) == 2 and parts[1] in _RESPONSE_REEXPORTS:
        return f"sanic.response.{parts[1]}"
    return name


def qualified(model: SemanticModel, expr: ast.AST) -> str | None:
    return canonical(model.qualified_name(expr))


def instance(model: SemanticModel, expr: ast.AST) -> str | None:
    return canonical(model.instance_type(expr))


def positional_parameters(function: FunctionInfo) -> list[ast.arg]:
    """The positional parameters Sanic fills, ``self`` of a method left out."""
    arguments = function.node.args
    parameters = [*arguments.posonlyargs, *arguments.args]
    if is_method(function):
        parameters = parameters[1:]
    return parameters


def is_method(function: FunctionInfo) -> bool:
    return function.class_info is not None and not any(
        isinstance(decorator, ast.Name) and decorator.id == "staticmethod" for decorator in function.node.decorator_list
    )


def is_sanic_handler(function: FunctionInfo | None) -> bool:
    return function is not None and function.handler is not None and function.handler.framework == "sanic"


def path_parameters(path: str | None) -> dict[str, str]:
    """``{"user_id": "int", "name": "str"}`` for ``/users/<user_id:int>/<name>``: each parameter's
    type, ``str`` when the path gives none (a regular expression stands as itself)."""
    if not path:
        return {}
    return {match.group(1).strip(): (match.group(2) or "str").strip() for match in _PATH_PARAMETER.finditer(path)}


# ---------------------------------------------------------------- registrations


@dataclass
class Roles:
    """Functions the module registers with a Sanic app or blueprint, by ``id(FunctionInfo)``."""

    #: ``@app.listener("...")``, ``@app.before_server_start``…, ``app.register_listener(f, "...")``
    listeners: dict[int, FunctionInfo] = field(default_factory=dict)
    #: ``@app.middleware``, ``@app.on_request``, ``@app.on_response``, ``app.register_middleware(f)``
    middlewares: dict[int, FunctionInfo] = field(default_factory=dict)
    #: ``@app.exception(...)``, ``app.error_handler.add(exception, f)``
    exception_handlers: dict[int, FunctionInfo] = field(default_factory=dict)


_roles: weakref.WeakKeyDictionary[SemanticModel, Roles] = weakref.WeakKeyDictionary()

_LISTENER_DECORATORS = frozenset({"listener", *LISTENER_EVENTS})
_MIDDLEWARE_DECORATORS = frozenset({"middleware", "on_request", "on_response"})


def roles(model: SemanticModel) -> Roles:
    found = _roles.get(model)
    if found is None:
        found = _roles[model] = _find_roles(model)
    return found


def may_be_sanic(model: SemanticModel, receiver: ast.expr) -> bool:
    """True when ``receiver`` is a Sanic app or blueprint by its type, or of a type this module does
    not know (``app`` imported from another module): not some other framework's object."""
    type_name = instance(model, receiver)
    return type_name is None or type_name in (APP, BLUEPRINT)


def _find_roles(model: SemanticModel) -> Roles:
    found = Roles()
    for function in model.functions:
        for decorator in function.node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if not isinstance(target, ast.Attribute) or not may_be_sanic(model, target.value):
                continue
            if target.attr in _LISTENER_DECORATORS:
                found.listeners[id(function)] = function
            elif target.attr in _MIDDLEWARE_DECORATORS:
                found.middlewares[id(function)] = function
            elif target.attr == "exception" and isinstance(decorator, ast.Call):
                found.exception_handlers[id(function)] = function
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        registered: dict[int, FunctionInfo] | None = None
        callee: ast.expr | None = None
        if func.attr == "register_listener" and may_be_sanic(model, func.value):
            registered, callee = found.listeners, argument(call, 0, "listener")
        elif func.attr == "register_middleware" and may_be_sanic(model, func.value):
            registered, callee = found.middlewares, argument(call, 0, "middleware")
        elif func.attr == "add" and isinstance(func.value, ast.Attribute) and func.value.attr == "error_handler":
            registered, callee = found.exception_handlers, argument(call, 1, "handler")
        function = model.function_def(callee) if callee is not None else None
        if registered is not None and function is not None:
            registered[id(function)] = function
    return found


# ---------------------------------------------------------------- what an expression is


def _parameter(model: SemanticModel, name: ast.Name) -> tuple[FunctionInfo, int] | None:
    """The function whose unannotated parameter ``name`` reads, and its position among the
    parameters Sanic fills (``self`` left out)."""
    binding = model.lookup(name.id, name)
    if binding is None or binding.kind != "parameter" or binding.annotation is not None:
        return None
    function = model.function_info(model.parent(binding.node))
    if function is None:
        return None
    for position, parameter in enumerate(positional_parameters(function)):
        if parameter is binding.node:
            return function, position
    return None


def is_request(model: SemanticModel, expr: ast.AST) -> bool:
    """A Sanic request: so typed (``request: Request``, ``Request.get_current()``), or the first
    parameter of a handler, a middleware or an exception handler."""
    if instance(model, expr) == REQUEST:
        return True
    if not isinstance(expr, ast.Name):
        return False
    found = _parameter(model, expr)
    if found is None or found[1] != 0:
        return False
    function = found[0]
    registered = roles(model)
    return (
        is_sanic_handler(function)
        or id(function) in registered.middlewares
        or id(function) in registered.exception_handlers
    )


def is_app(model: SemanticModel, expr: ast.AST) -> bool:
    """A Sanic application: so typed (``Sanic(...)``, ``Sanic.get_app()``), ``request.app``, or a
    listener's first parameter."""
    if instance(model, expr) == APP:
        return True
    if isinstance(expr, ast.Attribute):
        return expr.attr == "app" and is_request(model, expr.value)
    if isinstance(expr, ast.Name):
        found = _parameter(model, expr)
        return found is not None and found[1] == 0 and id(found[0]) in roles(model).listeners
    return False


def is_blueprint(model: SemanticModel, expr: ast.AST) -> bool:
    return instance(model, expr) == BLUEPRINT


def is_config(model: SemanticModel, expr: ast.AST) -> bool:
    """A Sanic ``Config``: ``app.config``, a name bound to it, or a ``Config(...)``."""
    if instance(model, expr) == CONFIG:
        return True
    if isinstance(expr, ast.Attribute):
        return expr.attr == "config" and is_app(model, expr.value)
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        value = binding.value if binding is not None and binding.kind == "assignment" else None
        return isinstance(value, ast.Attribute) and value.attr == "config" and is_app(model, value.value)
    return False


def string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# ---------------------------------------------------------------- positions


def header_range(model: SemanticModel, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Range:
    """The range of ``async def name`` / ``def name`` in a function's header: where to report on it."""
    start = model.range_of(node)
    line = model.lines[start.start_line]
    name_at = line.find(node.name, start.start_column + len("def "))
    end = name_at + len(node.name) if name_at >= 0 else len(line)
    return Range(start.start_line, start.start_column, start.start_line, end)
