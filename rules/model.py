"""The semantic model: what one walk of a module's ``ast`` learns, for rules to query.

``SemanticModel.build(source)`` parses once and walks once. The walk records, for every node, its
parent and its scope; it binds names (imports, assignments, definitions, parameters, ``with ... as``)
in module, class, function, lambda and comprehension scopes; it marks which functions await; and it
indexes nodes by type. After the walk, ``handlers.find_handlers`` marks the request handlers of the
five frameworks. Rules never walk the tree: they receive the nodes of the types they ask for and
query this model.

Main queries, for rule authors (docs/writing-rules.md has the full table):

- ``qualified_name(expr)``: ``"asyncio.sleep"`` for ``aio.sleep`` after ``import asyncio as aio``,
  ``"time.sleep"`` for ``zzz`` after ``from time import sleep as zzz``, ``"builtins.open"`` for an
  unshadowed ``open``, ``"requests.Session.get"`` for ``s.get`` when ``s = requests.Session()``.
- ``instance_type(expr)``: the qualified name of the class an expression is an instance of, when the
  module says (a constructor call, an annotation, ``with X() as x``, a known factory in ``types``);
  ``is_event_loop(expr)``, ``annotation_type(annotation)``.
- ``in_async_context(node)``: inside an ``async def`` body, not in a nested ``def``, ``lambda`` or
  class body; ``in_running_loop(node)``: that, or a notebook cell's top level (``notebook``).
- ``enclosing_function(node)``, ``enclosing_loop(node)``, ``function_def(expr)``, ``class_def(expr)``,
  ``is_subclass``, ``find_method``, ``lookup(name, node)``, ``references(binding)``,
  ``attributes_named(attr)``, ``value_use(expr)``.
- Control flow, structurally: ``statement_list(statement)``, ``always_before(first, then)``,
  ``may_complete(statements)``, ``nodes_in(function, type)``.
- Frameworks: ``uses(framework)``, ``handler(function)``, ``handlers``, ``middleware`` /
  ``middleware_of`` (Starlette), ``aiohttp_middleware`` / ``aiohttp_middleware_of``, ``callbacks`` /
  ``callback_of`` (Sanic listeners, middleware, exception handlers), ``request_framework`` /
  ``calling_framework`` (who runs a function), ``framework_version(distribution)``,
  ``context_label(node)``.
- ``python_versions(node)``: the Python releases a node may run on (a ``VersionRange``), from the
  target version up, narrowed by ``sys.version_info`` guards around it.
- ``nodes(ast.Call)``, ``parent(node)``, ``range_of(node)``, ``segment(node)``.
"""

from __future__ import annotations

import ast
import builtins
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Union

from .reparse import reparse
from .rule import Range
from .types import (
    ATTRIBUTE_TYPES,
    EVENT_LOOP_NAMES,
    EVENT_LOOP_TYPES,
    ITEM_TYPES,
    NO_RETURN_FUNCTIONS,
    OPERATOR_TYPES,
    RETURN_TYPES,
)

#: framework name -> the top-level modules whose import means a module uses it
FRAMEWORK_MODULES: dict[str, tuple[str, ...]] = {
    "asyncio": ("asyncio",),
    "starlette": ("starlette", "fastapi"),
    "fastapi": ("fastapi",),
    "aiohttp": ("aiohttp", "aiohttp_cors"),
    "sanic": ("sanic", "sanic_ext"),
    "tornado": ("tornado",),
}

FRAMEWORK_TITLES: dict[str, str] = {
    "asyncio": "asyncio",
    "starlette": "Starlette",
    "fastapi": "FastAPI",
    "aiohttp": "aiohttp",
    "sanic": "Sanic",
    "tornado": "Tornado",
}

_BUILTIN_NAMES = frozenset(dir(builtins))
#: the modules of typing's special forms
_TYPING_MODULES = frozenset({"typing", "typing_extensions"})
#: special forms whose first argument is the declared type (``Union`` only when the rest is None)
_WRAPPING_ANNOTATIONS = frozenset({"Optional", "Annotated", "Union", "ClassVar", "Final"})
#: forms that declare a class rather than an instance of it
_CLASS_ANNOTATIONS = frozenset({"Type", "type"})
#: CPython 3.11 can fail two ``ast.parse`` calls running at once in two threads ("AST constructor
#: recursion depth mismatch", gh-106905); the server parses in its resolution worker too
PARSE_LOCK = threading.Lock()
_ASYNC_DEF = re.compile(r"async\s+def\s+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(eq=False)
class Binding:
    """One binding of a name in a scope, in source order."""

    name: str
    kind: str  # "import", "assignment", "annotation", "parameter", "function", "class", "with", "loop"
    node: ast.AST  # the binding statement, parameter or definition
    scope: Scope
    #: for imports, the imported qualified name; otherwise None
    imported: str | None = None
    #: the bound value's expression (assignments, ``with ... as``), when there is one
    value: ast.expr | None = None
    #: an annotation that declares the bound value's type (parameters, annotated assignments)
    annotation: ast.expr | None = None
    definition: FunctionInfo | ClassInfo | None = None

    @property
    def position(self) -> tuple[int, int]:
        return (getattr(self.node, "lineno", 0), getattr(self.node, "col_offset", 0))


@dataclass(eq=False)
class Scope:
    kind: str  # "module", "class", "function", "lambda", "comprehension"
    node: ast.AST
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    function: FunctionInfo | None = None  # for "function" scopes
    class_info: ClassInfo | None = None  # for "class" scopes

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)


@dataclass(eq=False)
class FunctionInfo:
    node: FunctionNode
    scope: Scope  # the function's own scope
    outer: Scope  # where it is defined
    class_info: ClassInfo | None  # the class it is a method of, if any
    awaits: bool = False  # has await / async for / async with / async comprehension in its own body
    yields: bool = False
    handler: HandlerInfo | None = None

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, ast.AsyncFunctionDef)

    @property
    def qualname(self) -> str:
        return f"{self.class_info.name}.{self.name}" if self.class_info else self.name


