"""Coroutine resolvers: what one file cannot tell, answered with jedi from the files it imports.

A rule such as ASY110 (coroutine never awaited) knows the ``async def``\\ s of its own module, but
not those of ``from .db import fetch_user``. ``SemanticModel.resolver`` answers
"is this imported callee a coroutine function?" (``runner.CoroutineResolver``); the two classes
here are the resolvers the CLI and the server pass to ``lint(..., resolver=...)``:

- ``JediResolver`` resolves on demand, synchronously, and caches each answer. For the CLI, where
  a file's lint may wait for jedi.
- ``DeferredResolver`` never runs jedi while linting: it answers from its cache, records the
  names it could not answer, and resolves them in ``resolve_pending()``, which the server calls in a
  worker thread after publishing the fast diagnostics (and re-lints when it returns True). So jedi
  is never on the keystroke path unless its answers are already warm.

Both are made per document: ``path`` is the file being linted (it anchors relative imports such as
``.db.fetch_user``; None for an unsaved buffer, whose relative imports stay unknown), and
``project_root`` is the root of the ``jedi.Project`` (the workspace folder, else the file's folder).
The project never loads unsafe extensions (``load_unsafe_extensions=False``): jedi parses the
project's modules, it never imports them. jedi keeps the parse trees of the modules it reads in its
cache folder (``~/.cache/jedi`` on Linux); the environment variable ``ASYNCGUIDE_JEDI_CACHE``
names another one (``configured_jedi``).

``DeferredResolver.reexported_name`` answers a second question the same way, for hovers on API
names (``api_guidelines``): which library name a name of the project's own modules re-exports
(``myapp.http.session_factory`` is ``aiohttp.ClientSession``). Its answers never change
diagnostics, so learning them does not ask for a lint.

Qualified names are those ``SemanticModel.qualified_name`` gives: ``pkg.db.fetch_user``,
``.db.fetch_user`` (relative, from the linted file), ``pkg.db.Client.get`` (a method through the
class). An answer is True for an ``async def`` that is not an async generator, False for a plain
function or a class, and None when unknown: not found, not a function (a variable), or decorated
with something that may not return a coroutine function.
"""

from __future__ import annotations

import ast
import logging
import os
import re
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import SemanticModel
from .reading import read_text

if TYPE_CHECKING:
    import jedi

log = logging.getLogger("asyncguide")

#: decorators that leave an ``async def`` a coroutine function, by the last part of their name
#: (``functools.wraps(f)`` -> ``wraps``); any other decorator makes the answer unknown
COROUTINE_PRESERVING_DECORATORS = frozenset({"staticmethod", "classmethod", "abstractmethod", "override", "wraps"})

_QUALIFIED_NAME = re.compile(r"\.*[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")

#: the environment variable naming the folder jedi keeps its caches in, instead of its default
JEDI_CACHE_VARIABLE = "ASYNCGUIDE_JEDI_CACHE"

#: jedi is not thread-safe: one resolution at a time in the process, whichever resolver runs it
_JEDI_LOCK = threading.Lock()

#: the file name the lookup scripts pretend to have, beside the linted file so that relative
#: imports resolve from its package; never the linted file's own name, whose parsed module jedi
#: would otherwise cache with the script's text
_SCRIPT_NAME = "__asyncguide_resolve__.py"

#: how many modules a re-export is followed through (``myapp.http`` re-exporting ``myapp.base``…)
_REEXPORT_DEPTH = 4
#: folders of installed packages: a name found there is the library's own, not a project re-export
_INSTALLED = frozenset({"site-packages", "dist-packages"})


def decorator_name(decorator_code: str) -> str:
    """The last dotted part of a decorator's name: ``@functools.wraps(f)`` -> ``wraps``."""
    return decorator_code.strip().lstrip("@").split("(", 1)[0].strip().rsplit(".", 1)[-1]


