"""The project index: every module's summary, linked. Answers "does calling this block the loop,
and through which chain?" and "is this imported callee a coroutine function?".

Names resolve through the project's modules: a module's own functions and classes, names it
binds to other things (imports, aliases: re-exports in an ``__init__.py``), submodules of a
package, ``from m import *`` (within ``__all__`` when the module spells it), methods through
the bases of project classes. A name the index cannot place (a library, a dynamic attribute) is
unknown, and an unknown callee is taken not to block: the analysis never guesses a callee.

A function blocks when it makes a blocking call itself (``FunctionSummary.blocking``), calls an
API the project lists in ``blocking``, or reaches such a function through a chain of calls that
run on the loop's thread: plain and method calls, constructors (``__init__``), ``@property``
reads, ``functools.partial`` objects, callbacks scheduled on the loop. The chain stops at what
does not run the callee's body there and then: ``async def``\\ s (their own blocking calls are
reported where they are, by the direct rules), generator functions, functions under a decorator
that is not known to call them as they are (``@run_on_executor`` runs them in a thread), and the
names the project lists in ``non-blocking``. The search is breadth first, so the chain reported
is a shortest one; it goes at most ``max-depth`` functions deep, visits each function once
(recursion ends) and is memoised per function. A brief pause (``time.sleep(0.001)``) ends a chain
only when a call on the way is made in a loop (``BlockingCall.brief``, ``Call.repeated``): once,
it costs the loop no more than ordinary work. What runs at most once per process never reaches
the index (``summary``, ``once``).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Union

from ..registry import select
from ..rule import Related
from ..resolve import COROUTINE_PRESERVING_DECORATORS
from .modules import absolute_name
from .summary import BlockingCall, ClassSummary, FunctionSummary, ModuleSummary

DEFAULT_MAX_DEPTH = 8

#: the rules that ask the index: ASY200 its chains, the coroutine rules whether a callee of the
#: project is a coroutine function (``IndexResolver``); without them no index is needed
PROJECT_RULES = frozenset({"ASY200", "ASY110", "ASY117", "ASY123", "ASY126"})

#: decorators whose function is read as an attribute, not called
PROPERTY_DECORATORS = frozenset({"builtins.property", "functools.cached_property"})
#: decorators that leave calling the function calling its body, at once and on the same thread
TRANSPARENT_DECORATORS = frozenset(
    {
        "builtins.staticmethod", "builtins.classmethod", "functools.lru_cache", "functools.cache",
        "functools.wraps", "abc.abstractmethod", "typing.override", "typing_extensions.override",
    }
)

Resolved = Union[FunctionSummary, ClassSummary, ModuleSummary]


@dataclass(frozen=True)
class AnalysisOptions:
    """The ``[tool.asyncguide]`` keys of the project analysis."""

    max_depth: int = DEFAULT_MAX_DEPTH
    #: qualified names (or ``prefix.*``) taken not to block, cutting every chain through them
    non_blocking: tuple[str, ...] = ()
    #: qualified names (or ``prefix.*``) of the project's own blocking APIs
    blocking: tuple[str, ...] = ()
    #: the codes of the direct rules (ASY100-ASY107, ASY163, ASY164…) whose calls end a chain,
    #: sorted (``chain_end_codes``): an opt-in rule's calls only once it is enabled
    ends: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chain:
    """How calling a function blocks: the functions called one after the other (the callee first),
    the hops between them and, last, the blocking call."""

    functions: tuple[str, ...]
    blocking: BlockingCall
    #: the module file the blocking call is in
    path: str | None
    hops: tuple[Related, ...]
    #: the qualified name of the last function, within its module (``Client.get``)
    last: str = ""


@dataclass
class ProjectIndex:
    modules: dict[str, ModuleSummary]
    options: AnalysisOptions = field(default_factory=AnalysisOptions)
    #: the project's folder, that messages show paths relative to
    root: str | None = None
    #: tells apart indexes whose answers may differ (``build.build_index``); "" when not computed
    fingerprint: str = ""
    _resolved: dict[str, tuple[ModuleSummary, Resolved] | None] = field(default_factory=dict, repr=False)
    _chains: dict[tuple[str, bool], Chain | None] = field(default_factory=dict, repr=False)
    _defined_names: frozenset[str] | None = field(default=None, repr=False)
    _property_names: frozenset[str] | None = field(default=None, repr=False)

    def replaced(self, summary: ModuleSummary) -> ProjectIndex:
        """This index with one module's summary new (the document being edited); answers are
        worked out afresh, but for ``defined_names`` and ``property_names``, which only grow
        (recounting them over a thousand modules would cost more than the rest of a keystroke's
        lint). The same index when it holds that summary already (an edit that changed nothing
        the analysis sees), keeping what it worked out."""
        if self.modules.get(summary.module) == summary:
            return self
        index = ProjectIndex({**self.modules, summary.module: summary}, self.options, self.root)
        index._defined_names = _grown(self._defined_names, _defined_in(summary))
        index._property_names = _grown(self._property_names, _properties_in(summary))
        return index

    @property
    def defined_names(self) -> frozenset[str]:
        """The last part of the name of every function and class of the project, and the names
        modules bind to them (aliases, imports): a callee called by none of these is none of the
        project's (a quick test before resolving it). After edits (``replaced``, ``without``) it
        may also hold names no module defines any more: a test only ever answers "maybe"."""
        if self._defined_names is None:
            self._defined_names = frozenset(name for summary in self.modules.values() for name in _defined_in(summary))
        return self._defined_names

    @property
    def property_names(self) -> frozenset[str]:
        """The names of the project's properties: only reads of those may run a function (after
        edits, possibly names of former properties too, as ``defined_names``)."""
        if self._property_names is None:
            self._property_names = frozenset(name for summary in self.modules.values() for name in _properties_in(summary))
        return self._property_names

    def may_block(self, target: str) -> bool:
        """False when ``target`` surely is neither a project function or class nor a listed
        blocking API; True when it is worth resolving."""
        return target.rpartition(".")[2] in self.defined_names or _listed(target, self.options.blocking)

    def without(self, module: str) -> ProjectIndex:
        index = ProjectIndex({k: v for k, v in self.modules.items() if k != module}, self.options, self.root)
        index._defined_names, index._property_names = self._defined_names, self._property_names
        return index

    def module_of_path(self, path: str) -> ModuleSummary | None:
        for summary in self.modules.values():
            if summary.path == path:
                return summary
        return None

    def dependents(self, module: str) -> set[str]:
        """The modules whose summaries name ``module`` or something in it."""
        return {name for name, summary in self.modules.items() if module in summary.referenced}

    # --- resolution

    def resolve(self, name: str) -> tuple[ModuleSummary, Resolved] | None:
        """The module and the function, class or module a qualified name refers to."""
        if name not in self._resolved:
            self._resolved[name] = self._resolve(name, 0)
        return self._resolved[name]

    def _resolve(self, name: str, depth: int) -> tuple[ModuleSummary, Resolved] | None:
        if depth > DEFAULT_MAX_DEPTH:
            return None
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            module = self.modules.get(".".join(parts[:end]))
            if module is not None:
                return self._member(module, parts[end:], depth)
        return None

    def _member(self, module: ModuleSummary, rest: list[str], depth: int) -> tuple[ModuleSummary, Resolved] | None:
        if not rest:
            return module, module
        if depth > DEFAULT_MAX_DEPTH:
            return None
        for end in range(len(rest), 0, -1):
            key = ".".join(rest[:end])
            if end == len(rest) and key in module.functions:
                return module, module.functions[key]
            if key in module.classes:
                remaining = rest[end:]
                if not remaining:
                    return module, module.classes[key]
                return self.method(module, module.classes[key], remaining[0]) if len(remaining) == 1 else None
        head, tail = rest[0], rest[1:]
        if head in module.names:
            return self._resolve(".".join([module.names[head], *tail]), depth + 1)
        submodule = self.modules.get(f"{module.module}.{head}")
        if submodule is not None:
            return self._member(submodule, tail, depth + 1)
        for star in module.star_imports:
            source = self.modules.get(star)
            if source is not None and source is not module and (source.exports is None or head in source.exports):
                found = self._member(source, rest, depth + 1)
                if found is not None:
                    return found
        return None

    def method(
        self, module: ModuleSummary, class_: ClassSummary, name: str, seen: frozenset[str] = frozenset()
    ) -> tuple[ModuleSummary, FunctionSummary] | None:
        """A method of a project class, or of its project bases."""
        found = module.functions.get(f"{class_.qualname}.{name}")
        if found is not None:
            return module, found
        seen = seen | {f"{module.module}.{class_.qualname}"}
        for base in class_.bases:
            resolved = self.resolve(base)
            if resolved is None or not isinstance(resolved[1], ClassSummary):
                continue
            base_module, base_class = resolved
            if f"{base_module.module}.{base_class.qualname}" not in seen:
                inherited = self.method(base_module, base_class, name, seen)
                if inherited is not None:
                    return inherited
        return None

    # --- questions

    def is_coroutine_function(self, name: str) -> bool | None:
        """True for a project ``async def`` that stays a coroutine function, False for a plain
        function or a class, None when the index cannot tell."""
        resolved = self.resolve(name)
        if resolved is None:
            return None
        thing = resolved[1]
        if isinstance(thing, ClassSummary):
            return False
        if not isinstance(thing, FunctionSummary):
            return None
        if not thing.is_async:
            return False
        preserved = all(d.rpartition(".")[2] in COROUTINE_PRESERVING_DECORATORS for d in thing.decorators)
        return (not thing.is_generator) if preserved else None

    def callable_function(self, target: str, kind: str = "call") -> tuple[ModuleSummary, FunctionSummary] | None:
        """The project function whose body runs, on the caller's thread, when code calls
        ``target`` (``kind`` "call" or "callback") or reads it ("read": a property); else None."""
        if _listed(target, self.options.non_blocking):
            return None
        resolved = self.resolve(target)
        if resolved is None:
            return None
        module, thing = resolved
        if isinstance(thing, ClassSummary):
            if kind == "read":
                return None
            constructor = self.method(module, thing, "__init__")
            if constructor is None:
                return None
            module, thing = constructor
        if not isinstance(thing, FunctionSummary) or thing.is_async or thing.is_generator:
            return None
        is_property = any(d in PROPERTY_DECORATORS for d in thing.decorators)
        if is_property != (kind == "read"):
            return None
        if not all(d in TRANSPARENT_DECORATORS or d in PROPERTY_DECORATORS for d in thing.decorators):
            return None
        if _listed(f"{module.module}.{thing.qualname}", self.options.non_blocking):
            return None
        return module, thing

    def blocking_chain(self, target: str, kind: str = "call", repeated: bool = True) -> Chain | None:
        """How calling ``target`` (or reading it, for a property) blocks the loop, if it does:
        a shortest chain, at most ``max_depth`` functions long. A name the project lists in
        ``blocking`` blocks by itself (a chain of no function). A brief pause
        (``BlockingCall.brief``) ends a chain only for a call that is ``repeated`` (in a loop)."""
        if kind != "read" and self._configured_blocking(target):
            return Chain((), BlockingCall(target, "ASY200", 0, 0), None, ())
        start = self.callable_function(target, kind)
        if start is None:
            return None
        key = (f"{start[0].module}.{start[1].qualname}", repeated)
        if key not in self._chains:
            self._chains[key] = self._search(start, kind, repeated)
        return self._chains[key]

    def _search(self, start: tuple[ModuleSummary, FunctionSummary], start_kind: str, repeated: bool) -> Chain | None:
        # a function is visited once as called once and once as called repeatedly (in a loop of
        # its caller or further up): only the latter ends at a brief pause
        seen = {(id(start[1]), repeated)}
        queue: deque[tuple[ModuleSummary, FunctionSummary, bool, tuple[tuple[ModuleSummary, FunctionSummary], ...], tuple[Related, ...]]]
        queue = deque([(start[0], start[1], repeated, (), ())])
        while queue:
            module, function, in_loop, before, hops = queue.popleft()
            path = (*before, (module, function))
            found = self._blocks_itself(function, in_loop)
            if found is not None:
                caller = _label(function, "read" if len(path) == 1 and start_kind == "read" else "call")
                end = Related(module.path, found.line, found.column, f"{caller} calls `{found.name}()`, which blocks")
                names = tuple(f"{m.module}.{f.qualname}" for m, f in path)
                return Chain(names, found, module.path, (*hops, end), function.qualname)
            if len(path) >= self.options.max_depth:
                continue
            for call in function.calls:
                step = self.callable_function(call.target, call.kind)
                step_in_loop = in_loop or call.repeated
                if step is None or (id(step[1]), step_in_loop) in seen:
                    continue
                seen.add((id(step[1]), step_in_loop))
                how = {"call": "calls", "callback": "schedules", "read": "reads"}[call.kind]
                caller = _label(function, "read" if not before and start_kind == "read" else "call")
                hop = Related(module.path, call.line, call.column, f"{caller} {how} {_label(step[1], call.kind)}")
                queue.append((step[0], step[1], step_in_loop, path, (*hops, hop)))
        return None

    def _blocks_itself(self, function: FunctionSummary, repeated: bool) -> BlockingCall | None:
        sites = [
            b
            for b in function.blocking
            if b.code in self.options.ends and not _listed(b.name, self.options.non_blocking) and (repeated or not b.brief)
        ]
        if self.options.blocking:
            sites += [
                BlockingCall(call.target, "ASY200", call.line, call.column)
                for call in function.calls
                if call.kind != "read" and self._configured_blocking(call.target)
            ]
        return min(sites, key=lambda site: (site.line, site.column)) if sites else None

    def _configured_blocking(self, target: str) -> bool:
        return _listed(target, self.options.blocking) and not _listed(target, self.options.non_blocking)

    def display_path(self, path: str | None) -> str | None:
        if path is None:
            return None
        if self.root is None:
            return path
        return os.path.relpath(path, self.root).replace(os.sep, "/")


def chain_end_codes(enabled: Iterable[str]) -> tuple[str, ...]:
    """The rule codes whose blocking calls end a chain: the default rules' and the enabled ones'.
    With ``--select ASY200`` alone, chains still end at what the default direct rules report;
    the opt-in ones (ASY103's files, ASY164's filesystem metadata) count once they are enabled."""
    return tuple(sorted(select() | set(enabled)))


def _defined_in(summary: ModuleSummary) -> set[str]:
    return {name.rpartition(".")[2] for name in (*summary.functions, *summary.classes, *summary.names)}


def _properties_in(summary: ModuleSummary) -> set[str]:
    return {
        function.name
        for function in summary.functions.values()
        if any(d in PROPERTY_DECORATORS for d in function.decorators)
    }


def _grown(names: frozenset[str] | None, new: set[str]) -> frozenset[str] | None:
    """``names`` with ``new`` added (None: not worked out yet, nor now); the same set when it has them."""
    if names is None or new <= names:
        return names
    return names | new


def _label(function: FunctionSummary, kind: str) -> str:
    return function.qualname if kind == "read" else f"{function.qualname}()"


def _listed(name: str, names: Iterable[str]) -> bool:
    """True when ``name`` is one of ``names``, or under a ``prefix.*`` of them."""
    for listed in names:
        if name == listed or (listed.endswith(".*") and name.startswith(listed[:-1])):
            return True
    return False


class IndexResolver:
    """``runner.CoroutineResolver`` for a module of the project: the index answers for the
    project's own names; what it cannot place goes to ``fallback`` (jedi, for installed packages)."""

    def __init__(self, index: ProjectIndex, module: str, is_package: bool, fallback=None):
        self.index = index
        self.package = module if is_package else module.rpartition(".")[0]
        self.fallback = fallback

    def is_coroutine_function(self, qualified_name: str) -> bool | None:
        if self.places(qualified_name):
            return self.index.is_coroutine_function(absolute_name(qualified_name, self.package))
        return self.fallback.is_coroutine_function(qualified_name) if self.fallback is not None else None

    def places(self, qualified_name: str) -> bool:
        """Whether the index answers for the name, rather than ``fallback``."""
        return self.index.resolve(absolute_name(qualified_name, self.package)) is not None


@dataclass(frozen=True)
class ProjectView:
    """What ``lint(..., project=...)`` gives the project rules: the index, and which module of it
    the linted document is (its summary in the index may be older than the text)."""

    index: ProjectIndex
    module: str
    path: str | None
    is_package: bool = False

    def resolver(self, fallback=None) -> IndexResolver:
        return IndexResolver(self.index, self.module, self.is_package, fallback)