@dataclass(eq=False)
class ClassInfo:
    node: ast.ClassDef
    scope: Scope
    outer: Scope
    methods: dict[str, FunctionInfo] = field(default_factory=dict)
    #: ``self.<name> = <value>`` assignments in its methods
    attributes: dict[str, list[ast.expr]] = field(default_factory=dict)
    #: ``self.<name>: <annotation>`` declarations in its methods (class-body ones are bindings of its scope)
    annotations: dict[str, list[ast.expr]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.node.name


@dataclass(eq=False)
class HandlerInfo:
    """A request handler of a web framework, and how it was registered."""

    framework: str  # "starlette", "fastapi", "aiohttp", "sanic" or "tornado"
    function: FunctionInfo
    kind: str  # "http" or "websocket"
    registration: ast.AST  # the decorator, route call or class that makes it a handler
    path: str | None = None
    methods: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return FRAMEWORK_TITLES[self.framework]


@dataclass(eq=False)
class MiddlewareInfo:
    """A Starlette/FastAPI HTTP middleware (or an aiohttp one) of a module, and where it is declared."""

    #: "base-http": ``BaseHTTPMiddleware`` style, ``(request, call_next)``; "asgi": pure ASGI, ``(scope, receive, send)``;
    #: "aiohttp": an aiohttp middleware (``SemanticModel.aiohttp_middleware``)
    kind: str
    framework: str  # "starlette", "fastapi" or "aiohttp"
    #: the class, the ``@app.middleware("http")`` decorator, or the call that passes ``dispatch=``
    registration: ast.AST
    #: the function that handles each request (``dispatch``, ``__call__``, the decorated or passed
    #: function), when this module defines it
    function: FunctionInfo | None
    class_info: ClassInfo | None = None


@dataclass(eq=False)
class CallbackInfo:
    """A function of the module that a framework calls besides its request handlers
    (``SemanticModel.callbacks``): a Sanic listener, middleware or exception handler."""

    framework: str  # "sanic"
    kind: str  # "listener", "middleware" or "exception handler"
    function: FunctionInfo
    #: the decorator or registering call; for an ``ErrorHandler`` subclass's method, the class
    registration: ast.AST
    #: a listener's event or a middleware's attach point, as the module spells it, when it does
    event: str | None = None

    @property
    def title(self) -> str:
        return FRAMEWORK_TITLES[self.framework]


@dataclass(frozen=True)
class VersionRange:
    """Python 3 releases from ``low`` to ``high``, both included, as ``(3, minor)`` pairs; ``high``
    None means no newest bound. ``SemanticModel.python_versions(node)`` answers with one."""

    low: tuple[int, int] = (3, 0)
    high: tuple[int, int] | None = None

    @property
    def empty(self) -> bool:
        return self.high is not None and self.high < self.low

    def includes(self, version: tuple[int, int]) -> bool:
        return self.low <= version and (self.high is None or version <= self.high)

    def reaches(self, version: tuple[int, int]) -> bool:
        """True when the range holds ``version`` or a later release: where code may meet an API
        deprecated or removed in ``version``."""
        return not self.empty and (self.high is None or self.high >= version)

    def intersection(self, other: VersionRange) -> VersionRange:
        highs = [high for high in (self.high, other.high) if high is not None]
        return VersionRange(max(self.low, other.low), min(highs) if highs else None)

    def hull(self, other: VersionRange) -> VersionRange:
        """The smallest range holding both (an empty range adds nothing)."""
        if self.empty:
            return other
        if other.empty:
            return self
        high = None if self.high is None or other.high is None else max(self.high, other.high)
        return VersionRange(min(self.low, other.low), high)

    def __str__(self) -> str:
        if self.empty:
            return "no Python 3 release"
        low = "%d.%d" % self.low
        if self.high is None:
            return f"{low}+"
        return low if self.high == self.low else f"{low}–{'%d.%d' % self.high}"


#: every Python 3 release, and none
ALL_VERSIONS = VersionRange()
NO_VERSIONS = VersionRange((3, 1), (3, 0))


class SemanticModel:
    def __init__(
        self, source: str, tree: ast.Module, target_version: tuple[int, int] = (3, 9), lines: list[str] | None = None
    ):
        self.source = source
        self.tree = tree
        self.target_version = target_version
        self.lines = split_lines(source) if lines is None else lines
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
        self._ascii_lines: dict[int, bool] = {}
        self._qualified_names: dict[int, str | None] = {}
        self._instance_types: dict[int, str | None] = {}
        #: id(string annotation) -> its parsed expression, placed where the string stands (``annotation_type``)
        self._string_annotations: dict[int, ast.expr | None] = {}
        #: id(call) -> ``handlers.configured_middleware(self, call)``
        self._configured_middleware: dict[int, str | None] = {}
        #: callee name -> the calls by it (``calls_named``), made on first use
        self._calls_by_name: dict[str, list[ast.Call]] | None = None
        #: node type -> id(enclosing FunctionInfo, or None) -> its nodes of that type (``nodes_in``), made on first use
        self._nodes_by_function: dict[type, dict[int, list[ast.AST]]] = {}
        #: id(scope) -> whether code in it runs in an async context (``in_async_context``)
        self._async_scopes: dict[int, bool] = {}
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
        _Walker(model).walk_module(tree)
        from .handlers import find_handlers

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
        for info in (*self.functions, *self.classes, *self.handlers):
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

    @staticmethod
    def parent(node: ast.AST) -> ast.AST | None:
        return getattr(node, "_ag_parent", None)

    @staticmethod
    def scope(node: ast.AST) -> Scope:
        """The scope a node is evaluated in."""
        return node._ag_scope  # type: ignore[attr-defined]

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def enclosing_function(self, node: ast.AST) -> FunctionInfo | None:
        """The innermost ``def``/``async def`` whose body holds ``node`` (lambdas are passed over)."""
        scope: Scope | None = self.scope(node)
        while scope is not None:
            if scope.kind == "function":
                return scope.function
            if scope.kind == "class":
                return None
            scope = scope.parent
        return None

    def in_async_context(self, node: ast.AST) -> bool:
        """True inside an ``async def`` body; a nested ``def``, ``lambda`` or class body is not."""
        # Every rule on calls asks this for every call: answer each scope once.
        scope: Scope | None = self.scope(node)
        key = id(scope)
        answer = self._async_scopes.get(key)
        if answer is None:
            while scope is not None and scope.kind == "comprehension":
                scope = scope.parent
            answer = self._async_scopes[key] = (
                scope is not None and scope.kind == "function" and scope.function.is_async  # type: ignore[union-attr]
            )
        return answer

    def in_running_loop(self, node: ast.AST) -> bool:
        """True where an event loop is running and ``await`` may stand: in an async context, and at
        the top level of a notebook's cells (IPython runs them in the kernel's loop). Rules whose
        remedy is ``await``/``async with`` ask this; rules on blocking calls keep to
        ``in_async_context``: a cell that blocks holds up only the notebook's own code."""
        if self.in_async_context(node):
            return True
        if not self.notebook:
            return False
        scope: Scope | None = self.scope(node)
        while scope is not None and scope.kind == "comprehension":
            scope = scope.parent
        return scope is self.module_scope

    def enclosing_loop(self, node: ast.AST) -> ast.AST | None:
        """The innermost loop that runs ``node`` once per iteration, within ``node``'s function.

        That is a ``for``/``async for`` whose body holds it, a ``while`` whose test or body holds
        it, or a comprehension whose element, conditions or inner iterables hold it. A loop's
        ``else`` block and a ``for``'s iterable run once, and do not count; the body of a nested
        ``def``, ``lambda`` or class ends the search (its decorators and defaults do not).
        """
        child = node
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (ast.For, ast.AsyncFor)) and any(child is s for s in ancestor.body):
                return ancestor
            if isinstance(ancestor, ast.While) and (child is ancestor.test or any(child is s for s in ancestor.body)):
                return ancestor
            if isinstance(ancestor, _COMPREHENSIONS) and child is not ancestor.generators[0].iter:
                return ancestor
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and any(
                child is s for s in ancestor.body
            ):
                return None
            if isinstance(ancestor, ast.Lambda) and child is ancestor.body:
                return None
            child = ancestor
        return None

    def function_info(self, node: ast.AST) -> FunctionInfo | None:
        """The FunctionInfo of a ``def``/``async def`` node."""
        return self._function_of_node.get(id(node))

    def class_info(self, node: ast.AST) -> ClassInfo | None:
        return self._class_of_node.get(id(node))

    def nodes_in(self, function: FunctionInfo, node_type: type[ast.AST]) -> list[ast.AST]:
        """Every node of exactly this type in ``function``'s own body (nested ``def``s and classes
        excluded, lambdas and comprehensions included), in source order."""
        # grouped once per type: rules ask for each function, and a scan of the module each time
        # is quadratic in its functions
        by_function = self._nodes_by_function.get(node_type)
        if by_function is None:
            by_function = self._nodes_by_function[node_type] = {}
            for node in self.nodes(node_type):
                by_function.setdefault(id(self.enclosing_function(node)), []).append(node)
        return list(by_function.get(id(function), ()))

    def always_before(self, first: ast.AST, then: ast.AST) -> bool:
        """True when ``first`` has run on every path of its function that reaches ``then``.

        A structured approximation, without a control-flow graph: ``first`` and ``then`` stand in
        one statement list, ``first`` in an earlier statement that runs it whenever the statement
        completes, ``then`` in a later one. Loop bodies may run zero times and ``except``/``else``
        blocks may not run, so they run nothing for sure; an ``if`` runs what one branch runs when
        the other branch ends in ``return``, ``raise``, ``break`` or ``continue``; a ``try`` body
        and a ``finally`` block count as run (an exception is not a path that reaches ``then``).
        The header of a compound statement (an ``if`` or ``while`` test, a ``for`` iterable, ``with``
        items) runs before its blocks.
        """
        positions = list(self._statement_positions(then))
        later = {(id(owner), name): index for owner, name, index in positions}
        compounds = {id(owner) for owner, _, _ in positions}
        for owner, name, index in self._sure_positions(first):
            if name == "header" and id(owner) in compounds:
                return True
            if later.get((id(owner), name), -1) > index:
                return True
        return False

    def statement_list(self, statement: ast.AST) -> tuple[ast.AST, list[ast.stmt], int] | None:
        """The statement list holding ``statement`` (a ``body``, ``orelse`` or ``finalbody`` of its
        parent, which may also be an ``except`` clause or a ``case``), that parent, and the
        statement's index in the list; None for a node that stands in no statement list."""
        parent = self.parent(statement)
        place = _list_position(parent, statement) if parent is not None else None
        if place is None:
            return None
        return parent, getattr(parent, place[0]), place[1]

    def may_complete(self, statements: list[ast.stmt]) -> bool:
        """True when running ``statements`` may reach their end and go on with what follows them
        (for a function's body: return ``None`` by falling off its end).

        Structural, without a control-flow graph. ``return``, ``raise``, ``break`` and ``continue``
        end a path; so do ``assert False``, a call of a function that never returns (``sys.exit()``:
        ``types.NO_RETURN_FUNCTIONS``; one annotated ``-> NoReturn``/``Never``; one of this module
        every path of which raises) and a ``while True`` without ``break``. An ``if`` completes when
        a branch does (only the one that runs when its test is a constant), a loop when its
        ``else`` or a ``break`` does, a ``match`` when a case does or no case is irrefutable, a
        ``try`` when its body (through its ``else``) or a handler does, unless its ``finally``
        cannot; a ``with contextlib.suppress(...)`` may also go on after its body raised. Any
        statement may raise; raising is not completing.
        """
        return _NEXT in _block_outcomes(self, statements, set())

    def _statement_positions(self, node: ast.AST) -> Iterator[tuple[ast.AST, str, int]]:
        """(statement-list owner, field, index) of each statement holding ``node``, up to its function."""
        child = node
        for parent in self.ancestors(node):
            if isinstance(child, ast.stmt):
                place = _list_position(parent, child)
                if place is not None:
                    yield parent, place[0], place[1]
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                return
            child = parent

    def _sure_positions(self, node: ast.AST) -> Iterator[tuple[ast.AST, str, int]]:
        """Like ``_statement_positions``, but only while the statement surely runs ``node`` when it completes."""
        child = node
        for parent in self.ancestors(node):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                if isinstance(child, ast.stmt):
                    place = _list_position(parent, child)
                    if place is not None:
                        yield parent, place[0], place[1]
                return
            place = _list_position(parent, child) if isinstance(child, ast.stmt) else None
            if place is not None:
                yield parent, place[0], place[1]
            elif isinstance(parent, ast.stmt) and not isinstance(child, (ast.stmt, ast.excepthandler)):
                yield parent, "header", -1
            if not _runs_surely(parent, child, place[0] if place else None):
                return
            child = parent

    # ---------------------------------------------------------------- names

    def lookup(self, name: str, node: ast.AST) -> Binding | None:
        """The binding ``name`` refers to where ``node`` stands (the last one before it in its scope)."""
        scope: Scope | None = self.scope(node)
        position = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        skip_class = False
        while scope is not None:
            if not (skip_class and scope.kind == "class"):
                candidates = scope.bindings.get(name)
                if candidates:
                    # The last binding before the use; a name used before its binding in a
                    # function body refers to a later binding of an enclosing scope only at
                    # module level; inside functions (called later) the last binding is the one
                    # that counts.
                    for binding in reversed(candidates):
                        if binding.position <= position:
                            return binding
                    return candidates[-1]
            if scope.kind in ("function", "lambda"):
                skip_class = True
            scope = scope.parent
        return None

    @cached_property
    def _names_by_identifier(self) -> dict[str, list[ast.Name]]:
        names: dict[str, list[ast.Name]] = {}
        for name in self.nodes(ast.Name):
            assert isinstance(name, ast.Name)
            names.setdefault(name.id, []).append(name)
        return names

    def references(self, binding: Binding) -> list[ast.Name]:
        """The names that read or delete this binding, in nested scopes too, in source order."""
        return [
            name
            for name in self._names_by_identifier.get(binding.name, ())
            if not isinstance(name.ctx, ast.Store) and self.lookup(name.id, name) is binding
        ]

    @cached_property
    def _attributes_by_name(self) -> dict[str, list[ast.Attribute]]:
        attributes: dict[str, list[ast.Attribute]] = {}
        for attribute in self.nodes(ast.Attribute):
            assert isinstance(attribute, ast.Attribute)
            attributes.setdefault(attribute.attr, []).append(attribute)
        return attributes

    def attributes_named(self, attr: str) -> list[ast.Attribute]:
        """Every ``<expr>.<attr>`` node of the module (any receiver, any context), in source order."""
        return self._attributes_by_name.get(attr, [])

    def parameter_of(self, name: ast.Name) -> tuple[FunctionInfo, ast.arg] | None:
        """The ``def``/``async def`` whose parameter ``name`` reads, and that parameter; None when
        ``name`` reads no function parameter (a lambda's included)."""
        binding = self.lookup(name.id, name)
        if binding is None or binding.kind != "parameter":
            return None
        function = self.function_info(self.parent(binding.node))
        return (function, binding.node) if function is not None else None  # type: ignore[return-value]

    def sole_local_binding(self, name: ast.Name) -> Binding | None:
        """The binding ``name`` reads when it is the only binding of that name in its function, so
        what the name holds is known for sure; None outside functions or when bound more than once."""
        function = self.enclosing_function(name)
        if function is None:
            return None
        bindings = function.scope.bindings.get(name.id, [])
        binding = self.lookup(name.id, name)
        return binding if len(bindings) == 1 and binding is bindings[0] else None

    def bound_to(self, expr: ast.AST) -> Binding | None:
        """The binding that keeps ``expr``'s value when it is assigned to one plain name where it
        stands (``x = <expr>``, ``x: T = <expr>``, ``x := <expr>``, seen through ``await``); else None."""
        use, target = self.value_use(expr)
        if use != "bound" or not isinstance(target, ast.Name):
            return None
        return self.lookup(target.id, target)

    def value_use(self, expr: ast.AST) -> tuple[str, ast.AST | None]:
        """How the value of ``expr`` is used where it stands, seen through ``await``: (kind, node).

        - ``("with", item)``: the context expression of a ``with``/``async with`` item;
        - ``("bound", name)``: assigned to one plain name (``=``, annotated ``=``, ``:=``); ``name``
          is the target ``ast.Name``, and ``lookup(name.id, name)`` its binding;
        - ``("stored", target)``: assigned to an attribute or a subscript (``self.s = …``, ``app["s"] = …``);
        - ``("argument", call)``: passed to a call, positionally or by keyword;
        - ``("returned", node)``: returned (``return``, a lambda's body); ``("yielded", node)``;
        - ``("element", display)``: an element of a list, tuple, set or dict display;
        - ``("receiver", attribute)``: an attribute of it is read (``x.close()``, ``x.status``);
        - ``("discarded", statement)``: an expression statement;
        - ``("other", parent)``: anything else (operands, tests, several or unpacking targets…).
        """
        node = expr
        parent = self.parent(node)
        while isinstance(parent, ast.Await):
            node, parent = parent, self.parent(parent)
        if isinstance(parent, ast.withitem) and parent.context_expr is node:
            return "with", parent
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if any(isinstance(target, (ast.Attribute, ast.Subscript)) for target in targets):
                return "stored", targets[0]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                return "bound", targets[0]
            return "other", parent
        if isinstance(parent, ast.Call) and node is not parent.func:
            return "argument", parent
        if isinstance(parent, ast.keyword):
            return "argument", self.parent(parent)
        if isinstance(parent, ast.Starred) and isinstance(self.parent(parent), ast.Call):
            return "argument", self.parent(parent)
        if isinstance(parent, ast.Return) or (isinstance(parent, ast.Lambda) and parent.body is node):
            return "returned", parent
        if isinstance(parent, (ast.Yield, ast.YieldFrom)):
            return "yielded", parent
        if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            return "element", parent
        if isinstance(parent, ast.Attribute):
            return "receiver", parent
        if isinstance(parent, ast.Expr):
            return "discarded", parent
        return "other", parent

    def qualified_name(self, expr: ast.AST) -> str | None:
        """The dotted name an expression refers to, imports and aliases seen through."""
        # Many rules ask about the same call: answer each node once.
        key = id(expr)
        if key in self._qualified_names:
            return self._qualified_names[key]
        name = self._qualified_names[key] = self._qualified_name(expr, 0)
        return name

    def _qualified_name(self, expr: ast.AST, depth: int) -> str | None:
        if depth > 8:
            return None
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            if binding is None:
                return f"builtins.{expr.id}" if expr.id in _BUILTIN_NAMES else None
            if binding.imported is not None:
                return binding.imported
            if binding.kind == "assignment" and isinstance(binding.value, (ast.Name, ast.Attribute)):
                return self._qualified_name(binding.value, depth + 1)
            return None
        if isinstance(expr, ast.Attribute):
            base = self._qualified_name(expr.value, depth + 1)
            if base is None:
                base = self._instance_type(expr.value, depth + 1)
            return f"{base}.{expr.attr}" if base else None
        return None

    def instance_type(self, expr: ast.AST) -> str | None:
        """The qualified name of the class ``expr`` evaluates to an instance of, when known."""
        # Many rules ask about the same receiver: answer each node once.
        key = id(expr)
        if key in self._instance_types:
            return self._instance_types[key]
        found = self._instance_types[key] = self._instance_type(expr, 0)
        return found

    def is_event_loop(self, expr: ast.AST) -> bool:
        """True when ``expr`` is an asyncio event loop: its type is one (``asyncio.get_running_loop()``,
        ``loop: asyncio.AbstractEventLoop``, ``self.loop = uvloop.new_event_loop()``), or it is named
        like one (``loop``, ``self._loop``, ``event_loop``: ``types.EVENT_LOOP_NAMES``), as loops made
        by factories the model does not know are (``policy.new_event_loop()``)."""
        if self.instance_type(expr) in EVENT_LOOP_TYPES:
            return True
        name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else None
        return name is not None and name.strip("_") in EVENT_LOOP_NAMES

    def _instance_type(self, expr: ast.AST, depth: int) -> str | None:
        if depth > 8:
            return None
        if isinstance(expr, ast.Await):
            return self._instance_type(expr.value, depth + 1)
        if isinstance(expr, ast.Call):
            callee = self._qualified_name(expr.func, depth + 1)
            return RETURN_TYPES.get(callee, callee) if callee else None
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            return self._binding_type(binding, depth) if binding else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            # self.<attr>, assigned in a method of the enclosing class
            function = self.enclosing_function(expr)
            if function and function.class_info and _is_self(function, expr.value.id):
                class_info = function.class_info
                values = class_info.attributes.get(expr.attr, ())
                for value in values:
                    found = self._instance_type(value, depth + 1)
                    if found:
                        return found
                # declared: ``self.jobs: Queue[str] = ...`` in a method, ``jobs: Queue[str]`` in the class body
                declared = list(class_info.annotations.get(expr.attr, ()))
                declared += [b.annotation for b in class_info.scope.bindings.get(expr.attr, ()) if b.annotation is not None]
                for annotation in declared:
                    found = self._annotation_type(annotation, depth + 1)
                    if found:
                        return found
        if isinstance(expr, ast.Attribute):
            # a property of a known instance whose type ``types.ATTRIBUTE_TYPES`` knows: ``path.parent``
            owner = self._instance_type(expr.value, depth + 1)
            return ATTRIBUTE_TYPES.get(f"{owner}.{expr.attr}") if owner else None
        if isinstance(expr, ast.BinOp):
            # an operator whose result type ``types.OPERATOR_TYPES`` knows: ``path / "name"``
            left = self._instance_type(expr.left, depth + 1)
            return OPERATOR_TYPES.get((left, type(expr.op).__name__)) if left else None
        if isinstance(expr, ast.Subscript):
            # an item of a container whose item type ``types.ITEM_TYPES`` knows: ``client["app"]``
            container = self._instance_type(expr.value, depth + 1)
            return ITEM_TYPES.get(container) if container else None
        return None

    def _binding_type(self, binding: Binding, depth: int) -> str | None:
        if binding.annotation is not None:
            return self._annotation_type(binding.annotation, depth + 1)
        if binding.value is not None and binding.kind in ("assignment", "with"):
            return self._instance_type(binding.value, depth + 1)
        return None

    def annotation_type(self, annotation: ast.expr) -> str | None:
        """The qualified class an annotation declares (``Optional[X]``, ``X | None``, ``Union[X, None]``,
        ``Annotated[X, ...]``, ``ClassVar[X]``, ``Final[X]`` and string annotations seen through; a
        generic's origin: ``queue.Queue`` for ``queue.Queue[str]``), or None."""
        return self._annotation_type(annotation, 0)

    def _annotation_type(self, annotation: ast.expr, depth: int) -> str | None:
        if depth > 8:
            return None
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            parsed = self._string_annotation(annotation)
            return self._annotation_type(parsed, depth + 1) if parsed is not None else None
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            # X | None
            sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
            return self._annotation_type(sides[0], depth + 1) if len(sides) == 1 else None
        if isinstance(annotation, ast.Subscript):
            outer = self._qualified_name(annotation.value, depth + 1)
            if outer is None or outer.rpartition(".")[2] in _CLASS_ANNOTATIONS:
                return None  # ``type[X]`` is the class, not an instance
            if outer.rpartition(".")[2] in _WRAPPING_ANNOTATIONS and outer.partition(".")[0] in _TYPING_MODULES:
                inner = annotation.slice
                members = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                if outer.endswith("Union"):
                    members = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
                    return self._annotation_type(members[0], depth + 1) if len(members) == 1 else None
                return self._annotation_type(members[0], depth + 1)
            return outer  # a generic class: ``queue.Queue[str]`` is a ``queue.Queue``
        return self._qualified_name(annotation, depth + 1)

    def _string_annotation(self, annotation: ast.Constant) -> ast.expr | None:
        """The expression a string annotation holds, its names looked up where the string stands."""
        key = id(annotation)
        if key not in self._string_annotations:
            try:
                parsed: ast.expr | None = ast.parse(annotation.value.strip(), mode="eval").body
            except SyntaxError:
                parsed = None
            if parsed is not None:
                scope = self.scope(annotation)
                for node in ast.walk(parsed):
                    ast.copy_location(node, annotation)
                    node._ag_scope = scope  # type: ignore[attr-defined]
            self._string_annotations[key] = parsed
        return self._string_annotations[key]

    def function_def(self, expr: ast.AST) -> FunctionInfo | None:
        """The function of this module that ``expr`` names: ``f``, ``self.m``, ``cls.m``, ``C.m``."""
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            if binding and isinstance(binding.definition, FunctionInfo):
                return binding.definition
            return None
        if isinstance(expr, ast.Attribute):
            owner = self.class_def(expr.value)
            if owner is None and isinstance(expr.value, ast.Name):
                function = self.enclosing_function(expr)
                if function and function.class_info and _is_self(function, expr.value.id):
                    owner = function.class_info
            if owner is not None:
                return self.find_method(owner, expr.attr)
        return None

    def class_def(self, expr: ast.AST) -> ClassInfo | None:
        """The class of this module that ``expr`` names."""
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            if binding and isinstance(binding.definition, ClassInfo):
                return binding.definition
        return None

    def base_classes(self, class_info: ClassInfo) -> Iterator[str | ClassInfo]:
        """The class's bases, transitively: module-local classes as ClassInfo, others by qualified name."""
        seen: set[int] = set()
        pending = [class_info]
        while pending:
            current = pending.pop()
            for base in current.node.bases:
                local = self.class_def(base)
                if local is not None:
                    if id(local) not in seen:
                        seen.add(id(local))
                        pending.append(local)
                        yield local
                    continue
                name = self.qualified_name(base)
                if name:
                    yield name

    def is_subclass(self, class_info: ClassInfo, *qualified_bases: str) -> bool:
        """True when the class derives, directly or through classes of this module, from one of these."""
        return any(base in qualified_bases for base in self.base_classes(class_info) if isinstance(base, str))

    def find_method(self, class_info: ClassInfo, name: str) -> FunctionInfo | None:
        """A method of the class or of a base class defined in this module."""
        if name in class_info.methods:
            return class_info.methods[name]
        for base in self.base_classes(class_info):
            if isinstance(base, ClassInfo) and name in base.methods:
                return base.methods[name]
        return None

    # ---------------------------------------------------------------- frameworks

    def uses(self, framework: str) -> bool:
        """True when the module imports the framework (``"starlette"`` includes FastAPI)."""
        return any(root in self.imported_modules for root in FRAMEWORK_MODULES[framework])

    @property
    def frameworks(self) -> frozenset[str]:
        return frozenset(name for name in FRAMEWORK_MODULES if self.uses(name))

    def framework_version(self, distribution: str) -> tuple[int, ...] | None:
        """The release of a distribution (``"starlette"``) the linted project uses, ``(0, 37, 2)``,
        as ``versions.FrameworkVersions`` reads it from the project's lock files, requirements or
        environment; None when unknown, which rules read as the newest release.

        Asked once per distribution and model (one lint): rules ask per node, and each
        ``versions.version`` call stats the project's files to notice changes; the next lint
        notices them."""
        if self.versions is None:
            return None
        asked: dict[str, tuple[int, ...] | None] = self.__dict__.setdefault("_framework_versions", {})
        if distribution not in asked:
            asked[distribution] = self.versions.version(distribution)
        return asked[distribution]

    def handler(self, function: FunctionInfo | None) -> HandlerInfo | None:
        return function.handler if function else None

    @property
    def middleware(self) -> list[MiddlewareInfo]:
        """The Starlette/FastAPI HTTP middleware this module defines or registers, found on first use
        (``handlers.find_middleware``)."""
        found = self.__dict__.get("_middleware")
        if found is None:
            from .handlers import find_middleware

            found = self._middleware = find_middleware(self)
        return found

    def middleware_of(self, function: FunctionInfo | None) -> MiddlewareInfo | None:
        """The middleware whose request-handling function (``dispatch``, ``__call__``, the function
        under ``@app.middleware("http")`` or passed as ``dispatch=``) is ``function``."""
        if function is None:
            return None
        return next((m for m in self.middleware if m.function is function), None)

    @property
    def aiohttp_middleware(self) -> list[MiddlewareInfo]:
        """The aiohttp middlewares of this module, found on first use (``handlers.find_aiohttp_middleware``):
        functions under ``@web.middleware`` or registered on an application's ``middlewares``."""
        found = self.__dict__.get("_aiohttp_middleware")
        if found is None:
            from .handlers import find_aiohttp_middleware

            found = self._aiohttp_middleware = find_aiohttp_middleware(self)
        return found

    def aiohttp_middleware_of(self, function: FunctionInfo | None) -> MiddlewareInfo | None:
        """The aiohttp middleware whose function is ``function``."""
        if function is None:
            return None
        return next((m for m in self.aiohttp_middleware if m.function is function), None)

    def request_framework(self, function: FunctionInfo | None) -> str | None:
        """The framework that runs ``function`` for each request it serves, as its handler or as an
        aiohttp middleware: where framework-specific advice applies; else None."""
        if function is None:
            return None
        if function.handler is not None:
            return function.handler.framework
        return "aiohttp" if self.aiohttp_middleware_of(function) is not None else None

    @property
    def callbacks(self) -> list[CallbackInfo]:
        """The functions this module registers for a framework to call besides request handlers
        (Sanic listeners, middleware and exception handlers), found on first use
        (``handlers.find_callbacks``)."""
        found = self.__dict__.get("_callbacks")
        if found is None:
            from .handlers import find_callbacks

            found = self._callbacks = find_callbacks(self)
        return found

    def callback_of(self, function: FunctionInfo | None) -> CallbackInfo | None:
        """The callback registration of ``function`` (``callbacks``), if it has one."""
        if function is None:
            return None
        return next((c for c in self.callbacks if c.function is function), None)

    def calling_framework(self, function: FunctionInfo | None) -> str | None:
        """The framework that runs ``function``: for each request (``request_framework``), or as one
        of its callbacks (a Sanic listener at start-up, ``callback_of``); where framework-specific
        advice applies. None for other functions."""
        framework = self.request_framework(function)
        if framework is None:
            callback = self.callback_of(function)
            framework = callback.framework if callback is not None else None
        return framework

    def context_label(self, node: ast.AST) -> str:
        """Where ``node`` stands, for messages: "Sanic handler `get_user`", "coroutine `fetch`"."""
        function = self.enclosing_function(node)
        if function is None:
            return "a notebook cell" if self.notebook else "module level"
        if function.handler is not None:
            return f"{function.handler.title} handler `{function.qualname}`"
        if self.aiohttp_middleware_of(function) is not None:
            return f"aiohttp middleware `{function.qualname}`"
        callback = self.callback_of(function)
        if callback is not None:
            return f"{callback.title} {callback.kind} `{function.qualname}`"
        return f"{'coroutine' if function.is_async else 'function'} `{function.qualname}`"

    # ---------------------------------------------------------------- Python versions

    def python_versions(self, node: ast.AST) -> VersionRange:
        """The Python 3 releases under which ``node`` may run: from the target version on (code may
        always run on Pythons newer than its oldest target), narrowed by the version guards around it.

        A guard tests ``sys.version_info`` (however imported): ``sys.version_info >= (3, 11)`` with
        ``<``, ``<=``, ``>``, ``>=``, the literal on either side, chained (``(3, 9) <= v < (3, 11)``);
        ``sys.version_info[:2]`` (``==`` and ``!=`` too), ``.minor`` / ``[1]``, ``.major`` / ``[0]``;
        a module constant assigned such a test once (``PY311 = sys.version_info >= (3, 11)``); and
        ``not``, ``and``, ``or`` of these. Guards narrow the body (true) and the ``elif`` / ``else``
        branches (false) of an ``if`` and of a conditional expression, the operands after them in
        ``and`` (true) and ``or`` (false), and the statements after an ``if`` that leaves the block on
        one side only (``return``, ``raise``, ``continue``, ``break``: ``may_complete``). Nothing else
        narrows: not ``assert`` (``python -O`` drops it), not ``try``/``except ImportError``, not a
        constant imported from another module. So the answer may be wider than the truth, never
        narrower. Each guard is read once (cached per test node), on the first query that meets it.
        """
        versions = VersionRange(self.target_version)
        child = node
        for parent in self.ancestors(node):
            guard = self._guard_versions(parent, child)
            if guard is not None:
                versions = versions.intersection(guard)
            child = parent
        return versions

    def _guard_versions(self, parent: ast.AST, child: ast.AST) -> VersionRange | None:
        """The releases under which ``parent`` runs its part ``child``, as its version guards say;
        None when they say nothing."""
        if isinstance(child, ast.stmt):
            place = _list_position(parent, child)
            if place is None:
                return None
            versions = self._statement_reach(parent, place[0])[place[1]]
            test = self._version_test(parent.test) if isinstance(parent, ast.If) else None
            if test is not None:
                branch = test.when_true if place[0] == "body" else test.when_false
                versions = branch if versions is None else versions.intersection(branch)
            return versions
        if isinstance(parent, ast.IfExp) and child is not parent.test:
            test = self._version_test(parent.test)
            if test is None:
                return None
            return test.when_true if child is parent.body else test.when_false
        if isinstance(parent, ast.BoolOp):
            versions = None
            for value in parent.values:
                if value is child:
                    break
                test = self._version_test(value)
                if test is not None:
                    # ``a and b`` evaluates ``b`` only where ``a`` is true; ``a or b`` where it is false
                    branch = test.when_true if isinstance(parent.op, ast.And) else test.when_false
                    versions = branch if versions is None else versions.intersection(branch)
            return versions
        return None

    @cached_property
    def _statement_reaches(self) -> dict[tuple[int, str], list[VersionRange | None]]:
        return {}

    def _statement_reach(self, owner: ast.AST, field_name: str) -> list[VersionRange | None]:
        """For each statement of the list ``owner.<field_name>``, the releases under which the
        statements before it let execution get there (an ``if`` on the version that leaves the
        block on one side), None where they say nothing; cached per statement list."""
        key = (id(owner), field_name)
        found = self._statement_reaches.get(key)
        if found is None:
            found = self._statement_reaches[key] = []
            versions: VersionRange | None = None
            for statement in getattr(owner, field_name):
                found.append(versions)
                after = self._versions_after(statement)
                if after is not None:
                    versions = after if versions is None else versions.intersection(after)
        return found

    def _versions_after(self, statement: ast.stmt) -> VersionRange | None:
        """The releases under which execution goes on after an ``if`` on the version, when only one
        of its branches may complete; None for other statements."""
        if not isinstance(statement, ast.If):
            return None
        test = self._version_test(statement.test)
        if test is None:
            return None
        body_completes, orelse_completes = self.may_complete(statement.body), self.may_complete(statement.orelse)
        if body_completes and orelse_completes:
            return None
        versions = NO_VERSIONS
        if body_completes:
            versions = versions.hull(test.when_true)
        if orelse_completes:
            versions = versions.hull(test.when_false)
        return versions

    @cached_property
    def _version_tests(self) -> dict[int, _VersionTest | None]:
        return {}

    def _version_test(self, test: ast.expr) -> _VersionTest | None:
        """What a test says about the Python version (cached per test node); None for other tests."""
        key = id(test)
        if key not in self._version_tests:
            self._version_tests[key] = self._read_version_test(test, 0)
        return self._version_tests[key]

    def _read_version_test(self, test: ast.expr, depth: int) -> _VersionTest | None:
        if depth > 8:
            return None
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._read_version_test(test.operand, depth + 1)
            return None if inner is None else _VersionTest(inner.when_false, inner.when_true)
        if isinstance(test, ast.BoolOp):
            return _combine_version_tests(test.op, [self._read_version_test(v, depth + 1) for v in test.values])
        if isinstance(test, ast.Compare):
            operands = [test.left, *test.comparators]
            pairs = [self._version_comparison(operands[i], op, operands[i + 1]) for i, op in enumerate(test.ops)]
            return _combine_version_tests(ast.And(), pairs)  # ``a < b < c`` is ``a < b and b < c``
        if isinstance(test, ast.Name):
            value = self._version_constant(test)
            return None if value is None else self._read_version_test(value, depth + 1)
        return None

    def _version_constant(self, name: ast.Name) -> ast.expr | None:
        """The value of a module-level name assigned once, by a plain ``NAME = value`` (annotated or
        not), and never declared ``global``: ``PY311 = sys.version_info >= (3, 11)``."""
        binding = self.lookup(name.id, name)
        if binding is None or binding.scope is not self.module_scope or binding.value is None:
            return None
        statement = binding.node
        plain = isinstance(statement, ast.AnnAssign) or (
            isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
        )
        if not plain or len(self.module_scope.bindings[name.id]) != 1:
            return None
        if any(name.id in declaration.names for declaration in self.nodes(ast.Global)):
            return None
        return binding.value

    def _version_comparison(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> _VersionTest | None:
        """One comparison of ``sys.version_info`` (or its ``[:2]``, minor or major) with a literal."""
        op_type: type | None = type(op)
        form = self._version_form(left)
        if form is None:
            form = self._version_form(right)
            if form is None:
                return None
            left, right, op_type = right, left, _MIRRORED_COMPARISONS.get(op_type)
        literal = _version_literal(right, form)
        if literal is None or op_type not in _COMPARISON_HOLDS:
            return None
        if form == "full" and op_type in (ast.Eq, ast.NotEq):
            return None  # the five-field ``sys.version_info`` never equals a literal: a bug, not a guard
        return _version_comparison_test(form, op_type, literal)

    def _version_form(self, expr: ast.expr) -> str | None:
        """How ``expr`` reads the running version: ``"full"`` (``sys.version_info``), ``"pair"``
        (``sys.version_info[:2]``), ``"minor"`` (``.minor``, ``[1]``), ``"major"`` (``.major``, ``[0]``)."""
        if isinstance(expr, ast.Subscript):
            if self.qualified_name(expr.value) != "sys.version_info":
                return None
            index = expr.slice
            if isinstance(index, ast.Slice):
                from_start = index.lower is None or _int_literal(index.lower) == 0
                return "pair" if from_start and index.step is None and _int_literal(index.upper) == 2 else None
            return {0: "major", 1: "minor"}.get(_int_literal(index))  # type: ignore[arg-type]
        if isinstance(expr, ast.Attribute) and expr.attr in ("major", "minor"):
            return expr.attr if self.qualified_name(expr.value) == "sys.version_info" else None
        if isinstance(expr, (ast.Name, ast.Attribute)) and self.qualified_name(expr) == "sys.version_info":
            return "full"
        return None

    # ---------------------------------------------------------------- positions

    def column(self, line: int, byte_offset: int) -> int:
        """Convert an ``ast`` column (UTF-8 bytes) on a 1-based line to a code-point column."""
        is_ascii = self._ascii_lines.get(line)
        if is_ascii is None:
            is_ascii = self._ascii_lines[line] = self.lines[line - 1].isascii() if line <= len(self.lines) else True
        if is_ascii:
            return byte_offset
        return len(self.lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def range_of(self, node: ast.AST) -> Range:
        start_line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or start_line
        end_offset = getattr(node, "end_col_offset", None)
        start = self.column(start_line, node.col_offset)  # type: ignore[attr-defined]
        end = self.column(end_line, end_offset) if end_offset is not None else start
        return Range(start_line - 1, start, end_line - 1, end)

    def header_range(self, node: ast.AsyncFunctionDef) -> Range:
        """``async def name``: a range for diagnostics about a whole coroutine function that covers
        its header, not its body."""
        line = node.lineno - 1
        start = self.column(node.lineno, node.col_offset)
        text = self.lines[line]
        match = _ASYNC_DEF.match(text, start)
        if match is not None and text.startswith(node.name, match.end()):
            return Range(line, start, line, match.end() + len(node.name))
        return Range(line, start, line, len(text))

    def segment(self, node: ast.AST) -> str:
        """The source text of a node."""
        r = self.range_of(node)
        if r.start_line == r.end_line:
            return self.lines[r.start_line][r.start_column : r.end_column]
        parts = [self.lines[r.start_line][r.start_column :]]
        parts.extend(self.lines[r.start_line + 1 : r.end_line])
        parts.append(self.lines[r.end_line][: r.end_column])
        return "\n".join(parts)


def _position(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def split_lines(source: str) -> list[str]:
    """The source's lines as ``ast`` and LSP count them: only \\n, \\r\\n and \\r end a line."""
    if "\r" not in source:
        return source.split("\n")  # the same lines, several times faster than the pattern
    return _LINE_BREAK.split(source)


def _is_self(function: FunctionInfo, name: str) -> bool:
    args = function.node.args.posonlyargs + function.node.args.args
    return bool(args) and args[0].arg == name and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.node.decorator_list
    )


_TERMINATORS = (ast.Return, ast.Raise, ast.Break, ast.Continue)


def _list_position(parent: ast.AST, child: ast.AST) -> tuple[str, int] | None:
    """The statement-list field of ``parent`` holding ``child``, and its index there."""
    for name in ("body", "orelse", "finalbody"):
        statements = getattr(parent, name, None)
        if isinstance(statements, list):
            for index, statement in enumerate(statements):
                if statement is child:
                    return name, index
    return None


def _runs_surely(parent: ast.AST, child: ast.AST, field_name: str | None) -> bool:
    """True when ``parent``, completing normally, has surely run ``child`` (see ``always_before``)."""
    if isinstance(parent, ast.If) and field_name is not None:
        other = parent.orelse if field_name == "body" else parent.body
        return bool(other) and isinstance(other[-1], _TERMINATORS)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler)) and field_name is not None:
        return False
    if isinstance(parent, ast.Try) or type(parent).__name__ == "TryStar":
        return field_name in ("body", "finalbody")
    if isinstance(parent, ast.BoolOp):
        return child is parent.values[0]
    if isinstance(parent, ast.IfExp):
        return child is parent.test
    if isinstance(parent, _COMPREHENSIONS):
        return child is parent.generators[0].iter  # the first iterable is evaluated; the rest may not be
    return not isinstance(parent, (ast.comprehension, ast.match_case))


