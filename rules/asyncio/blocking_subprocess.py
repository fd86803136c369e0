from __future__ import annotations

import ast
from collections.abc import Iterator

from ..blocking import BlockingCallRule
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic

_EXEC = "`await asyncio.create_subprocess_exec()` and `await process.communicate()`"
_SHELL = "`await asyncio.create_subprocess_shell()`"
_WAIT = "`await process.wait()` on an `asyncio.subprocess.Process`"

#: qualified call -> the async replacement
BLOCKING_PROCESS_CALLS: dict[str, str] = {
    "subprocess.run": _EXEC,
    "subprocess.call": _EXEC,
    "subprocess.check_call": _EXEC,
    "subprocess.check_output": _EXEC,
    "subprocess.getoutput": _SHELL,
    "subprocess.getstatusoutput": _SHELL,
    "subprocess.Popen": "`await asyncio.create_subprocess_exec()`",
    "subprocess.Popen.wait": _WAIT,
    "subprocess.Popen.communicate": "`await process.communicate()` on an `asyncio.subprocess.Process`",
    "os.system": _SHELL,
    "os.popen": _SHELL,
    **{
        f"os.{spawn}": "`await asyncio.create_subprocess_exec()`"
        for spawn in ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")
    },
    "os.posix_spawn": "`await asyncio.create_subprocess_exec()`",
    "os.posix_spawnp": "`await asyncio.create_subprocess_exec()`",
    "os.wait": _WAIT,
    "os.waitpid": _WAIT,
    "os.wait3": _WAIT,
    "os.wait4": _WAIT,
    "os.waitid": _WAIT,
}

#: ``os.spawn*`` modes that start the process and return at once
_NON_WAITING_SPAWN_MODES = frozenset({"os.P_NOWAIT", "os.P_NOWAITO", "os.P_DETACH"})
#: ``os.wait*`` call -> the position of its (positional-only) options, where ``os.WNOHANG`` makes it poll
_WAIT_OPTIONS_POSITION: dict[str, int] = {"os.waitpid": 1, "os.wait3": 0, "os.wait4": 1, "os.waitid": 2}


class BlockingSubprocess(BlockingCallRule):
    """
    ## What it does
    Finds synchronous process calls in async code: `subprocess.run()`, `call()`, `check_call()`,
    `check_output()`, a `Popen`'s `wait()`/`communicate()` and `with Popen(...)` (leaving it
    waits for the child), `os.system()`, `os.popen()`, `os.spawn*()`,
    `os.posix_spawn()`/`posix_spawnp()` and `os.wait*()`, in a coroutine or a request handler.

    `Popen(...)` alone (it starts the child and returns; a long-lived child may never be waited
    for), `os.spawn*(os.P_NOWAIT, …)` and `os.waitpid(pid, os.WNOHANG)`, which return at once,
    are not reported.

    ## Why is this bad?
    These calls wait for the child process (or fork it and wait for its output) on the event loop's
    thread. While the child runs — a `git` command, an image conversion, a shell script — the
    server answers nothing else.

    ## Example
    ```python
    import subprocess

    async def thumbnail(request, path):
        subprocess.run(["convert", path, "-resize", "128x128", f"{path}.thumb.png"], check=True)
    ```

    ## Use instead
    ```python
    import asyncio

    async def thumbnail(request, path):
        process = await asyncio.create_subprocess_exec(
            "convert", path, "-resize", "128x128", f"{path}.thumb.png"
        )
        if await process.wait() != 0:
            raise RuntimeError("convert failed")
    ```

    ## Fix safety
    No automatic fix: `asyncio.create_subprocess_exec()` takes the arguments unpacked, has no
    `check=`, `capture_output=` or `text=` options, and returns a process whose output is read with
    `await process.communicate()`, so the surrounding code changes too.
    """

    code = "ASY102"
    name = "blocking-subprocess-in-async"
    framework = "asyncio"
    summary = "Synchronous subprocess call in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "Subprocesses and Shells", "Use proper subprocess creation"),
        Quote("asyncio", "Subprocesses and Shells", "Use proper shell command execution"),
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    calls = BLOCKING_PROCESS_CALLS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        for diagnostic in super().check(node, model):
            if not _returns_at_once(node, model):
                yield diagnostic


def _returns_at_once(call: ast.Call, model: SemanticModel) -> bool:
    """True for a start that does not wait for the child (``Popen()`` outside a ``with``, a spawn in
    a non-waiting mode), or a wait that only polls."""
    name = model.qualified_name(call.func) or ""
    if name == "subprocess.Popen":
        return model.value_use(call)[0] != "with"  # only leaving `with Popen(...)` waits for the child
    if name.startswith("os.spawn"):
        mode = argument(call, 0)
        return mode is not None and model.qualified_name(mode) in _NON_WAITING_SPAWN_MODES
    if name in _WAIT_OPTIONS_POSITION:
        options = argument(call, _WAIT_OPTIONS_POSITION[name])
        return options is not None and _has_flag(options, "os.WNOHANG", model)
    return False


def _has_flag(options: ast.expr, flag: str, model: SemanticModel) -> bool:
    """True when an options expression (``os.WNOHANG | os.WUNTRACED``) includes ``flag``."""
    if isinstance(options, ast.BinOp) and isinstance(options.op, ast.BitOr):
        return _has_flag(options.left, flag, model) or _has_flag(options.right, flag, model)
    return model.qualified_name(options) == flag
