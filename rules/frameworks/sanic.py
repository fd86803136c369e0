"""What several Sanic rules need to know about Sanic and how a module uses it (no rule here).

- ``canonical``: Sanic's public spelling of a qualified name (``sanic.app.Sanic`` is ``sanic.Sanic``,
  ``sanic.json`` and ``sanic.response.convenience.json`` are ``sanic.response.json``).
- ``callback_kind``: whether a function is a listener, middleware or exception handler (found by the
  engine, ``SemanticModel.callbacks``): it tells what an unannotated parameter is (a listener's
  first parameter is the app, a middleware's the request).
- ``is_app`` / ``is_blueprint`` / ``is_request`` / ``is_config``: whether an expression is one,
  also where nothing is annotated (a handler's request parameter, ``request.app``).
- ``path_parameters``: the parameters of a route path and their types.
- ``client_value``: whether an expression reads a value the client sent (``request.args.get("next")``).
- ``header_range``: where to report on a function (``def name``).
- ``response_reference``, ``replace_string``, ``within_one_edit``: for fixes.
"""

from __future__ import annotations

import ast
import re

from ..fixes import FixContext
from ..model import FunctionInfo, SemanticModel
from ..rule import Edit, Range

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

MIDDLEWARE_ATTACH_POINTS = ("request", "response")

_PATH_PARAMETER = re.compile(r"<([^<>:]+)(?::([^<>]+))?>")
_STRING_PREFIX = re.compile(r"^[a-zA-Z]*")


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


def callback_kind(model: SemanticModel, function: FunctionInfo | None) -> str | None:
    """"listener", "middleware" or "exception handler" when ``function`` is registered as that Sanic
    callback (``SemanticModel.callbacks``), else None."""
    callback = model.callback_of(function)
    return callback.kind if callback is not None and callback.framework == "sanic" else None


def may_be_sanic(model: SemanticModel, receiver: ast.expr) -> bool:
    """True when ``receiver`` is a Sanic app or blueprint by its type, or of a type this module does
    not know (``app`` imported from another module): not some other framework's object."""
    type_name = instance(model, receiver)
    return type_name is None or type_name in (APP, BLUEPRINT)


# ---------------------------------------------------------------- what an expression is


def _parameter(model: SemanticModel, name: ast.Name) -> tuple[FunctionInfo, int] | None:
    """The function whose unannotated parameter ``name`` reads, and its position among the
    parameters Sanic fills (``self`` left out)."""
    found = model.parameter_of(name)
    if found is None or found[1].annotation is not None:
        return None
    function, parameter = found
    parameters = positional_parameters(function)
    return (function, parameters.index(parameter)) if parameter in parameters else None


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
    return is_sanic_handler(function) or callback_kind(model, function) in ("middleware", "exception handler")


#: request attributes the client writes freely
CLIENT_DATA = frozenset({"args", "form", "json", "headers", "cookies", "query_args"})
#: methods that read one value out of them
_READ_METHODS = frozenset({"get", "getone", "getlist"})


def client_value(model: SemanticModel, expr: ast.expr) -> ast.expr | None:
    """``expr`` itself when it reads a value the client sent: ``request.args.get("next")``,
    ``request.headers["referer"]``, ``request.args["url"][0]``, ``str(...)`` of one."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "str" and expr.args:
        return client_value(model, expr.args[0])
    if isinstance(expr, ast.Subscript):
        container = expr.value
        if isinstance(container, ast.Subscript):  # request.args["url"][0]
            container = container.value
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _READ_METHODS:
        container = expr.func.value
    else:
        return None
    if isinstance(container, ast.Attribute) and container.attr in CLIENT_DATA and is_request(model, container.value):
        return expr
    return None


def is_app(model: SemanticModel, expr: ast.AST) -> bool:
    """A Sanic application: so typed (``Sanic(...)``, ``Sanic.get_app()``), ``request.app``, or a
    listener's first parameter."""
    if instance(model, expr) == APP:
        return True
    if isinstance(expr, ast.Attribute):
        return expr.attr == "app" and is_request(model, expr.value)
    if isinstance(expr, ast.Name):
        found = _parameter(model, expr)
        return found is not None and found[1] == 0 and callback_kind(model, found[0]) == "listener"
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


def within_one_edit(first: str, second: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns one into the other."""
    if first == second:
        return True
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        differences = [i for i, (a, b) in enumerate(zip(first, second)) if a != b]
        if len(differences) == 1:
            return True
        return (
            len(differences) == 2
            and differences[1] == differences[0] + 1
            and first[differences[0]] == second[differences[1]]
            and first[differences[1]] == second[differences[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def replace_string(context: FixContext, literal: ast.Constant, value: str) -> Edit:
    """An edit writing ``value`` (plain text: no quotes or backslashes) into a string literal, keeping
    its prefix and quotes."""
    text = context.text(literal)
    prefix = _STRING_PREFIX.match(text).group()  # type: ignore[union-attr]
    quoted = text[len(prefix) :]
    quote = quoted[:3] if quoted[:3] in ('"""', "'''") else quoted[:1]
    return context.replace(literal, f"{prefix}{quote}{value}{quote}")


# ---------------------------------------------------------------- positions


def header_range(model: SemanticModel, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Range:
    """The range of ``async def name`` / ``def name`` in a function's header: where to report on it."""
    start = model.range_of(node)
    line = model.lines[start.start_line]
    name_at = line.find(node.name, start.start_column + len("def "))
    end = name_at + len(node.name) if name_at >= 0 else len(line)
    return Range(start.start_line, start.start_column, start.start_line, end)


# ---------------------------------------------------------------- fixes


def response_reference(context: FixContext, function: str, at: ast.AST) -> tuple[str, Edit | None]:
    """How to call ``sanic.response.<function>`` where ``at`` stands, and the import edit if one is needed."""
    model = context.model
    target = f"sanic.response.{function}"
    for bound, bindings in model.module_scope.bindings.items():
        for binding in bindings:
            imported = canonical(binding.imported)
            if imported not in (target, "sanic.response") or model.lookup(bound, at) is not binding:
                continue
            return (bound, None) if imported == target else (f"{bound}.{function}", None)
    if model.lookup(function, at) is None:
        return function, context.add_from_import("sanic.response", function)
    return context.import_name("sanic.response", function)