# How a statement may end, for ``may_complete``: go on with the next statement, or leave through
# ``break``, ``continue`` or ``return``. Raising is no outcome: it leaves every statement.
_NEXT, _BREAK, _CONTINUE, _RETURN = "next", "break", "continue", "return"
_NO_RETURN_ANNOTATIONS = frozenset(
    {"typing.NoReturn", "typing.Never", "typing_extensions.NoReturn", "typing_extensions.Never"}
)


def _block_outcomes(model: SemanticModel, statements: list[ast.stmt], visiting: set[int]) -> set[str]:
    """The ways running a statement list may end (``_NEXT`` when it may reach its end)."""
    found: set[str] = set()
    for statement in statements:
        outcomes = _statement_outcomes(model, statement, visiting)
        found |= outcomes - {_NEXT}
        if _NEXT not in outcomes:
            return found
    found.add(_NEXT)
    return found


def _statement_outcomes(model: SemanticModel, statement: ast.stmt, visiting: set[int]) -> set[str]:
    if isinstance(statement, ast.Return):
        return {_RETURN}
    if isinstance(statement, ast.Raise):
        return set()
    if isinstance(statement, ast.Break):
        return {_BREAK}
    if isinstance(statement, ast.Continue):
        return {_CONTINUE}
    if isinstance(statement, ast.If):
        test = _constant_truth(statement.test)
        body = _block_outcomes(model, statement.body, visiting) if test is not False else set()
        orelse = _block_outcomes(model, statement.orelse, visiting) if test is not True else set()
        return body | orelse
    if isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
        body = _block_outcomes(model, statement.body, visiting)
        found = body & {_RETURN}
        if _BREAK in body:
            found.add(_NEXT)
        endless = isinstance(statement, ast.While) and _constant_truth(statement.test) is True
        if not endless:
            found |= _block_outcomes(model, statement.orelse, visiting)
        return found
    if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
        found = _block_outcomes(model, statement.body, visiting)  # type: ignore[attr-defined]
        if statement.orelse and _NEXT in found:  # type: ignore[attr-defined]
            found = (found - {_NEXT}) | _block_outcomes(model, statement.orelse, visiting)  # type: ignore[attr-defined]
        for handler in statement.handlers:  # type: ignore[attr-defined]
            found |= _block_outcomes(model, handler.body, visiting)
        if statement.finalbody:  # type: ignore[attr-defined]
            final = _block_outcomes(model, statement.finalbody, visiting)  # type: ignore[attr-defined]
            found = found | (final - {_NEXT}) if _NEXT in final else final
        return found
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        found = _block_outcomes(model, statement.body, visiting)
        if any(
            isinstance(item.context_expr, ast.Call) and model.qualified_name(item.context_expr.func) == "contextlib.suppress"
            for item in statement.items
        ):
            found.add(_NEXT)
        return found
    if isinstance(statement, ast.Match):
        found = set()
        for case in statement.cases:
            found |= _block_outcomes(model, case.body, visiting)
        if not any(case.guard is None and _irrefutable(case.pattern) for case in statement.cases):
            found.add(_NEXT)
        return found
    if isinstance(statement, ast.Assert):
        return set() if _constant_truth(statement.test) is False else {_NEXT}
    if isinstance(statement, ast.Expr) and _never_returns(model, statement.value, visiting):
        return set()
    return {_NEXT}


