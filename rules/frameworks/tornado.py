"""What several Tornado rules need to know about Tornado and how a module uses it (no rule here).

- ``handler_class`` / ``handler_self`` / ``self_call``: the request-handler classes of a module
  (``RequestHandler``, ``WebSocketHandler`` and Tornado's other handler classes, through local
  base classes) and the ``self.<method>(...)`` calls made on their instances, helper methods and
  closures included.
- ``runs_on_loop``: whether code runs on the IOLoop's thread (coroutines, ``@gen.coroutine``
  functions and handler methods), where a blocking call stalls every request.
- ``applications``: the ``Application(...)`` set-ups of a module and their settings, seen through
  ``**settings`` dicts and ``super().__init__(handlers, **settings)`` in ``Application`` subclasses.
- ``routes`` / ``setup_routes``: the ``(pattern, Handler)`` entries of those applications and of
  ``add_handlers``.
- ``capture_groups``: the capturing groups of a route pattern, for what a path argument can hold.
- ``setting_constant``: the literal a setting's value is, through module- and class-level constants.
"""

from __future__ import annotations

import ast
import re
import weakref
from dataclasses import dataclass, field

from ..model import Binding, ClassInfo, FunctionInfo, SemanticModel, argument

REQUEST_HANDLER = "tornado.web.RequestHandler"
WEBSOCKET_HANDLER = "tornado.websocket.WebSocketHandler"
#: classes whose subclasses handle requests (Tornado's own handlers derive from ``RequestHandler``)
HANDLER_CLASSES = (
    REQUEST_HANDLER,
    WEBSOCKET_HANDLER,
    "tornado.web.StaticFileHandler",
    "tornado.web.RedirectHandler",
    "tornado.web.ErrorHandler",
    "tornado.web.FallbackHandler",
)
APPLICATION = "tornado.web.Application"
GEN_COROUTINE = "tornado.gen.coroutine"
RUN_ON_EXECUTOR = "tornado.concurrent.run_on_executor"
#: route entries built by a call: ``url(pattern, Handler)``
URL_SPECS = frozenset({"tornado.web.url", "tornado.web.URLSpec", "tornado.routing.URLSpec"})
#: the positional parameters of ``Application.__init__`` before ``**settings``
_APPLICATION_POSITIONAL = 3


# ---------------------------------------------------------------- handlers


def handler_class(model: SemanticModel, class_info: ClassInfo | None) -> bool:
    """True for a Tornado request-handler class (through base classes of the module)."""
    return class_info is not None and model.is_subclass(class_info, *HANDLER_CLASSES)


def websocket_class(model: SemanticModel, class_info: ClassInfo | None) -> bool:
    return class_info is not None and model.is_subclass(class_info, WEBSOCKET_HANDLER)


def decorator_names(model: SemanticModel, function: FunctionInfo) -> set[str]:
    """The qualified names of a function's decorators (``@run_on_executor(...)`` counts as ``run_on_executor``)."""
    names = set()
    for decorator in function.node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = model.qualified_name(target)
        if name:
            names.add(name)
    return names


def method_owner(model: SemanticModel, name: ast.Name) -> FunctionInfo | None:
    """The method whose ``self`` parameter ``name`` reads (also from a closure inside the method)."""
    binding = model.lookup(name.id, name)
    if binding is None or binding.kind != "parameter":
        return None
    function = model.function_info(model.parent(binding.node))
    if function is None or function.class_info is None:
        return None
    positional = [*function.node.args.posonlyargs, *function.node.args.args]
    if not positional or positional[0] is not binding.node:
        return None
    if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in function.node.decorator_list):
        return None
    return function


def handler_self(model: SemanticModel, expr: ast.AST) -> ClassInfo | None:
    """The handler class when ``expr`` is the ``self`` of one of its methods, else None."""
    if not isinstance(expr, ast.Name):
        return None
    function = method_owner(model, expr)
    if function is None or not handler_class(model, function.class_info):
        return None
    return function.class_info


