"""A module's summary: what the project analysis needs of it, read off its ``SemanticModel``.

``summarize`` reads what the model's one walk already recorded (its functions and classes, the
calls indexed by type, the bindings of each scope): it neither parses nor walks the tree again.
It runs after the walk because a call's callee may be bound further down the module.

A summary is small and picklable (the CLI caches summaries on disk and sends them to worker
processes). Every name in it is absolute: ``from .db import query`` in ``app/service.py`` is
``app.db.query``. Per function it keeps:

- the calls it makes on the loop's thread, each by the qualified name of its callee where the
  module tells it (``Call``): plain calls, methods through a receiver whose type the module knows,
  constructors (the class's name: linking goes on to its ``__init__``), ``functools.partial``
  objects called, callbacks handed to ``loop.call_soon``/``call_later``/``call_at`` and
  ``add_done_callback`` (they run on the loop later), and attribute reads on typed receivers
  (linking follows those only to a ``@property``);
- the blocking calls it makes itself (``BlockingCall``), by the tables of the direct rules
  (``BlockingCallRule``: ASY100–ASY107), less those whose line carries a ``# noqa``; a brief
  pause (``time.sleep(0.001)``) is marked: it blocks noticeably only when repeated, so it ends
  only the chains of calls made in a loop (``Call.repeated``, here or further up the chain).

Calls that run at most once per process or only on the way to an error (``once``: building the
exception of a ``raise``, filling a module-level cache, the body of a ``functools.cache``
function without parameters) are left out: they do not block the loop request after request.

What a function hands to an offload primitive (``asyncio.to_thread(f)``, ``run_in_executor(None,
f)``, ``BackgroundTasks.add_task(f)``) is a reference, not a call, so it is no edge; the arguments
evaluated at that call site are calls of their own, on the loop.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass

from ..blocking import BlockingCallRule
from ..model import ClassInfo, FunctionInfo, SemanticModel, argument
from ..registry import all_rules
from ..noqa import noqa_codes, record_use
from .modules import absolute_name
from .once import behind_cache_guard, declared_globals, memoised_once, on_failure_path

#: the callable objects ``functools.partial`` makes: calling one calls its first argument
PARTIAL = frozenset({"functools.partial"})

#: loop methods that run their callback on the loop later -> the callback's argument position
LOOP_CALLBACKS = {"call_soon": 0, "call_soon_threadsafe": 0, "call_later": 1, "call_at": 1}
#: future types whose ``add_done_callback`` runs the callback on the loop
LOOP_FUTURES = frozenset({"asyncio.Task", "asyncio.Future", "asyncio.tasks.Task", "asyncio.futures.Future"})


@dataclass(frozen=True, slots=True)
class Call:
    """A call a function makes (or an attribute it reads), at a 0-based line and column."""

    target: str
    line: int
    column: int
    #: "call"; "callback": handed to the loop to run later; "read": an attribute read
    kind: str = "call"
    #: made in a loop of the function: once per iteration
    repeated: bool = False


#: the longest ``time.sleep()`` (in seconds, a number in the source) that is a brief pause: no longer
#: than ordinary work takes; it blocks the loop noticeably only when repeated
BRIEF_SLEEP = 0.001


@dataclass(frozen=True, slots=True)
class BlockingCall:
    """A call that blocks, as a direct rule's table lists it (``time.sleep``)."""

    name: str
    code: str
    line: int
    column: int
    #: a brief pause (``time.sleep(0.001)``): it ends only the chains of calls made in a loop
    brief: bool = False


@dataclass(frozen=True, slots=True)
class FunctionSummary:
    #: the function's name within its module: ``query``, ``Client.get``, ``outer.<locals>.inner``
    qualname: str
    line: int
    column: int
    is_async: bool
    is_generator: bool
    #: qualified names of its decorators (``builtins.property``); "" for one the module cannot name
    decorators: tuple[str, ...]
    calls: tuple[Call, ...]
    blocking: tuple[BlockingCall, ...]

    @property
    def name(self) -> str:
        return self.qualname.rpartition(".")[2]


