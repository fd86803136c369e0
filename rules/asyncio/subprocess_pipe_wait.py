from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of

#: asyncio's process factories
SUBPROCESS_FACTORIES = frozenset({
    "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
    "asyncio.subprocess.create_subprocess_exec", "asyncio.subprocess.create_subprocess_shell",
})

#: the names of the "make a pipe" constant
PIPE_CONSTANTS = frozenset({"asyncio.subprocess.PIPE", "subprocess.PIPE"})

#: what reads a process's output: its streams, or communicate() (which reads them all)
OUTPUT_READERS = frozenset({"stdout", "stderr", "communicate"})


class SubprocessPipeWait(Rule):
    """
    ## What it does
    Finds `await process.wait()` on a process started by `asyncio.create_subprocess_exec()` or
    `create_subprocess_shell()` with `stdout=PIPE` or `stderr=PIPE`, when the code never reads
    `process.stdout` / `process.stderr` nor calls `process.communicate()`.

    ## Why is this bad?
    A pipe holds only a small buffer (64 KiB on Linux). Once the child has written that much and
    nobody reads, its next write blocks, so it never exits, and `wait()` never returns: the
    coroutine hangs forever on any command with enough output. The asyncio documentation warns
    that `wait()` deadlocks with pipes, and points to `communicate()`.

    ## Example
    ```python
    import asyncio

    async def dump_database():
        process = await asyncio.create_subprocess_exec(
            "pg_dump", "shop", stdout=asyncio.subprocess.PIPE,
        )
        return await process.wait()
    ```

    ## Use instead
    ```python
    import asyncio

    async def dump_database():
        process = await asyncio.create_subprocess_exec(
            "pg_dump", "shop", stdout=asyncio.subprocess.PIPE,
        )
        output, _ = await process.communicate()
        return process.returncode, output
    ```
    If the output is not needed, do not pipe it: pass `stdout=asyncio.subprocess.DEVNULL`.

    ## Fix safety
    No automatic fix: `communicate()` returns the output rather than the exit code, and whether
    the output should be kept, read as a stream or discarded is the program's choice.
    """

    code = "ASY128"
    name = "subprocess-pipe-never-read"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`process.wait()` on a subprocess whose output pipe nobody reads can deadlock"
    guidelines = (
        Quote("asyncio", "Subprocesses and Shells", "Implement effective subprocess communication"),
        Quote("asyncio", "Subprocesses and Shells", "Create appropriate pipe management"),
    )
    node_types = (ast.Call,)
    callees = callees_of(SUBPROCESS_FACTORIES)  # the `wait()` calls are found through the process's references

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in SUBPROCESS_FACTORIES:
            return
        piped = [
            stream for stream in ("stdout", "stderr")
            if (value := keyword(node, stream)) is not None and model.qualified_name(value) in PIPE_CONSTANTS
        ]
        if not piped:
            return
        binding = model.bound_to(node)
        if binding is None:
            return  # kept elsewhere, passed on or returned: someone else may read it
        waits = []
        for reference in model.references(binding):
            attribute = model.parent(reference)
            if not isinstance(attribute, ast.Attribute):
                return  # the process is passed on, returned or stored: it may be read there
            if attribute.attr in OUTPUT_READERS:
                return
            call = model.parent(attribute)
            if attribute.attr == "wait" and isinstance(call, ast.Call) and call.func is attribute:
                waits.append(call)
        streams = "its stdout and stderr are pipes" if len(piped) == 2 else f"its {piped[0]} is a pipe"
        for wait in waits:
            message = (
                f"`{model.segment(wait.func)}()` in {model.context_label(wait)} waits for a process "
                f"whose output nothing reads ({streams}): once the pipe's buffer fills, the child blocks and "
                f"never exits; use `await {binding.name}.communicate()`, read `{binding.name}.{piped[0]}`, "
                "or pass `asyncio.subprocess.DEVNULL` if the output is not needed"
            )
            yield self.diagnostic(wait, model, message)