def self_call(model: SemanticModel, call: ast.AST) -> str | None:
    """The method name when ``call`` is ``self.<method>(...)`` on a Tornado request handler."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
        return None
    return call.func.attr if handler_self(model, call.func.value) is not None else None


def runs_on_loop(model: SemanticModel, node: ast.AST) -> bool:
    """True when ``node`` runs on the IOLoop's thread: in a coroutine, a ``@gen.coroutine`` function,
    or a handler method Tornado calls (a verb method, ``prepare``, ``open``…) or a helper method of a
    handler class that is only ever called (one passed as a value, e.g. to ``run_in_executor``, may
    run on a thread). ``@run_on_executor`` methods, lambdas and nested functions run where they are
    sent, and do not count."""
    if model.in_async_context(node):
        return True
    if model.scope(node).kind == "lambda":
        return False
    function = model.enclosing_function(node)
    if function is None:
        return False
    decorators = decorator_names(model, function)
    if RUN_ON_EXECUTOR in decorators:
        return False
    if GEN_COROUTINE in decorators:
        return True
    if function.outer.kind != "class" or not handler_class(model, function.class_info):
        return False
    return function.handler is not None or not _passed_as_value(model, function)


def _passed_as_value(model: SemanticModel, method: FunctionInfo) -> bool:
    """True when ``self.<method>`` appears other than called: handed to an executor, a callback…"""
    for attribute in model.nodes(ast.Attribute):
        assert isinstance(attribute, ast.Attribute)
        if attribute.attr != method.name or model.function_def(attribute) is not method:
            continue
        parent = model.parent(attribute)
        if not (isinstance(parent, ast.Call) and parent.func is attribute):
            return True
    return False


# ---------------------------------------------------------------- applications and settings


@dataclass
class ApplicationSetup:
    """One ``Application(...)`` (or ``super().__init__(...)`` in an ``Application`` subclass)."""

    call: ast.Call
    #: setting name -> its value expression, from keywords and resolved ``**mappings``
    settings: dict[str, ast.expr] = field(default_factory=dict)
    #: False when some settings come from a mapping this module does not spell out
    complete: bool = True
    #: the handler list argument, when given
    handlers: ast.expr | None = None

    @property
    def report_node(self) -> ast.expr:
        """Where to report on the set-up as a whole: the callee (``tornado.web.Application``)."""
        return self.call.func


_applications: weakref.WeakKeyDictionary[SemanticModel, list[ApplicationSetup]] = weakref.WeakKeyDictionary()


def applications(model: SemanticModel) -> list[ApplicationSetup]:
    """The application set-ups of the module, found once per model, in source order."""
    found = _applications.get(model)
    if found is None:
        found = _applications[model] = [
            setup for call in model.nodes(ast.Call) if (setup := _setup(model, call)) is not None  # type: ignore[arg-type]
        ]
    return found


def _setup(model: SemanticModel, call: ast.Call) -> ApplicationSetup | None:
    offset = _application_offset(model, call)
    if offset is None:
        return None
    setup = ApplicationSetup(call, handlers=argument(call, offset, "handlers"))
    for index, value in enumerate(call.args):
        if isinstance(value, ast.Starred):
            setup.complete = False  # settings cannot come positionally, but the handlers may hide there
            break
        if index >= offset + _APPLICATION_POSITIONAL:
            setup.complete = False
    for keyword in call.keywords:
        if keyword.arg is not None:
            if keyword.arg not in ("handlers", "default_host", "transforms"):
                setup.settings[keyword.arg] = keyword.value
            continue
        mapping = _mapping(model, keyword.value, 0)
        if mapping is None:
            setup.complete = False
        else:
            entries, complete = mapping
            setup.settings.update(entries)
            setup.complete = setup.complete and complete
    return setup


def _application_offset(model: SemanticModel, call: ast.Call) -> int | None:
    """Where the handlers stand among the call's arguments if it sets up an application:
    0 for ``Application(...)`` and ``super().__init__(...)``, 1 for ``Application.__init__(self, ...)``."""
    name = model.qualified_name(call.func)
    if name == APPLICATION:
        return 0
    if name == f"{APPLICATION}.__init__":
        return 1
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call):
        if model.qualified_name(func.value.func) == "builtins.super":
            function = model.enclosing_function(call)
            if function is not None and function.class_info is not None and model.is_subclass(function.class_info, APPLICATION):
                return 0
        return None
    # a subclass of the module without its own __init__ takes Application's arguments
    class_info = model.class_def(func)
    if class_info is not None and model.is_subclass(class_info, APPLICATION) and model.find_method(class_info, "__init__") is None:
        return 0
    return None


def _mapping(model: SemanticModel, expr: ast.expr, depth: int) -> tuple[dict[str, ast.expr], bool] | None:
    """The entries of a settings mapping (a dict display, ``dict(...)``, or a name bound to one, with
    its later ``name["key"] = value`` and ``name.update(...)``), and whether they are all known."""
    if depth > 4:
        return None
    if isinstance(expr, ast.Dict):
        entries: dict[str, ast.expr] = {}
        complete = True
        for key, value in zip(expr.keys, expr.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                entries[key.value] = value
            elif key is None:
                inner = _mapping(model, value, depth + 1)
                if inner is None:
                    complete = False
                else:
                    entries.update(inner[0])
                    complete = complete and inner[1]
            else:
                complete = False
        return entries, complete
    if isinstance(expr, ast.Call) and model.qualified_name(expr.func) == "builtins.dict":
        entries, complete = {}, True
        for positional in expr.args:
            inner = _mapping(model, positional, depth + 1)
            if inner is None:
                complete = False
            else:
                entries.update(inner[0])
                complete = complete and inner[1]
        for keyword in expr.keywords:
            if keyword.arg is not None:
                entries[keyword.arg] = keyword.value
            else:
                inner = _mapping(model, keyword.value, depth + 1)
                if inner is None:
                    complete = False
                else:
                    entries.update(inner[0])
                    complete = complete and inner[1]
        return entries, complete
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        if binding is None or binding.kind not in ("assignment", "annotation") or binding.value is None:
            return None
        found = _mapping(model, binding.value, depth + 1)
        if found is None:
            return None
        entries, complete = dict(found[0]), found[1]
        for later in _later_changes(model, binding):
            if later is None:
                complete = False
            else:
                entries.update(later)
        return entries, complete
    return None


def _later_changes(model: SemanticModel, binding: Binding) -> list[dict[str, ast.expr] | None]:
    """What is added to a settings dict after it is bound: ``settings["key"] = value`` and
    ``settings.update(...)`` (None for an addition this module does not spell out)."""
    changes: list[dict[str, ast.expr] | None] = []
    for name in model.references(binding):
        parent = model.parent(name)
        if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store):
            statement = model.parent(parent)
            key = parent.slice
            if isinstance(statement, ast.Assign) and isinstance(key, ast.Constant) and isinstance(key.value, str):
                changes.append({key.value: statement.value})
            else:
                changes.append(None)
        elif isinstance(parent, ast.Attribute) and parent.attr in ("update", "setdefault"):
            call = model.parent(parent)
            if not isinstance(call, ast.Call):
                continue
            if parent.attr == "setdefault":
                key, value = argument(call, 0), argument(call, 1)
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and value is not None:
                    changes.append({key.value: value})
                else:
                    changes.append(None)
                continue
            changes.append(_update_entries(model, call))
    return changes


def _update_entries(model: SemanticModel, call: ast.Call) -> dict[str, ast.expr] | None:
    """The entries ``settings.update(...)`` adds, when all are spelled out."""
    entries: dict[str, ast.expr] = {}
    for positional in call.args:
        inner = _mapping(model, positional, 1)
        if inner is None or not inner[1]:
            return None
        entries.update(inner[0])
    for keyword in call.keywords:
        if keyword.arg is None:
            return None
        entries[keyword.arg] = keyword.value
    return entries


def setting_constant(model: SemanticModel, value: ast.expr) -> ast.Constant | None:
    """The literal a setting's value is: itself, or what a module- or class-level constant holds."""
    for _ in range(4):
        if isinstance(value, ast.Constant):
            return value
        if not isinstance(value, ast.Name):
            return None
        binding = model.lookup(value.id, value)
        if binding is None or binding.kind not in ("assignment", "annotation") or binding.value is None:
            return None
        if binding.scope.kind not in ("module", "class") or len(binding.scope.bindings.get(value.id, ())) != 1:
            return None  # rebound somewhere: not a constant
        value = binding.value
    return None