@dataclass(frozen=True, slots=True)
class ClassSummary:
    qualname: str
    #: qualified names of its bases
    bases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    module: str
    #: the file, absolute; None for a document without one
    path: str | None
    #: module-level names bound to other things (imports, ``alias = other``) -> their qualified names
    names: dict[str, str]
    #: modules imported with ``from m import *``
    star_imports: tuple[str, ...]
    #: ``__all__``, when the module spells it as a literal list or tuple
    exports: tuple[str, ...] | None
    functions: dict[str, FunctionSummary]
    classes: dict[str, ClassSummary]
    #: every dotted prefix of every name it refers to (``app``, ``app.db``, ``app.db.query``): the
    #: modules it depends on are among them (``ProjectIndex.dependents``)
    referenced: frozenset[str] = frozenset()


#: model -> ((module, path, is_package), its summary): ASY200 summarises the document it lints, and
#: the language server then puts the same summary into its index
_SUMMARIES: weakref.WeakKeyDictionary[SemanticModel, tuple[tuple[str, str | None, bool], ModuleSummary]] = (
    weakref.WeakKeyDictionary()
)


def summarize(model: SemanticModel, module: str, path: str | None, is_package: bool = False) -> ModuleSummary:
    """The summary of the module that ``model`` was built from; ``module`` is its dotted name."""
    key = (module, path, is_package)
    made = _SUMMARIES.get(model)
    if made is not None and made[0] == key:
        return made[1]
    summary = _summarize(model, module, path, is_package)
    _SUMMARIES[model] = (key, summary)
    return summary


def _summarize(model: SemanticModel, module: str, path: str | None, is_package: bool) -> ModuleSummary:
    names = Names(model, module, is_package)
    functions: dict[str, FunctionSummary] = {}
    calls: dict[int, list[Call]] = {}
    blocking: dict[int, list[BlockingCall]] = {}
    tables = _blocking_rules()
    globals_of = declared_globals(model)
    #: functions whose body runs once per process: their calls are no edges
    memoised = {id(function) for function in model.functions if memoised_once(model, function)}
    for node in model.nodes(ast.Call):
        assert isinstance(node, ast.Call)
        function = _running_function(model, node)
        if function is None or function.is_async or id(function) in memoised or _at_most_once(model, node, globals_of):
            continue
        found = _blocking(node, model, tables)
        if found is not None:
            blocking.setdefault(id(function), []).append(found)
            continue
        call = names.call(node)
        if call is not None:
            calls.setdefault(id(function), []).append(call)
    for node in model.nodes(ast.Attribute):
        assert isinstance(node, ast.Attribute)
        function = _running_function(model, node)
        if function is None or function.is_async or not isinstance(node.ctx, ast.Load):
            continue
        if id(function) in memoised or _at_most_once(model, node, globals_of):
            continue
        read = names.read(node)
        if read is not None:
            calls.setdefault(id(function), []).append(read)
    for function in model.functions:
        qualname = names.local_name(function)
        if qualname is None:
            continue
        position = model.range_of(function.node)
        functions[qualname] = FunctionSummary(
            qualname,
            position.start_line,
            position.start_column,
            function.is_async,
            function.yields,
            tuple(names.decorator(d) for d in function.node.decorator_list),
            tuple(calls.get(id(function), ())),
            tuple(blocking.get(id(function), ())),
        )
    classes = {}
    for class_info in model.classes:
        qualname = names.local_name(class_info)
        if qualname is not None:
            bases = (names.target(base) for base in class_info.node.bases)
            classes[qualname] = ClassSummary(qualname, tuple(base for base in bases if base))
    module_names = names.module_names()
    star_imports = names.star_imports()
    targets = [*module_names.values(), *star_imports]
    targets += [call.target for function in functions.values() for call in function.calls]
    targets += [base for class_ in classes.values() for base in class_.bases]
    return ModuleSummary(
        module, path, module_names, star_imports, _exports(model), functions, classes, _prefixes(targets)
    )


