from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from .subprocess_pipe_wait import SUBPROCESS_FACTORIES

#: Process methods that only send a signal
STOPPING_METHODS = frozenset({"kill", "terminate"})

#: Process methods that wait for the exit and collect the child
REAPING_METHODS = frozenset({"wait", "communicate"})


class SubprocessKilledNotReaped(Rule):
    """
    ## What it does
    Finds `process.kill()` or `process.terminate()` on a process from
    `asyncio.create_subprocess_exec()` / `create_subprocess_shell()` when nothing awaits
    `process.wait()` (or `communicate()`) after it, and the process is not handed on.

    ## Why is this bad?
    `kill()` and `terminate()` only send a signal and return at once. The child may still be
    running (it can handle `SIGTERM`, or take time to exit), and once it exits it stays a zombie
    until its exit status is collected; its pipes' transports stay open. A service that kills
    timed-out commands this way accumulates zombies and file descriptors, and the exit code is
    lost.

    ## Example
    ```python
    import asyncio

    async def run(command):
        process = await asyncio.create_subprocess_shell(command)
        try:
            return await asyncio.wait_for(process.wait(), timeout=10)
        except asyncio.TimeoutError:
            process.kill()
            raise
    ```

    ## Use instead
    ```python
    import asyncio

    async def run(command):
        process = await asyncio.create_subprocess_shell(command)
        try:
            return await asyncio.wait_for(process.wait(), timeout=10)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
            raise
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY139"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a killed process not waited for stays a
    zombie only until the parent exits or reaps it: a leak.

    ## Fix safety
    No automatic fix: after `terminate()`, how long to wait before escalating to `kill()` is the
    program's choice.
    """

    code = "ASY139"
    name = "subprocess-killed-not-reaped"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Subprocess killed or terminated and never waited for: it is left a zombie"
    guidelines = (Quote("asyncio", "Subprocesses and Shells", "Use proper subprocess termination"),)
    node_types = (ast.Call,)
    callees = callees_of(SUBPROCESS_FACTORIES)  # the `kill()` calls are found through the process's references

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in SUBPROCESS_FACTORIES:
            return
        binding = model.bound_to(node)
        if binding is None:
            return
        stops, reaps = [], []
        for reference in model.references(binding):
            attribute = model.parent(reference)
            if not isinstance(attribute, ast.Attribute):
                return  # handed on, returned or stored: it may be waited for there
            call = model.parent(attribute)
            if not (isinstance(call, ast.Call) and call.func is attribute):
                continue
            if attribute.attr in STOPPING_METHODS:
                stops.append(call)
            elif attribute.attr in REAPING_METHODS:
                reaps.append(call)
        for stop in stops:
            if any((reap.lineno, reap.col_offset) > (stop.lineno, stop.col_offset) for reap in reaps):
                continue
            message = (
                f"`{model.segment(stop.func)}()` in {model.context_label(stop)} only sends a signal, and nothing "
                f"waits for the process afterwards: it is left a zombie with its pipes open; "
                f"`await {binding.name}.wait()` after it"
            )
            yield self.diagnostic(stop, model, message)