# ---------------------------------------------------------------- routes


@dataclass(frozen=True)
class Route:
    """One entry of a handler list: ``(pattern, Handler, ...)`` or ``url(pattern, Handler)``."""

    pattern: str | None
    handler: ast.expr
    node: ast.AST


def routes(model: SemanticModel) -> list[Route]:
    """The routes of the module's applications and of its ``add_handlers(host, [...])`` calls."""
    found: list[Route] = []
    for setup in applications(model):
        if setup.handlers is not None:
            found.extend(_route_list(model, setup.handlers))
    for call in _add_handlers_calls(model):
        found.extend(_route_list(model, argument(call, 1, "host_handlers")))  # type: ignore[arg-type]
    return found


def setup_routes(model: SemanticModel, setup: ApplicationSetup) -> list[Route]:
    """The routes of one application: its handler list, and ``app.add_handlers(...)`` on it."""
    found = _route_list(model, setup.handlers) if setup.handlers is not None else []
    for call in _add_handlers_calls(model):
        receiver = call.func.value  # type: ignore[attr-defined]
        binding = model.lookup(receiver.id, receiver) if isinstance(receiver, ast.Name) else None
        if binding is not None and binding.value is setup.call:
            found.extend(_route_list(model, argument(call, 1, "host_handlers")))  # type: ignore[arg-type]
    return found


