from __future__ import annotations

import ast
from collections.abc import Iterator

from ..blocking import BlockingCallRule
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic

_REPLACEMENT = (
    "`await asyncio.to_thread(...)` around the file work, or open it with `aiofiles.open()` / "
    "`anyio.open_file()` and await its methods"
)

#: the classes of synchronous file objects: what ``open()``, ``Path.open()``, ``io.open()`` and
#: ``os.fdopen()`` return (``types.RETURN_TYPES``), and the ``io`` classes annotations name. Not
#: ``typing.IO``/``TextIO``: those annotate in-memory streams and ``sys.stdout`` as well.
SYNC_FILE_TYPES = (
    "io.IOBase", "io.RawIOBase", "io.BufferedIOBase", "io.TextIOBase", "io.FileIO", "io.BufferedReader",
    "io.BufferedWriter", "io.BufferedRandom", "io.BufferedRWPair", "io.TextIOWrapper",
)

#: file methods that only look at the object or ask the OS a cheap question, never reading or writing
_NON_BLOCKING_METHODS = frozenset({"fileno", "readable", "writable", "seekable", "isatty"})


class SyncFileMethod(BlockingCallRule):
    """
    ## What it does
    Finds method calls on a synchronous file object in async code: `f.read()`, `f.write()`,
    `f.readlines()`, `f.flush()`, `f.close()`… where `f` comes from `open()`, `io.open()`,
    `os.fdopen()` or `Path.open()` (assigned, or bound by `with open(...) as f`), or is annotated as
    one of the `io` file classes (`io.TextIOWrapper`, `io.BufferedReader`…, also through
    `Optional[...]` or `... | None`). `fileno()`, `readable()`, `writable()`, `seekable()` and
    `isatty()` do no I/O and are not reported; nor are awaited calls, so the file objects of
    `aiofiles` and `anyio` stay silent.

    ## Why is this bad?
    Every read, write and flush of a regular file is a blocking system call on the event loop's
    thread: disks and network filesystems have no readiness notification the loop could wait on.
    A file opened elsewhere (passed in, kept in a module variable) blocks the loop just as much when
    a coroutine reads it.

    ## Example
    ```python
    async def append_audit(log_file, entry):
        log_file.write(entry.to_json() + "\\n")
        log_file.flush()
    ```

    ## Use instead
    ```python
    import asyncio

    async def append_audit(log_file, entry):
        await asyncio.to_thread(_append, log_file, entry.to_json() + "\\n")

    def _append(log_file, line):
        log_file.write(line)
        log_file.flush()
    ```
    or open the file with `aiofiles.open()` and `await` its `write()` and `flush()`.

    ## Fix safety
    No automatic fix: the file work usually spans several calls that belong in the same thread, or
    the file should be opened with an async library where it is created.
    """

    code = "ASY163"
    name = "sync-file-method-in-async"
    framework = "asyncio"
    summary = "Method of a synchronous file object called in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "File I/O", "Implement effective file reading/writing"),
        Quote("asyncio", "File I/O", "Implement proper blocking I/O handling"),
        Quote("asyncio", "File I/O", "Create proper async file operations"),
    )
    #: matched by the receiver's type in ``check``, whatever the method's name
    calls = {}
    callees = None

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr in _NON_BLOCKING_METHODS:
            return
        if not model.in_async_context(node) or isinstance(model.parent(node), ast.Await):
            return
        file_type = model.instance_type(func.value)
        if file_type in SYNC_FILE_TYPES:
            yield self.blocking_diagnostic(node, model, model.segment(func), _REPLACEMENT)