def _prefixes(names: list[str]) -> frozenset[str]:
    found = set()
    for name in names:
        end = name.find(".")
        while end != -1:
            found.add(name[:end])
            end = name.find(".", end + 1)
        found.add(name)
    return frozenset(found)


def _at_most_once(model: SemanticModel, node: ast.AST, globals_of: dict[int, set[str]]) -> bool:
    return on_failure_path(model, node) or behind_cache_guard(model, node, globals_of)


def _running_function(model: SemanticModel, node: ast.AST) -> FunctionInfo | None:
    """The function whose call runs ``node`` at once: its own body and comprehensions; not a
    nested ``lambda`` (run when it is called), nor decorators and defaults (run at definition)."""
    scope = model.scope(node)
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    return scope.function if scope.kind == "function" else None


def _blocking_rules() -> list[BlockingCallRule]:
    from ..runner import rule_instance

    return [rule_instance(code) for code, rule in all_rules().items() if issubclass(rule, BlockingCallRule)]  # type: ignore[misc]


#: qualified name -> the direct rule whose table lists it (None: none does); the tables are
#: fixed for the process, and most names recur from module to module
_LISTED: dict[str, BlockingCallRule | None] = {}


def _blocking(node: ast.Call, model: SemanticModel, rules: list[BlockingCallRule]) -> BlockingCall | None:
    for name in BlockingCallRule.call_names(node, model):
        rule = _LISTED.get(name, _UNSEEN)
        if rule is _UNSEEN:
            rule = _LISTED[name] = next((r for r in rules if r.replacement(name) is not None), None)
        if rule is None:
            continue
        if rule.clears(node, model):  # type: ignore[union-attr]
            return None
        position = model.range_of(node)
        silencing = _silencing(model.lines[position.start_line], rule.code)  # type: ignore[union-attr]
        if silencing is not None:
            record_use(model, position.start_line, silencing)
            return None
        return BlockingCall(
            name.removeprefix("builtins."), rule.code, position.start_line, position.start_column, _brief_pause(name, node)  # type: ignore[union-attr]
        )
    return None


def _brief_pause(name: str, node: ast.Call) -> bool:
    duration = argument(node, 0, "secs")
    return (
        name == "time.sleep"
        and isinstance(duration, ast.Constant)
        and type(duration.value) in (int, float)
        and duration.value <= BRIEF_SLEEP
    )


_UNSEEN = object()


def _silencing(line: str, code: str) -> list[str] | None:
    """A ``# noqa`` on a blocking line silences the chains that end there: bare, or naming ASY200
    or the direct rule. The codes of it that do (none for a bare one); None when it does not."""
    match, codes = noqa_codes(line)
    if match is None:
        return None
    if not codes:
        return []
    used = [c for c in codes if c in ("ASY200", code)]
    return used or None