def configured_jedi() -> Any:
    """The jedi module, its cache folder set from ``JEDI_CACHE_VARIABLE`` when that is set
    (imported on first use: most lints never need it)."""
    import jedi

    folder = os.environ.get(JEDI_CACHE_VARIABLE)
    if folder:
        jedi.settings.cache_directory = os.path.abspath(os.path.expanduser(folder))
    global _fork_handled
    if not _fork_handled:
        os.register_at_fork(after_in_child=_own_jedi_environment)
        _fork_handled = True
    return jedi


_fork_handled = False
#: in a process forked from one that used jedi, the environment the parent made (see
#: ``_own_jedi_environment``): kept alive, so that its finalizer never ends the parent's subprocess
_inherited_environments: list[Any] = []


def _own_jedi_environment() -> None:
    """In a forked child (``check --jobs``): jedi keeps its default environment for ten minutes, and
    that environment talks to one helper subprocess over pipes the child now shares with its parent;
    both asking at once would read each other's answers. The child forgets it and starts its own."""
    environment = sys.modules.get("jedi.api.environment")
    cached = getattr(environment, "_get_cached_default_environment", None)
    forget = getattr(cached, "clear_cache", None)
    if forget is None:  # another jedi than the one this was written for: nothing to forget
        return
    for cell in cached.__closure__ or ():  # type: ignore[union-attr]
        if isinstance(cell.cell_contents, dict):  # the cache: key -> (time made, environment)
            _inherited_environments.extend(made for _, made in cell.cell_contents.values())
    forget()


class _JediLookup:
    """One uncached jedi resolution of a qualified name, for a linted file and its project."""

    def __init__(self, path: str | None, project_root: str | None):
        self.path = os.path.abspath(path) if path else None
        if project_root is not None:
            self.project_root = os.path.abspath(project_root)
        elif self.path is not None:
            self.project_root = os.path.dirname(self.path)
        else:
            self.project_root = os.getcwd()
        self._project: jedi.Project | None = None

    @property
    def project(self) -> jedi.Project:
        if self._project is None:
            self._project = configured_jedi().Project(self.project_root, load_unsafe_extensions=False)
        return self._project

    def is_coroutine_function(self, qualified_name: str) -> bool | None:
        if not _QUALIFIED_NAME.fullmatch(qualified_name):
            return None
        relative = qualified_name.startswith(".")
        if relative and self.path is None:
            return None
        with _JEDI_LOCK:
            try:
                for script in _lookup_scripts(qualified_name):
                    names = self._goto(script)
                    if names:
                        return _agreed([_coroutine_definition(name) for name in names])
            except Exception:  # noqa: BLE001 - jedi may fail on any code; the answer is then unknown
                log.debug("jedi could not resolve %s", qualified_name, exc_info=True)
        return None

    def reexported_name(self, qualified_name: str) -> str | None:
        """The name that a name of the project's own modules re-exports, followed through up to
        ``_REEXPORT_DEPTH`` modules: ``myapp.http.session_factory`` is ``aiohttp.ClientSession``
        when ``myapp/http.py`` has ``from aiohttp import ClientSession as session_factory`` or
        ``session_factory = aiohttp.ClientSession``; ``myapp.http.session_factory.get`` is then
        ``aiohttp.ClientSession.get``. Jedi finds the module that defines the name; that module's
        own ``SemanticModel`` says what the name is bound to, so the library need not be installed.
        None for the project's own definitions (functions, classes, values) and names jedi cannot find.
        """
        if not _QUALIFIED_NAME.fullmatch(qualified_name) or (qualified_name.startswith(".") and self.path is None):
            return None
        name: str | None = qualified_name
        found = None
        with _JEDI_LOCK:
            for _ in range(_REEXPORT_DEPTH):
                try:
                    name = self._reexport(name)
                except Exception:  # noqa: BLE001 - jedi may fail on any code; the answer is then unknown
                    log.debug("jedi could not follow %s", name, exc_info=True)
                    name = None
                if name is None:
                    break
                found = name
        return found

    def _reexport(self, qualified_name: str) -> str | None:
        """One step of ``reexported_name``: what the project module defining the name binds it to."""
        for script, rest in _import_scripts(qualified_name):
            definitions = self._goto(script, follow_imports=False)
            for definition in definitions:
                path = definition.module_path
                if path is not None and self._in_project(Path(path)):
                    target = _module_binding(Path(path), definition.name, definition.module_name)
                    if target is not None:
                        return target + rest
            if definitions:
                return None
        return None

    def _in_project(self, path: Path) -> bool:
        return path.suffix == ".py" and path.is_relative_to(self.project_root) and not _INSTALLED & set(path.parts)

    def _goto(self, script_text: str, follow_imports: bool = True) -> list[Any]:
        directory = os.path.dirname(self.path) if self.path else self.project_root
        script = configured_jedi().Script(script_text, path=os.path.join(directory, _SCRIPT_NAME), project=self.project)
        lines = script_text.splitlines()
        return script.goto(len(lines), len(lines[-1]), follow_imports=follow_imports)