def _constant_truth(test: ast.expr) -> bool | None:
    """The truth of a constant test (``True``, ``1``, ``"x"``, ``None``), else None."""
    return bool(test.value) if isinstance(test, ast.Constant) else None


def _irrefutable(pattern: ast.pattern) -> bool:
    """``case _:``, ``case name:`` and or-patterns with such an alternative match anything."""
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


def _never_returns(model: SemanticModel, expr: ast.expr, visiting: set[int]) -> bool:
    """A call (awaited or not) of a function known never to return."""
    call = expr.value if isinstance(expr, ast.Await) else expr
    if not isinstance(call, ast.Call):
        return False
    if model.qualified_name(call.func) in NO_RETURN_FUNCTIONS:
        return True
    function = model.function_def(call.func)
    if function is None or id(function) in visiting or function.yields:
        return False
    if function.node.returns is not None and model.annotation_type(function.node.returns) in _NO_RETURN_ANNOTATIONS:
        return True
    if function.class_info is not None:
        return False  # a subclass may override a method that only raises (``NotImplementedError``)
    visiting.add(id(function))
    try:
        return not _block_outcomes(model, function.node.body, visiting)
    finally:
        visiting.discard(id(function))


@dataclass(frozen=True)
class _VersionTest:
    """What a test of the running version says (``SemanticModel.python_versions``): the releases
    where it may be true, and those where it may be false (a release where ``sys.version_info``
    is compared with a micro version may be in both)."""

    when_true: VersionRange
    when_false: VersionRange