def _exports(model: SemanticModel) -> tuple[str, ...] | None:
    for binding in model.module_scope.bindings.get("__all__", ()):
        value = binding.value
        if isinstance(value, (ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            return tuple(e.value for e in value.elts)  # type: ignore[attr-defined]
    return None


class Names:
    """Absolute qualified names for what a module's expressions refer to, its own definitions
    included (``model.qualified_name`` names only imported things)."""

    def __init__(self, model: SemanticModel, module: str, is_package: bool):
        self.model = model
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]

    # --- definitions

    def local_name(self, info: FunctionInfo | ClassInfo) -> str | None:
        """``Client.get``, ``outer.<locals>.inner``; None for one defined in a lambda or comprehension."""
        outer = info.outer
        if outer.kind == "module":
            return info.name
        if outer.kind == "class" and outer.class_info is not None:
            owner = self.local_name(outer.class_info)
            return f"{owner}.{info.name}" if owner else None
        if outer.kind == "function" and outer.function is not None:
            owner = self.local_name(outer.function)
            return f"{owner}.<locals>.{info.name}" if owner else None
        return None

    def definition(self, info: FunctionInfo | ClassInfo) -> str | None:
        local = self.local_name(info)
        return f"{self.module}.{local}" if local else None

    def absolute(self, name: str) -> str:
        """``.db.query`` (from ``from .db import query``) -> ``app.db.query``."""
        return absolute_name(name, self.package)

    def module_names(self) -> dict[str, str]:
        found = {}
        for name, bindings in self.model.module_scope.bindings.items():
            binding = bindings[-1]
            if binding.kind == "import" and binding.imported:
                found[name] = self.absolute(binding.imported)
            elif binding.kind == "assignment" and isinstance(binding.value, (ast.Name, ast.Attribute)):
                target = self.target(binding.value)
                if target:
                    found[name] = target
        return found

    def star_imports(self) -> tuple[str, ...]:
        return tuple(
            self.absolute("." * node.level + (node.module or ""))
            for node in self.model.nodes(ast.ImportFrom)
            if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
        )

    def decorator(self, decorator: ast.expr) -> str:
        if isinstance(decorator, ast.Call):
            decorator = decorator.func
        return self.target(decorator) or ""

    # --- references

    def target(self, expr: ast.AST, depth: int = 0) -> str | None:
        """The qualified name of what ``expr`` names: a function or class (of this module or
        another), a module, a method through the receiver's known type (``self.client.get``), the
        function a ``functools.partial`` wraps; None when the module does not tell."""
        if depth > 8:
            return None
        model = self.model
        if isinstance(expr, ast.Name):
            binding = model.lookup(expr.id, expr)
            if binding is None:
                return model.qualified_name(expr)
            if binding.definition is not None:
                return self.definition(binding.definition)
            if binding.kind == "import" and binding.imported:
                return self.absolute(binding.imported)
            if binding.kind == "assignment" and binding.value is not None and _single(binding):
                value = binding.value
                if isinstance(value, (ast.Name, ast.Attribute)) or self._partial(value):
                    return self.target(value, depth + 1)
            return None
        if isinstance(expr, ast.Attribute):
            receiver = self.instance_type(expr.value, depth + 1)
            if receiver is None:
                receiver = self.target(expr.value, depth + 1)
            return f"{receiver}.{expr.attr}" if receiver else None
        if isinstance(expr, ast.Call) and self._partial(expr):
            wrapped = argument(expr, 0, "func")
            return self.target(wrapped, depth + 1) if wrapped is not None else None
        if isinstance(expr, ast.Lambda) and isinstance(expr.body, ast.Call):
            return self.target(expr.body.func, depth + 1)
        return None

    def _partial(self, expr: ast.AST) -> bool:
        return isinstance(expr, ast.Call) and self.model.qualified_name(expr.func) in PARTIAL

    def instance_type(self, expr: ast.AST, depth: int = 0) -> str | None:
        """The qualified class ``expr`` is an instance of, the module's own classes included."""
        if depth > 8:
            return None
        model = self.model
        if isinstance(expr, ast.Name):
            binding = model.lookup(expr.id, expr)
            if binding is None:
                return None
            if binding.kind == "parameter":
                owner = _method_owner(model, binding.node)
                if owner is not None:
                    return self.definition(owner)
            if binding.annotation is not None:
                return self.annotation_type(binding.annotation, depth + 1)
            if binding.kind in ("assignment", "with") and binding.value is not None and _single(binding):
                return self.value_type(binding.value, depth + 1)
            return None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            owner = self.instance_type(expr.value, depth + 1)
            function = model.enclosing_function(expr)
            class_info = function.class_info if function is not None else None
            if owner is not None and class_info is not None and owner == self.definition(class_info):
                for value in class_info.attributes.get(expr.attr, ()):
                    found = self.value_type(value, depth + 1)
                    if found:
                        return found
                for binding in class_info.scope.bindings.get(expr.attr, ()):
                    if binding.annotation is not None:
                        return self.annotation_type(binding.annotation, depth + 1)
        if isinstance(expr, ast.Call):
            return self.value_type(expr, depth + 1)
        found = model.instance_type(expr)
        return self.absolute(found) if found else None

    def value_type(self, value: ast.expr, depth: int) -> str | None:
        """The type of an assigned value: an instance of the class called (or of what a known
        factory returns), or of another typed expression."""
        if isinstance(value, ast.Call):
            local = self.model.class_def(value.func)
            if local is not None:
                return self.definition(local)
            found = self.model.instance_type(value)
            if found is not None:
                return self.absolute(found)
            callee = self.target(value.func, depth + 1)
            return callee if callee and callee.rpartition(".")[2][:1].isupper() else None
        return self.instance_type(value, depth + 1)

    def annotation_type(self, annotation: ast.expr, depth: int) -> str | None:
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
            return self.annotation_type(sides[0], depth + 1) if len(sides) == 1 else None
        if isinstance(annotation, ast.Subscript):
            outer = self.model.qualified_name(annotation.value)
            if outer in ("typing.Optional", "typing.Annotated", "typing_extensions.Annotated"):
                inner = annotation.slice
                if isinstance(inner, ast.Tuple):
                    inner = inner.elts[0]
                return self.annotation_type(inner, depth + 1)
            return None
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            return self.target(annotation, depth + 1)
        return None

    # --- what a function does

    def call(self, node: ast.Call) -> Call | None:
        """The edge a call in a plain function makes, if the module can name its callee."""
        position = self.model.range_of(node)
        callback = self.loop_callback(node)
        if callback is not None:
            target = self.target(callback)
            return Call(target, position.start_line, position.start_column, "callback", self._repeated(node)) if target else None
        target = self.target(node.func)
        if target is None or target.startswith("builtins."):
            return None
        return Call(target, position.start_line, position.start_column, "call", self._repeated(node))

    def _repeated(self, node: ast.AST) -> bool:
        return self.model.enclosing_loop(node) is not None

    def loop_callback(self, node: ast.Call) -> ast.expr | None:
        """The callback a call hands to the event loop to run later, when it is one of those calls."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr in LOOP_CALLBACKS and self.model.is_event_loop(func.value):
            return argument(node, LOOP_CALLBACKS[func.attr])
        if func.attr == "add_done_callback" and self.model.instance_type(func.value) in LOOP_FUTURES:
            return argument(node, 0)
        return None

    def read(self, node: ast.Attribute) -> Call | None:
        """An attribute read on a receiver of known type (a ``@property`` runs on it), not a callee."""
        parent = self.model.parent(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            return None
        receiver = self.instance_type(node.value)
        if receiver is None or receiver.startswith("builtins."):
            return None
        position = self.model.range_of(node)
        return Call(f"{receiver}.{node.attr}", position.start_line, position.start_column, "read", self._repeated(node))


def _single(binding) -> bool:
    """True when the name has no other binding in its scope: its value is then the one assigned."""
    return len(binding.scope.bindings.get(binding.name, ())) == 1


def _method_owner(model: SemanticModel, parameter: ast.AST) -> ClassInfo | None:
    """The class whose instance (or, in a classmethod, the class itself) ``self``/``cls`` is."""
    function = model.function_info(model.parent(parameter))
    if function is None or function.class_info is None:
        return None
    args = function.node.args.posonlyargs + function.node.args.args
    if not args or args[0] is not parameter:
        return None
    for decorator in function.node.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id == "staticmethod":
            return None
    return function.class_info