def _add_handlers_calls(model: SemanticModel) -> list[ast.Call]:
    return [
        call
        for call in model.nodes(ast.Call)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "add_handlers"
        and argument(call, 1, "host_handlers") is not None
    ]


def routes_of(model: SemanticModel, class_info: ClassInfo) -> list[Route]:
    """The routes that send requests to this handler class."""
    return [route for route in routes(model) if model.class_def(route.handler) is class_info]


def _route_list(model: SemanticModel, expr: ast.expr, depth: int = 0) -> list[Route]:
    if depth > 4:
        return []
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        if binding is not None and binding.kind in ("assignment", "annotation") and binding.value is not None:
            return _route_list(model, binding.value, depth + 1)
        return []
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _route_list(model, expr.left, depth + 1) + _route_list(model, expr.right, depth + 1)
    if not isinstance(expr, (ast.List, ast.Tuple)):
        return []
    found = []
    for entry in expr.elts:
        if isinstance(entry, (ast.Tuple, ast.List)) and len(entry.elts) >= 2:
            pattern, handler = entry.elts[0], entry.elts[1]
        elif isinstance(entry, ast.Call) and model.qualified_name(entry.func) in URL_SPECS:
            pattern, handler = argument(entry, 0, "pattern"), argument(entry, 1, "handler")
            if handler is None:
                continue
        else:
            continue
        text = pattern.value if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str) else None
        found.append(Route(text, handler, entry))  # type: ignore[arg-type]
    return found


_GROUP_START = re.compile(r"\((?!\?)|\(\?P<(?P<name>\w+)>")


def capture_groups(pattern: str) -> list[tuple[str | None, str]]:
    """The capturing groups of a route pattern, in order: (name or None, the group's own pattern).

    ``r"/docs/(?P<page>[a-z]+)/(.*)"`` gives ``[("page", "[a-z]+"), (None, ".*")]``. Escapes and
    character classes are skipped over; non-capturing groups (``(?:...)``) are not listed.
    """
    groups: list[tuple[int, str | None, str]] = []  # (where the group's pattern starts, name, pattern)
    opened: list[tuple[str | None, int, bool]] = []  # (name, where its pattern starts, capturing)
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
            index += 1
            continue
        if char == "[":
            in_class = True
            # a "]" right after "[" or "[^" is a literal
            if pattern[index + 1 : index + 2] == "^":
                index += 1
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            match = _GROUP_START.match(pattern, index)
            if match is not None:
                opened.append((match.group("name"), match.end(), True))
                index = match.end()
                continue
            opened.append((None, index + 1, False))
        elif char == ")" and opened:
            name, start, capturing = opened.pop()
            if capturing:
                groups.append((start, name, pattern[start:index]))
        index += 1
    # groups close inner-first: list them in the order they open, as ``re`` numbers them
    return [(name, text) for _, name, text in sorted(groups)]