_UNKNOWN_VERSION_TEST = _VersionTest(ALL_VERSIONS, ALL_VERSIONS)

#: comparison type -> whether it holds, given the ordering (-1, 0, 1) of its left and right sides
_COMPARISON_HOLDS: dict[type, object] = {
    ast.Lt: lambda order: order < 0,
    ast.LtE: lambda order: order <= 0,
    ast.Gt: lambda order: order > 0,
    ast.GtE: lambda order: order >= 0,
    ast.Eq: lambda order: order == 0,
    ast.NotEq: lambda order: order != 0,
}
#: the comparison that holds with its sides swapped: ``(3, 11) <= v`` is ``v >= (3, 11)``
_MIRRORED_COMPARISONS: dict[type, type] = {
    ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq,
}
#: a version literal naming a bigger minor than this is no guard (and would make the reading slow)
_MAX_GUARD_MINOR = 99
#: a micro version bigger than any release's, for "any micro version" in comparisons
_ANY_MICRO = 10**6


def _int_literal(expr: ast.expr | None) -> int | None:
    if isinstance(expr, ast.Constant) and type(expr.value) is int:
        return expr.value
    return None


def _version_literal(expr: ast.expr, form: str) -> tuple[int, ...] | int | None:
    """The literal a version reading is compared with: a tuple of up to three numbers for the
    full version and its ``[:2]`` (a fourth would meet ``releaselevel``, a string), else a number."""
    if form in ("minor", "major"):
        return _int_literal(expr)
    if not isinstance(expr, ast.Tuple) or not 1 <= len(expr.elts) <= 3:
        return None
    numbers = [_int_literal(element) for element in expr.elts]
    return None if None in numbers else tuple(numbers)  # type: ignore[arg-type]


