"""The semantic model: what one walk of a module's ``ast`` learns, for rules to query.

``SemanticModel.build(source)`` parses once and walks once (``semantic.walk``). The walk records,
for every node, its parent and its scope; it binds names (imports, assignments, definitions,
parameters, ``with ... as``) in module, class, function, lambda and comprehension scopes; it marks
which functions await; and it indexes nodes by type. After the walk, ``handlers.find_handlers``
marks the request handlers of the five frameworks. Rules never walk the tree: they receive the
nodes of the types they ask for and query this model.

This class is the facade rules talk to. It answers questions about the tree's structure itself;
each other concern is a part in ``rules/semantic/`` that owns its caches, and the facade passes
the question on:

- names and bindings (``semantic.bindings``): ``lookup(name, node)``, ``references(binding)``,
  ``attributes_named(attr)``, ``value_use(expr)``, ``bound_to``, ``parameter_of``,
  ``sole_local_binding``; the module's own ``function_def(expr)``, ``class_def(expr)``,
  ``base_classes``, ``is_subclass``, ``find_method``;
- qualified names and instance types (``semantic.resolution``): ``qualified_name(expr)``:
  ``"asyncio.sleep"`` for ``aio.sleep`` after ``import asyncio as aio``, ``"time.sleep"`` for
  ``zzz`` after ``from time import sleep as zzz``, ``"builtins.open"`` for an unshadowed ``open``,
  ``"requests.Session.get"`` for ``s.get`` when ``s = requests.Session()``; ``instance_type(expr)``:
  the class an expression is an instance of, when the module says (a constructor call, an
  annotation, ``with X() as x``, a known factory in ``types``); ``is_event_loop(expr)``,
  ``annotation_type(annotation)``;
- control flow, structurally (``semantic.control_flow``): ``enclosing_loop(node)``,
  ``statement_list(statement)``, ``always_before(first, then)``, ``may_complete(statements)``;
- Python versions (``semantic.version_guards``): ``python_versions(node)``, the releases a node
  may run on (a ``VersionRange``), from the target version up, narrowed by ``sys.version_info`` guards;
- context (``semantic.context``): ``in_async_context(node)``: inside an ``async def`` body, not in a
  nested ``def``, ``lambda`` or class body; ``in_running_loop(node)``: that, or a notebook cell's
  top level (``notebook``); the frameworks: ``uses(framework)``, ``handler(function)``,
  ``middleware`` / ``middleware_of`` (Starlette), ``aiohttp_middleware`` / ``aiohttp_middleware_of``,
  ``callbacks`` / ``callback_of`` (Sanic), ``request_framework`` / ``calling_framework``,
  ``framework_version(distribution)``, ``context_label(node)``;
- positions (``semantic.positions``): ``range_of(node)``, ``header_range``, ``segment(node)``, ``column``.

The structure, here: ``nodes(ast.Call)``, ``calls_named(names)``, ``nodes_in(function, type)``,
``parent(node)``, ``ancestors(node)``, ``scope(node)``, ``enclosing_function(node)``,
``function_info(node)``, ``class_info(node)``. docs/writing-rules.md has the full table.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator

from .handlers import find_handlers
from .reparse import reparse
from .semantic.arguments import argument, keyword
from .semantic.bindings import Bindings
from .semantic.context import Context
from .semantic.control_flow import ControlFlow
from .semantic.definitions import Definitions
from .semantic.positions import Positions, Range, split_lines
from .semantic.resolution import Resolution
from .semantic.roles import FRAMEWORK_MODULES, FRAMEWORK_TITLES, CallbackInfo, HandlerInfo, MiddlewareInfo
from .semantic.scopes import Binding, ClassInfo, FunctionInfo, FunctionNode, Scope
from .semantic.version_guards import ALL_VERSIONS, NO_VERSIONS, VersionGuards, VersionRange
from .semantic.walk import Walker, ancestors, enclosing_function, parent

# What rules import from here, wherever it is defined.
__all__ = [
    "ALL_VERSIONS",
    "FRAMEWORK_MODULES",
    "FRAMEWORK_TITLES",
    "NO_VERSIONS",
    "PARSE_LOCK",
    "Binding",
    "CallbackInfo",
    "ClassInfo",
    "FunctionInfo",
    "FunctionNode",
    "HandlerInfo",
    "MiddlewareInfo",
    "Scope",
    "SemanticModel",
    "VersionRange",
    "argument",
    "keyword",
    "split_lines",
]

#: CPython 3.11 can fail two ``ast.parse`` calls running at once in two threads ("AST constructor
#: recursion depth mismatch", gh-106905); the server parses in its resolution worker too
PARSE_LOCK = threading.Lock()


class SemanticModel:
    def __init__(
        self, source: str, tree: ast.Module, target_version: tuple[int, int] = (3, 9), lines: list[str] | None = None
    ):
        self.source = source
        self.tree = tree
        self.target_version = target_version
        self.lines = split_lines(source) if lines is None else lines
        # what the walk records (``semantic.walk``)
        self.module_scope = Scope("module", tree, None)
        #: every scope of the module, the module's first
        self.scopes = [self.module_scope]
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.handlers: list[HandlerInfo] = []
        self.imported_modules: set[str] = set()
        self._nodes: dict[type, list[ast.AST]] = {}
        self._function_of_node: dict[int, FunctionInfo] = {}
        self._class_of_node: dict[int, ClassInfo] = {}
        #: callee name -> the calls by it (``calls_named``), made on first use
        self._calls_by_name: dict[str, list[ast.Call]] | None = None
        #: node type -> id(enclosing FunctionInfo, or None) -> its nodes of that type (``nodes_in``), made on first use
        self._nodes_by_function: dict[type, dict[int, list[ast.AST]]] = {}
        #: id(call) -> ``handlers.configured_middleware(self, call)``
        self._configured_middleware: dict[int, str | None] = {}
        # The parts that answer the other questions, each with its own caches. A part gets what
        # it needs (the walk's records, which the walk fills in later, and other parts), never the
        # model itself: nothing the model holds points back to it, so a model dropped without
        # ``release`` is still freed by reference counting at once, and with it the entries of
        # the caches rules keep per model (``weakref.WeakKeyDictionary``).
        self._bindings = Bindings(self._nodes, self._function_of_node)
        self._resolution = Resolution(self._bindings)
        self._definitions = Definitions(self._bindings, self._resolution)
        self._control_flow = ControlFlow(self._resolution, self._definitions)
        self._version_guards = VersionGuards(
            target_version, self.module_scope, self._nodes, self._bindings, self._resolution, self._control_flow
        )
        self._context = Context()
        self._positions = Positions(self.lines)
        #: answers "is this imported callee a coroutine function?" (``runner.CoroutineResolver``)
        self.resolver = None
        #: the versions of the frameworks the project uses (``versions.VersionLookup``), if known
        self.versions = None
        #: the document is a notebook's code cells (``rules.notebooks``): its top level runs in
        #: the kernel's running event loop, and may ``await``
        self.notebook = False
        #: the project this module belongs to (``project.index.ProjectView``), when the caller knows it
        self.project = None
        #: the rule codes this lint runs (``runner.lint``)
        self.enabled_codes: frozenset[str] = frozenset()

    # ---------------------------------------------------------------- building

    @classmethod
    def build(
        cls,
        source: str,
        target_version: tuple[int, int] = (3, 9),
        previous: SemanticModel | None = None,
        notebook: bool = False,
    ) -> SemanticModel:
        """Parse ``source`` and walk it once. Raises ``SyntaxError`` when it does not parse.

        ``previous``, the model of an earlier text of the same document, lets the parse re-use
        the statements an edit did not touch (``reparse``); those then belong to the new model,
        and ``previous`` must not be used afterwards, only released. A ``notebook``'s top level
        may ``await``, as IPython allows: ``ast.parse`` accepts that in any module (the compiler,
        not the parser, rejects it), so only ``in_running_loop`` tells the difference.
        """
        lines = split_lines(source)
        tree = None
        if previous is not None:
            tree = reparse(previous.tree, previous.lines, source, lines)
        if tree is None:
            with PARSE_LOCK:
                tree = ast.parse(source, type_comments=False)
        model = cls(source, tree, target_version, lines)
        model.notebook = notebook
        Walker(model).walk_module(tree)
        find_handlers(model)
        return model

    def release(self) -> None:
        """Take the model apart so that reference counting alone frees it; it is unusable after.

        A model is full of reference cycles: each node links to its parent and scope, scopes to
        their bindings and back, methods to their class and back. Normally the garbage collector
        frees them; a long-lived process that keeps its models out of the collector's sight
        (``gc.freeze``, as the language server does) calls this on each model it drops instead.
        """
        own = set(map(id, self.scopes))
        for bucket in self._nodes.values():
            for node in bucket:
                attributes = node.__dict__
                # a statement a later model re-used (``build(previous=...)``) is that model's now
                if id(attributes.get("_ag_scope")) in own:
                    # the node's fields go too: a node not indexed (a parameter, a comprehension
                    # clause) then has nothing left to link back to
                    attributes.clear()
        for scope in self.scopes:
            for bindings in scope.bindings.values():
                for binding in bindings:
                    binding.__dict__.clear()
            scope.__dict__.clear()
        parts = (
            self._bindings, self._resolution, self._definitions, self._control_flow, self._version_guards,
            self._context, self._positions,
        )
        for info in (*self.functions, *self.classes, *self.handlers, *parts):
            info.__dict__.clear()
        self.__dict__.clear()

    # ---------------------------------------------------------------- structure

    def nodes(self, node_type: type[ast.AST]) -> list[ast.AST]:
        """Every node of exactly this type, in source order."""
        return self._nodes.get(node_type, [])

    def calls_named(self, names: frozenset[str]) -> list[ast.Call]:
        """The calls whose callee goes by one of ``names``, in source order: the last part of its
        qualified name (``zzz(1)`` after ``from time import sleep as zzz``: ``sleep``), or the name
        or attribute it is called by (``client.get(...)``: ``get``)."""
        index = self._calls_by_name
        if index is None:
            index = self._calls_by_name = {}
            for call in self.nodes(ast.Call):
                func = call.func  # type: ignore[attr-defined]
                called_as = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
                qualified = self.qualified_name(func)
                last = qualified.rpartition(".")[2] if qualified else None
                for name in {called_as, last} - {None}:
                    index.setdefault(name, []).append(call)
        found = [call for name in names for call in index.get(name, ())]
        if len(found) > 1:
            found = sorted(dict.fromkeys(found), key=_position)  # a call may go by two of the names
        return found

    def nodes_in(self, function: FunctionInfo, node_type: type[ast.AST]) -> list[ast.AST]:
        """Every node of exactly this type in ``function``'s own body (nested ``def``s and classes
        excluded, lambdas and comprehensions included), in source order."""
        # grouped once per type: rules ask for each function, and a scan of the module each time
        # is quadratic in its functions
        by_function = self._nodes_by_function.get(node_type)
        if by_function is None:
            by_function = self._nodes_by_function[node_type] = {}
            for node in self.nodes(node_type):
                by_function.setdefault(id(enclosing_function(node)), []).append(node)
        return list(by_function.get(id(function), ()))

    # what the walk left on each node (``semantic.walk``)
    parent = staticmethod(parent)
    ancestors = staticmethod(ancestors)
    enclosing_function = staticmethod(enclosing_function)

    @staticmethod
    def scope(node: ast.AST) -> Scope:
        """The scope a node is evaluated in."""
        return node._ag_scope  # type: ignore[attr-defined]

    def function_info(self, node: ast.AST) -> FunctionInfo | None:
        """The FunctionInfo of a ``def``/``async def`` node."""
        return self._function_of_node.get(id(node))

    def class_info(self, node: ast.AST) -> ClassInfo | None:
        return self._class_of_node.get(id(node))

    # ---------------------------------------------------------------- names and bindings: semantic.bindings

    def lookup(self, name: str, node: ast.AST) -> Binding | None:
        return self._bindings.lookup(name, node)

    def references(self, binding: Binding) -> list[ast.Name]:
        return self._bindings.references(binding)

    def attributes_named(self, attr: str) -> list[ast.Attribute]:
        return self._bindings.attributes_named(attr)

    def parameter_of(self, name: ast.Name) -> tuple[FunctionInfo, ast.arg] | None:
        return self._bindings.parameter_of(name)

    def sole_local_binding(self, name: ast.Name) -> Binding | None:
        return self._bindings.sole_local_binding(name)

    def bound_to(self, expr: ast.AST) -> Binding | None:
        return self._bindings.bound_to(expr)

    def value_use(self, expr: ast.AST) -> tuple[str, ast.AST | None]:
        return self._bindings.value_use(expr)

    # ---------------------------------------------------------------- this module's definitions: semantic.definitions

    def function_def(self, expr: ast.AST) -> FunctionInfo | None:
        return self._definitions.function_def(expr)

    def class_def(self, expr: ast.AST) -> ClassInfo | None:
        return self._definitions.class_def(expr)

    def base_classes(self, class_info: ClassInfo) -> Iterator[str | ClassInfo]:
        return self._definitions.base_classes(class_info)

    def is_subclass(self, class_info: ClassInfo, *qualified_bases: str) -> bool:
        return self._definitions.is_subclass(class_info, *qualified_bases)

    def find_method(self, class_info: ClassInfo, name: str) -> FunctionInfo | None:
        return self._definitions.find_method(class_info, name)

    # ---------------------------------------------------------------- qualified names and types: semantic.resolution

    def qualified_name(self, expr: ast.AST) -> str | None:
        return self._resolution.qualified_name(expr)

    def instance_type(self, expr: ast.AST) -> str | None:
        return self._resolution.instance_type(expr)

    def is_event_loop(self, expr: ast.AST) -> bool:
        return self._resolution.is_event_loop(expr)

    def annotation_type(self, annotation: ast.expr) -> str | None:
        return self._resolution.annotation_type(annotation)

    # ---------------------------------------------------------------- control flow: semantic.control_flow

    def enclosing_loop(self, node: ast.AST) -> ast.AST | None:
        return self._control_flow.enclosing_loop(node)

    def statement_list(self, statement: ast.AST) -> tuple[ast.AST, list[ast.stmt], int] | None:
        return self._control_flow.statement_list(statement)

    def always_before(self, first: ast.AST, then: ast.AST) -> bool:
        return self._control_flow.always_before(first, then)

    def may_complete(self, statements: list[ast.stmt]) -> bool:
        return self._control_flow.may_complete(statements)

    # ---------------------------------------------------------------- Python versions: semantic.version_guards

    def python_versions(self, node: ast.AST) -> VersionRange:
        return self._version_guards.python_versions(node)

    # ---------------------------------------------------------------- context: semantic.context

    def in_async_context(self, node: ast.AST) -> bool:
        return self._context.in_async_context(node)

    def in_running_loop(self, node: ast.AST) -> bool:
        return self._context.in_running_loop(self, node)

    def uses(self, framework: str) -> bool:
        return self._context.uses(self, framework)

    @property
    def frameworks(self) -> frozenset[str]:
        return self._context.frameworks(self)

    def framework_version(self, distribution: str) -> tuple[int, ...] | None:
        return self._context.framework_version(self, distribution)

    def handler(self, function: FunctionInfo | None) -> HandlerInfo | None:
        return self._context.handler(function)

    @property
    def middleware(self) -> list[MiddlewareInfo]:
        return self._context.middleware(self)

    def middleware_of(self, function: FunctionInfo | None) -> MiddlewareInfo | None:
        return self._context.middleware_of(self, function)

    @property
    def aiohttp_middleware(self) -> list[MiddlewareInfo]:
        return self._context.aiohttp_middleware(self)

    def aiohttp_middleware_of(self, function: FunctionInfo | None) -> MiddlewareInfo | None:
        return self._context.aiohttp_middleware_of(self, function)

    def request_framework(self, function: FunctionInfo | None) -> str | None:
        return self._context.request_framework(self, function)

    @property
    def callbacks(self) -> list[CallbackInfo]:
        return self._context.callbacks(self)

    def callback_of(self, function: FunctionInfo | None) -> CallbackInfo | None:
        return self._context.callback_of(self, function)

    def calling_framework(self, function: FunctionInfo | None) -> str | None:
        return self._context.calling_framework(self, function)

    def context_label(self, node: ast.AST) -> str:
        return self._context.context_label(self, node)

    # ---------------------------------------------------------------- positions: semantic.positions

    def column(self, line: int, byte_offset: int) -> int:
        return self._positions.column(line, byte_offset)

    def range_of(self, node: ast.AST) -> Range:
        return self._positions.range_of(node)

    def header_range(self, node: ast.AsyncFunctionDef) -> Range:
        return self._positions.header_range(node)

    def segment(self, node: ast.AST) -> str:
        return self._positions.segment(node)


def _position(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]