def _lookup_scripts(qualified_name: str) -> list[str]:
    """Tiny scripts that import a name and end with an expression naming it, longest module first.

    ``pkg.db.Client.get`` gives ``from pkg.db.Client import get`` (a module ``Client``?), then
    ``from pkg.db import Client`` + ``Client.get``, then ``from pkg import db`` + ``db.Client.get``.
    """
    dots = len(qualified_name) - len(qualified_name.lstrip("."))
    parts = qualified_name[dots:].split(".")
    lowest = 0 if dots else 1  # an absolute name needs a module before ``import``
    scripts = []
    for split in range(len(parts) - 1, lowest - 1, -1):
        module = "." * dots + ".".join(parts[:split])
        scripts.append(f"from {module} import {parts[split]}\n{'.'.join(parts[split:])}")
    return scripts


def _import_scripts(qualified_name: str) -> list[tuple[str, str]]:
    """Imports of a name's leading part, ending at the imported name, longest module first, each
    with the rest of the name: ``pkg.http.Client.get`` gives ``from pkg.http.Client import get``
    (a module ``Client``?) with "", then ``from pkg.http import Client`` with ``.get``."""
    dots = len(qualified_name) - len(qualified_name.lstrip("."))
    parts = qualified_name[dots:].split(".")
    lowest = 0 if dots else 1
    return [
        (f"from {'.' * dots + '.'.join(parts[:split])} import {parts[split]}", "".join(f".{part}" for part in parts[split + 1 :]))
        for split in range(len(parts) - 1, lowest - 1, -1)
    ]


def _module_binding(path: Path, name: str, module_name: str) -> str | None:
    """The qualified name a module-level name of a project module is bound to: an import
    (relative ones made absolute from ``module_name``), or an assignment of another name."""
    try:
        model = SemanticModel.build(read_text(path))  # bounded, regular files only: the project is untrusted
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
        return None
    bindings = model.module_scope.bindings.get(name)
    if not bindings:
        return None
    binding = bindings[-1]
    if binding.kind == "import":
        target = binding.imported
    elif binding.kind in ("assignment", "annotation") and isinstance(binding.value, (ast.Name, ast.Attribute)):
        target = model.qualified_name(binding.value)
    else:
        return None
    if target is None or not target.startswith("."):
        return target
    level = len(target) - len(target.lstrip("."))
    package = module_name.split(".") if path.name == "__init__.py" else module_name.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    if not base or level - 1 > len(package):  # above the top-level package: not a valid import
        return None
    return ".".join([*base, target[level:]])


def _coroutine_definition(name: Any) -> bool | None:
    """Whether a jedi name is defined by an ``async def`` (not an async generator), from its parso tree."""
    if name.type == "class":
        return False
    if name.type != "function":
        return None
    tree_name = getattr(name._name, "tree_name", None)  # None for compiled modules: no source to read
    if tree_name is None:
        return None
    definition = tree_name.get_definition()
    if definition is None or definition.type != "funcdef":
        return None
    if any(decorator_name(d.get_code(include_prefix=False)) not in COROUTINE_PRESERVING_DECORATORS for d in definition.get_decorators()):
        return None
    is_async = definition.parent.type in ("async_stmt", "async_funcdef")
    return is_async and not any(True for _ in definition.iter_yield_exprs())


