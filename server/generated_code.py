"""The code objects attrs, cattrs and dataclasses compile as the language server starts, kept from
one start to the next.

Why: ``import lsprotocol.types`` defines about 560 attrs classes. attrs writes the source of each
class's methods (``__init__``, ``__eq__``, ``__repr__``...) and compiles it: about 1,000
``compile()`` calls, half of that import's time (about 150 of 300 ms), on every start of
``asyncguide serve``, before it can answer ``initialize``. cattrs does the same for the
(un)structuring functions of the first messages, and dataclasses for asyncguide's own classes
(about 25 ms more). The source is the same on every start, so the code objects are too: like
Python's own ``__pycache__``, they are kept, marshalled, in one file per bytecode version in the
user's cache folder (``$XDG_CACHE_HOME/asyncguide``, else ``~/.cache/asyncguide``), under a digest
of what ``compile`` was given.

How: attrs and cattrs look ``compile`` up in their modules' globals before the builtins, and
dataclasses ``exec``; ``GeneratedCodeCache.install`` puts its own there (``start_up``, before
``lsprotocol.types`` is imported) and ``uninstall`` takes them away. Anything unexpected falls
back to compiling: no file, an unreadable or corrupt one, one of another Python, arguments it does
not cache; if attrs stops compiling through ``compile``, its code is neither found nor written.
``save`` runs once the first diagnostics are out, off the critical path: it writes (atomically: a
temporary file renamed) only when the start compiled more than a few code objects the file did not
hold, and only what this start used, so the file never grows past one start's code.
``ASYNCGUIDE_NO_CODE_CACHE=1`` turns it off.
"""

from __future__ import annotations

import __future__
import builtins
import contextlib
import hashlib
import importlib.util
import logging
import marshal
import os
import sys
import zlib
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

log = logging.getLogger("asyncguide.server")

#: set (to anything but empty or 0) to compile as without the cache
DISABLE_VARIABLE = "ASYNCGUIDE_NO_CODE_CACHE"
#: the modules that compile the source they generate, and the builtin each compiles it with: attrs
#: (classes' methods), cattrs (converters' functions), dataclasses (classes' methods), typing (the
#: forward references of lsprotocol's annotations, resolved when pygls makes its converter)
GENERATORS = {"attr._make": "compile", "cattrs.gen": "compile", "dataclasses": "exec", "typing": "compile"}
#: fewer code objects compiled anew than this are not worth a write: attrs salts the source of a
#: hashable class's ``__hash__`` per process (``hash()`` of a string), so each start compiles those
#: anew (one class, of cattrs, at start-up); a new version of attrs, cattrs or lsprotocol makes hundreds
MIN_MISSES_TO_WRITE = 10
#: more code objects than a start compiles (about 1,400) by a wide margin: beyond it, nothing is written
MAX_ENTRIES = 10_000
#: the compiler flags ``compile`` inherits from its caller's code: its ``from __future__`` imports
#: (the bits are distinct; ``nested_scopes``' marks a nested function's code, and is not inherited)
FUTURE_FLAGS = sum(
    {getattr(__future__, name).compiler_flag for name in __future__.all_feature_names} - {__future__.nested_scopes.compiler_flag}
)
#: what starts a cache file: Python's bytecode version, then the CRC-32 of the marshalled rest
HEADER = importlib.util.MAGIC_NUMBER


def cache_file() -> Path | None:
    """Where this Python's code objects are kept; None when the cache is turned off (or this
    Python has no bytecode cache tag)."""
    tag = sys.implementation.cache_tag
    if tag is None or os.environ.get(DISABLE_VARIABLE, "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "asyncguide", f"generated-code.{tag}.bin")


class GeneratedCodeCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        #: digest of compile's arguments -> code object, as read from ``path``
        self.loaded = read(path)
        #: what this start compiled or found, by digest: what ``save`` writes
        self.used: dict[bytes, CodeType] = {}
        #: how many code objects this start compiled that ``loaded`` did not hold
        self.misses = 0
        #: the generators whose builtin is replaced, with its name
        self.installed: list[tuple[ModuleType, str]] = []

    def install(self) -> None:
        """Compile the generators' source through the cache (a generator missing, or defining the
        builtin's name itself, is left alone)."""
        for name, builtin in GENERATORS.items():
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            if builtin not in module.__dict__:
                setattr(module, builtin, getattr(self, builtin))
                self.installed.append((module, builtin))

    def uninstall(self) -> None:
        for module, builtin in self.installed:
            if module.__dict__.get(builtin) == getattr(self, builtin):
                delattr(module, builtin)
        self.installed = []

    def compile(
        self, source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False, optimize: int = -1, **more: Any
    ) -> Any:
        """The builtin ``compile``, with the caller's ``from __future__`` flags as the builtin would
        take them, answered from the cache for source text."""
        if not dont_inherit:
            flags |= sys._getframe(1).f_code.co_flags & FUTURE_FLAGS
        if more or not isinstance(source, str) or not isinstance(filename, str):
            return builtins.compile(source, filename, mode, flags, True, optimize, **more)
        return self._code(source, filename, mode, flags, optimize)

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **more: Any) -> None:
        """The builtin ``exec``, source text compiled as the builtin would (the caller's
        ``from __future__`` flags; its namespaces when given none) through the cache."""
        caller = sys._getframe(1)
        if globals is None:
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        if isinstance(source, str):
            source = self._code(source, "<string>", "exec", caller.f_code.co_flags & FUTURE_FLAGS, -1)
        builtins.exec(source, globals, locals, **more)

    def _code(self, source: str, filename: str, mode: str, flags: int, optimize: int) -> Any:
        level = sys.flags.optimize if optimize == -1 else optimize
        key = hashlib.blake2b(f"{mode}\0{flags}\0{level}\0{filename}\0{source}".encode("utf-8", "surrogatepass"), digest_size=16).digest()
        code = self.used.get(key)  # (the same source again: dataclasses' methods of like classes)
        if code is None:
            code = self.loaded.get(key)
            if type(code) is not CodeType:
                code = builtins.compile(source, filename, mode, flags, True, optimize)
                if type(code) is not CodeType:  # an AST (``ast.PyCF_ONLY_AST``)
                    return code
                self.misses += 1
            self.used[key] = code
        return code

    def save(self) -> bool:
        """Write what this start used, if it compiled enough anew (call ``uninstall`` first). True
        when written."""
        if self.misses < MIN_MISSES_TO_WRITE or len(self.used) > MAX_ENTRIES:
            return False
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            payload = marshal.dumps(self.used)
            temporary.write_bytes(HEADER + zlib.crc32(payload).to_bytes(4, "little") + payload)
            os.replace(temporary, self.path)
        except (OSError, ValueError) as error:
            log.debug("could not keep the generated code in %s: %s", self.path, error)
            with contextlib.suppress(OSError):
                temporary.unlink()
            return False
        return True


def start() -> GeneratedCodeCache | None:
    """The cache, installed; None when it is turned off."""
    path = cache_file()
    if path is None:
        return None
    cache = GeneratedCodeCache(path)
    cache.install()
    return cache


def read(path: Path) -> dict[bytes, CodeType]:
    """The code objects kept in ``path``; none when it is missing, unreadable, corrupt or of
    another bytecode version."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    start = len(HEADER) + 4
    payload = memoryview(data)[start:]
    if data[: len(HEADER)] != HEADER or int.from_bytes(data[len(HEADER) : start], "little") != zlib.crc32(payload):
        return {}
    try:
        loaded = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