def _version_comparison_test(form: str, op_type: type, literal: tuple[int, ...] | int) -> _VersionTest | None:
    """The releases ``<reading of form> <op> <literal>`` may be true and false on, minor by minor.

    Every minor after the literal's compares as the one right after it does, so the minors up to
    that one decide; the full ``sys.version_info`` has a micro version, any from 0 up, and more
    fields than the literal (so ``(3, 14, 0, "final", 0) > (3, 14)``).
    """
    if form == "major":
        pivot = 0
    elif isinstance(literal, int):
        pivot = literal
    else:
        pivot = literal[1] if len(literal) > 1 else 0
    if not 0 <= pivot <= _MAX_GUARD_MINOR:
        return None
    holds = _COMPARISON_HOLDS[op_type]
    true_minors: list[int] = []
    false_minors: list[int] = []
    for minor in range(pivot + 2):
        if form == "full":
            readings: list[object] = [(3, minor, 0, 0), (3, minor, _ANY_MICRO, 0)]
        else:
            readings = [{"pair": (3, minor), "minor": minor, "major": 3}[form]]
        outcomes = {holds((reading > literal) - (reading < literal)) for reading in readings}  # type: ignore[operator]
        if True in outcomes:
            true_minors.append(minor)
        if False in outcomes:
            false_minors.append(minor)
    return _VersionTest(_minor_range(true_minors, pivot + 1), _minor_range(false_minors, pivot + 1))