def _agreed(answers: list[bool | None]) -> bool | None:
    """The answer when every definition jedi found gives the same one, else unknown."""
    first = answers[0]
    return first if all(answer == first for answer in answers) else None


class JediResolver:
    """Resolves with jedi on demand, synchronously; caches every answer by qualified name. For the CLI.

    ``JediResolver(path, project_root)``: ``path`` is the linted file (None for an unsaved buffer),
    ``project_root`` the jedi project's root (None: the file's folder).
    """

    def __init__(self, path: str | None, project_root: str | None):
        self._lookup = _JediLookup(path, project_root)
        self._answers: dict[str, bool | None] = {}

    def is_coroutine_function(self, qualified_name: str) -> bool | None:
        """True for an ``async def``, False for a plain function or a class, None when unknown."""
        if qualified_name not in self._answers:
            self._answers[qualified_name] = self._lookup.is_coroutine_function(qualified_name)
        return self._answers[qualified_name]


class DeferredResolver:
    """Never runs jedi while linting: cached answers only; misses wait for ``resolve_pending``. For the server.

    ``DeferredResolver(path, project_root)`` as for ``JediResolver``. The server lints with it,
    publishes, then calls ``resolve_pending()`` in a worker thread and lints again when it returns
    True; it calls ``invalidate()`` when files change on disk. Safe to use from two threads (one
    linting, one resolving).
    """

    def __init__(self, path: str | None, project_root: str | None):
        self._lookup = _JediLookup(path, project_root)
        self._answers: dict[str, bool | None] = {}
        self._pending: dict[str, None] = {}  # insertion-ordered set of misses
        self._reexports: dict[str, str | None] = {}
        self._pending_reexports: dict[str, None] = {}
        self._generation = 0  # bumped by invalidate(): answers resolved before it are dropped
        self._lock = threading.Lock()

    def is_coroutine_function(self, qualified_name: str) -> bool | None:
        """The cached answer; None when not known yet (the name is then recorded for ``resolve_pending``)."""
        with self._lock:
            if qualified_name in self._answers:
                return self._answers[qualified_name]
            self._pending[qualified_name] = None
            return None

    def reexported_name(self, qualified_name: str) -> str | None:
        """The cached ``reexported_name`` answer; None when not known yet (the name is then
        recorded for ``resolve_pending``)."""
        with self._lock:
            if qualified_name in self._reexports:
                return self._reexports[qualified_name]
            self._pending_reexports[qualified_name] = None
            return None

    @property
    def pending(self) -> bool:
        """True when some name waits for ``resolve_pending``."""
        with self._lock:
            return bool(self._pending or self._pending_reexports)

    def resolve_pending(self) -> bool:
        """Resolve the recorded misses with jedi (slow: call it off the keystroke path).

        Returns True when something was learned that can change diagnostics (some answer is True
        or False), so the document should be linted again; False otherwise, including when
        ``invalidate()`` ran meanwhile (those answers are stale and dropped).
        """
        with self._lock:
            names = list(self._pending)
            self._pending.clear()
            reexports = list(self._pending_reexports)
            self._pending_reexports.clear()
            generation = self._generation
        learned = {name: self._lookup.is_coroutine_function(name) for name in names}
        followed = {name: self._lookup.reexported_name(name) for name in reexports}
        with self._lock:
            if generation != self._generation:
                return False
            self._answers.update(learned)
            self._reexports.update(followed)
        return any(answer is not None for answer in learned.values())

    def invalidate(self) -> None:
        """Forget every answer (files changed on disk); the next lint records its misses again."""
        with self._lock:
            self._answers.clear()
            self._pending.clear()
            self._reexports.clear()
            self._pending_reexports.clear()
            self._generation += 1
