from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity

#: calls that open a regular file (the asyncio selector and pipe transports refuse those)
FILE_OPENERS = frozenset({"builtins.open", "io.open", "os.open", "pathlib.Path.open"})

#: loop methods that watch a descriptor or wrap a pipe -> the position of the file argument
WATCHING_METHODS = {"add_reader": 0, "add_writer": 0, "connect_read_pipe": 1, "connect_write_pipe": 1}


class RegularFileWatched(Rule):
    """
    ## What it does
    Finds a regular file (from `open()`, `os.open()` or `Path.open()`) given to
    `loop.add_reader()`, `loop.add_writer()`, `loop.connect_read_pipe()` or
    `connect_write_pipe()`.

    ## Why is this bad?
    These APIs are for descriptors that can be waited on: sockets, pipes, terminals. A regular
    file is always "ready" to the OS, so `epoll` refuses it (`PermissionError: [Errno 1]
    Operation not permitted`) and the pipe transports raise `ValueError: Pipe transport is only
    for pipes, sockets and character devices`. File reads never wait for readiness; they block on
    the disk, which only a thread avoids.

    ## Example
    ```python
    log = open("/var/log/app.log", "rb")
    loop.add_reader(log.fileno(), on_log_line)
    ```

    ## Use instead
    ```python
    async with aiofiles.open("/var/log/app.log", "rb") as log:
        async for line in log:
            on_log_line(line)
    ```
    or read the file in a thread with `asyncio.to_thread()`.

    ## Fix safety
    No automatic fix: reading the file has to be restructured around a thread or aiofiles.
    """

    code = "ASY158"
    name = "regular-file-watched"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "Regular file given to `add_reader()`/`connect_read_pipe()`: raises, files cannot be watched"
    guidelines = (Quote("asyncio", "File I/O", "Use appropriate file descriptors"),)
    node_types = (ast.Call,)
    callees = frozenset(WATCHING_METHODS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in WATCHING_METHODS:
            return
        if not model.is_event_loop(node.func.value):
            return
        target = argument(node, WATCHING_METHODS[node.func.attr])
        if target is None or not _is_regular_file(target, model):
            return
        message = (
            f"`{model.segment(target)}` is a regular file: `{model.segment(node.func)}()` in {model.context_label(node)} "
            "raises, as files cannot be waited on; read it with `aiofiles` or `asyncio.to_thread()`"
        )
        yield self.diagnostic(target, model, message)


def _is_regular_file(expr: ast.expr, model: SemanticModel) -> bool:
    """``open(...)``, ``f.fileno()`` or ``f`` where ``f = open(...)``, and ``os.open(...)`` results."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "fileno":
        return _is_regular_file(expr.func.value, model)
    if isinstance(expr, ast.Call):
        return model.qualified_name(expr.func) in FILE_OPENERS
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        value = binding.value if binding is not None else None
        return isinstance(value, ast.Call) and model.qualified_name(value.func) in FILE_OPENERS
    return False