def _minor_range(minors: list[int], last: int) -> VersionRange:
    """The range from the first to the last of these minors; open-ended when ``last`` (which stands
    for every later minor too) is among them."""
    if not minors:
        return NO_VERSIONS
    return VersionRange((3, minors[0]), None if minors[-1] == last else (3, minors[-1]))


def _combine_version_tests(op: ast.boolop, tests: list[_VersionTest | None]) -> _VersionTest | None:
    """The version test of ``a and b …`` / ``a or b …`` from its operands' (None: says nothing)."""
    if all(test is None for test in tests):
        return None
    conjunction = isinstance(op, ast.And)
    reach = ALL_VERSIONS  # where the evaluation gets to the next operand
    stopped = NO_VERSIONS  # where an operand ended it early, deciding the result
    for test in tests:
        test = test or _UNKNOWN_VERSION_TEST
        go_on, stop = (test.when_true, test.when_false) if conjunction else (test.when_false, test.when_true)
        stopped = stopped.hull(reach.intersection(stop))
        reach = reach.intersection(go_on)
    combined = _VersionTest(reach, stopped) if conjunction else _VersionTest(stopped, reach)
    return None if combined == _UNKNOWN_VERSION_TEST else combined


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument ``name`` in a call, or None."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def argument(call: ast.Call, position: int, name: str | None = None) -> ast.expr | None:
    """The argument at ``position`` (if positional, and not after a ``*args``) or keyword ``name``."""
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            break
        if index == position:
            return arg
    return keyword(call, name) if name else None


class _Walker:
    """The one walk. Records parent and scope on every node, binds names, indexes nodes.

    The walk is iterative, so code nested thousands deep (a chain of 1,000 calls, a sum of 2,000
    terms: valid Python) walks as any other, whatever the recursion limit. ``run`` pops tasks off
    a stack: a node to visit with its parent and scope, or a continuation (a bound method and its
    arguments, with None for a scope). Visiting a node, or running a continuation, only schedules
    what comes next (``visit``, ``children``, ``then`` append to ``pending``); ``run`` then pushes
    the pending tasks in reverse, so that they run in the order they were scheduled, each
    subtree to its end before the next: the order of a recursive walk.
    """

    def __init__(self, model: SemanticModel):
        self.model = model
        self.index = model._nodes
        self.scope = model.module_scope
        self.pending: list[tuple] = []

    def walk_module(self, tree: ast.Module) -> None:
        tree._ag_scope = self.scope  # type: ignore[attr-defined]
        self.index.setdefault(ast.Module, []).append(tree)
        self.children(tree)
        self.run()

    def run(self) -> None:
        # The hottest code of a lint (every node, every keystroke). A node without a special
        # handler has its children pushed right here, last first; the node's fields and the
        # links are read and written through its __dict__.
        pending = self.pending
        stack = pending[::-1]
        pending.clear()
        pop, append, push = stack.pop, stack.append, stack.extend
        index = self.index
        node_class = ast.AST
        while stack:
            node, parent, scope = pop()
            if scope is None:  # a continuation: parent holds its arguments
                node(*parent)
            else:
                attributes = node.__dict__
                attributes["_ag_parent"] = parent
                attributes["_ag_scope"] = scope
                node_type = node.__class__
                bucket = index.get(node_type)
                if bucket is None:
                    bucket = index[node_type] = []
                bucket.append(node)
                special = _SPECIAL.get(node_type)
                if special is None:
                    fields = _CHILD_FIELDS_LAST_FIRST.get(node_type)
                    if fields is None:
                        fields = _child_fields(node_type)[::-1]
                    for name in fields:
                        value = attributes.get(name)
                        if value.__class__ is list:
                            for item in reversed(value):
                                if isinstance(item, node_class):
                                    append((item, node, scope))
                        elif isinstance(value, node_class):
                            append((value, node, scope))
                    continue
                self.scope = scope
                special(self, node)
            if pending:
                push(reversed(pending))
                pending.clear()

    def visit(self, node: ast.AST, parent: ast.AST) -> None:
        """Schedule a visit of ``node`` in the current scope."""
        self.pending.append((node, parent, self.scope))

    def then(self, continuation: Callable[..., None], *arguments: object) -> None:
        """Schedule ``continuation(*arguments)`` after what is scheduled so far (and its subtrees)."""
        self.pending.append((continuation, arguments, None))

    def children(self, node: ast.AST) -> None:
        attributes = node.__dict__
        fields = _CHILD_FIELDS.get(type(node))
        if fields is None:
            fields = _child_fields(type(node))
        pending = self.pending
        scope = self.scope
        for name in fields:
            value = attributes.get(name)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        pending.append((item, node, scope))
            elif isinstance(value, ast.AST):
                pending.append((value, node, scope))

    def visit_all(self, nodes: list, parent: ast.AST) -> None:
        for item in nodes:
            if item is not None:
                self.visit(item, parent)

    def new_scope(self, kind: str, node: ast.AST, outer: Scope) -> Scope:
        scope = Scope(kind, node, outer)
        self.model.scopes.append(scope)
        return scope

    def bind(self, name: str, kind: str, node: ast.AST, **extra) -> Binding:
        binding = Binding(name, kind, node, self.scope, **extra)
        self.scope.bind(binding)
        return binding

    # --- imports

    def import_(self, node: ast.Import) -> None:
        for alias in node.names:
            self.model.imported_modules.add(alias.name.split(".")[0])
            if alias.asname:
                self.bind(alias.asname, "import", node, imported=alias.name)
            else:
                root = alias.name.split(".")[0]
                self.bind(root, "import", node, imported=root)
        self.children(node)

    def import_from(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        if node.level == 0 and node.module:
            self.model.imported_modules.add(node.module.split(".")[0])
        for alias in node.names:
            if alias.name == "*":
                continue
            qualified = f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name
            self.bind(alias.asname or alias.name, "import", node, imported=qualified)
        self.children(node)

    # --- definitions and scopes

    def function(self, node: FunctionNode) -> None:
        self.visit_all(node.decorator_list, node)
        self.visit_defaults(node.args, node)
        if node.returns is not None:
            self.visit(node.returns, node)
        self.then(self.function_body, node, self.scope)

    def function_body(self, node: FunctionNode, outer: Scope) -> None:
        class_info = outer.class_info if outer.kind == "class" else None
        scope = self.new_scope("function", node, outer)
        info = FunctionInfo(node, scope, outer, class_info)
        scope.function = info
        self.model.functions.append(info)
        self.model._function_of_node[id(node)] = info
        if class_info is not None:
            class_info.methods[node.name] = info
        self.scope = outer
        self.bind(node.name, "function", node, definition=info)
        self.scope = scope
        self.bind_parameters(node.args, node)
        for statement in node.body:
            self.visit(statement, node)

    def visit_defaults(self, args: ast.arguments, owner: ast.AST) -> None:
        self.visit_all(args.defaults, owner)
        self.visit_all(args.kw_defaults, owner)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation, arg)

    def bind_parameters(self, args: ast.arguments, owner: ast.AST) -> None:
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is None:
                continue
            arg._ag_parent = owner  # type: ignore[attr-defined]
            arg._ag_scope = self.scope  # type: ignore[attr-defined]
            self.bind(arg.arg, "parameter", arg, annotation=arg.annotation)

    def lambda_(self, node: ast.Lambda) -> None:
        self.visit_defaults(node.args, node)
        self.then(self.lambda_body, node, self.scope)

    def lambda_body(self, node: ast.Lambda, outer: Scope) -> None:
        self.scope = self.new_scope("lambda", node, outer)
        self.bind_parameters(node.args, node)
        self.visit(node.body, node)

    def class_(self, node: ast.ClassDef) -> None:
        self.visit_all(node.decorator_list, node)
        self.visit_all(node.bases, node)
        self.visit_all(node.keywords, node)
        self.then(self.class_body, node, self.scope)

    def class_body(self, node: ast.ClassDef, outer: Scope) -> None:
        scope = self.new_scope("class", node, outer)
        info = ClassInfo(node, scope, outer)
        scope.class_info = info
        self.model.classes.append(info)
        self.model._class_of_node[id(node)] = info
        self.scope = outer
        self.bind(node.name, "class", node, definition=info)
        self.scope = scope
        for statement in node.body:
            self.visit(statement, node)

    def comprehension(self, node: ast.AST) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        # The first iterable is evaluated in the enclosing scope.
        self.visit(generators[0].iter, node)
        self.then(self.comprehension_body, node, self.scope)

    def comprehension_body(self, node: ast.AST, outer: Scope) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.scope = self.new_scope("comprehension", node, outer)
        if any(g.is_async for g in generators):
            self.mark_awaits()
        for index, generator in enumerate(generators):
            generator._ag_parent = node  # type: ignore[attr-defined]
            generator._ag_scope = self.scope  # type: ignore[attr-defined]
            self.bind_targets(generator.target, "loop", generator)
            self.visit(generator.target, generator)
            if index:
                self.visit(generator.iter, generator)
            self.visit_all(generator.ifs, generator)
        for name in ("elt", "key", "value"):
            child = getattr(node, name, None)
            if child is not None:
                self.visit(child, node)

    # --- bindings

    def bind_targets(self, target: ast.AST, kind: str, node: ast.AST, value: ast.expr | None = None) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, kind, node, value=value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            # ``src, dst = Path(a), Path(b)``: each name gets its own value when the sides pair up
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) else None
            if values is not None and any(isinstance(v, ast.Starred) for v in [*values, *target.elts]):
                values = None
            for index, element in enumerate(target.elts):
                self.bind_targets(element, kind, node, values[index] if values is not None else None)
        elif isinstance(target, ast.Starred):
            self.bind_targets(target.value, kind, node)
        elif isinstance(target, ast.Attribute) and value is not None and isinstance(target.value, ast.Name):
            function = self.scope.function if self.scope.kind == "function" else None
            if function and function.class_info and _is_self(function, target.value.id):
                function.class_info.attributes.setdefault(target.attr, []).append(value)

    def assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.bind_targets(target, "assignment", node, node.value)
        self.children(node)

    def ann_assign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.bind(node.target.id, "annotation", node, value=node.value, annotation=node.annotation)
        else:
            if node.value is not None:
                self.bind_targets(node.target, "assignment", node, node.value)
            target = node.target
            function = self.scope.function if self.scope.kind == "function" else None
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and function and function.class_info:
                if _is_self(function, target.value.id):
                    function.class_info.annotations.setdefault(target.attr, []).append(node.annotation)
        self.children(node)

    def named_expr(self, node: ast.NamedExpr) -> None:
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent  # walrus binds in the enclosing function or module
        scope.bind(Binding(node.target.id, "assignment", node, scope, value=node.value))
        self.children(node)

    def for_(self, node: ast.For | ast.AsyncFor) -> None:
        if isinstance(node, ast.AsyncFor):
            self.mark_awaits()
        self.bind_targets(node.target, "loop", node)
        self.children(node)

    def with_(self, node: ast.With | ast.AsyncWith) -> None:
        if isinstance(node, ast.AsyncWith):
            self.mark_awaits()
        for item in node.items:
            if item.optional_vars is not None:
                self.bind_targets(item.optional_vars, "with", node, item.context_expr)
        self.children(node)

    def except_handler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bind(node.name, "assignment", node)
        self.children(node)

    # --- async markers

    def mark_awaits(self) -> None:
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        if scope.function is not None:
            scope.function.awaits = True

    def await_(self, node: ast.Await) -> None:
        self.mark_awaits()
        self.children(node)

    def yield_(self, node: ast.Yield | ast.YieldFrom) -> None:
        if self.scope.function is not None:
            self.scope.function.yields = True
        self.children(node)


#: fields that hold shared singleton nodes (``Load``, ``Add``…): nothing to walk or index there
_SINGLETON_FIELDS = frozenset({"ctx", "op", "ops"})
#: fields that never hold a node, in any node type (``Constant.value`` and ``Constant.kind`` aside)
_PRIMITIVE_FIELDS = frozenset(
    {"id", "attr", "arg", "name", "module", "level", "kind", "type_comment", "is_async", "asname", "conversion"}
)
#: node type -> the fields that may hold nodes (or lists of them)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}
#: the same, last first: the order ``_Walker.run`` pushes children in
_CHILD_FIELDS_LAST_FIRST: dict[type, tuple[str, ...]] = {ast.Constant: ()}


def _child_fields(node_type: type) -> tuple[str, ...]:
    skipped = _SINGLETON_FIELDS | _PRIMITIVE_FIELDS
    if node_type.__name__ == "TypeAlias":  # ``type X = ...`` (3.12): its name is a Name node
        skipped = _SINGLETON_FIELDS
    fields = _CHILD_FIELDS[node_type] = tuple(f for f in node_type._fields if f not in skipped)  # type: ignore[attr-defined]
    _CHILD_FIELDS_LAST_FIRST[node_type] = fields[::-1]
    return fields

_SPECIAL = {
    ast.Import: _Walker.import_,
    ast.ImportFrom: _Walker.import_from,
    ast.FunctionDef: _Walker.function,
    ast.AsyncFunctionDef: _Walker.function,
    ast.Lambda: _Walker.lambda_,
    ast.ClassDef: _Walker.class_,
    ast.ListComp: _Walker.comprehension,
    ast.SetComp: _Walker.comprehension,
    ast.DictComp: _Walker.comprehension,
    ast.GeneratorExp: _Walker.comprehension,
    ast.Assign: _Walker.assign,
    ast.AnnAssign: _Walker.ann_assign,
    ast.NamedExpr: _Walker.named_expr,
    ast.For: _Walker.for_,
    ast.AsyncFor: _Walker.for_,
    ast.With: _Walker.with_,
    ast.AsyncWith: _Walker.with_,
    ast.ExceptHandler: _Walker.except_handler,
    ast.Await: _Walker.await_,
    ast.Yield: _Walker.yield_,
    ast.YieldFrom: _Walker.yield_,
}
