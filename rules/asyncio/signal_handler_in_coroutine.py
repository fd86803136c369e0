from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

#: the stdlib call that installs a process-wide signal handler
SIGNAL_INSTALLERS = frozenset({"signal.signal"})

#: handlers that restore a default rather than run code
DEFAULT_HANDLERS = frozenset({"signal.SIG_DFL", "signal.SIG_IGN", "signal.default_int_handler"})


class SignalHandlerInCoroutine(Rule):
    """
    ## What it does
    Finds `signal.signal(signum, handler)` called in a coroutine, with a handler of its own
    (restoring `SIG_DFL` / `SIG_IGN` is left alone, and so is the fallback in
    `except NotImplementedError:` after `try: loop.add_signal_handler(...)`, for event loops that
    cannot handle signals, such as Windows's).

    ## Why is this bad?
    A `signal.signal` handler runs in the main thread between two bytecodes, at any point, even in
    the middle of the event loop's own bookkeeping. asyncio objects are not safe to touch from
    there: cancelling a task, setting an event or stopping the loop from such a handler can
    corrupt the loop's state or be missed until the next wake-up. `loop.add_signal_handler()` runs
    the callback in the loop, like any other callback, and wakes the loop when the signal comes.

    ## Example
    ```python
    import asyncio
    import signal

    async def main():
        stop = asyncio.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        await stop.wait()
    ```

    ## Use instead
    ```python
    import asyncio
    import signal

    async def main():
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
    ```
    (`add_signal_handler` is Unix-only; on Windows, the handler must hand work to the loop with
    `loop.call_soon_threadsafe()`.)

    ## Fix safety
    No automatic fix: the callback's signature differs (no `signum, frame` arguments), and the
    handler has to be removed again with `remove_signal_handler()`.
    """

    code = "ASY133"
    name = "signal-handler-in-coroutine"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`signal.signal()` in a coroutine: use `loop.add_signal_handler()`"
    guidelines = (Quote("asyncio", "Subprocesses and Shells", "Implement proper signal handling"),)
    node_types = (ast.Call,)
    callees = callees_of(SIGNAL_INSTALLERS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in SIGNAL_INSTALLERS or not model.in_async_context(node):
            return
        if len(node.args) >= 2 and model.qualified_name(node.args[1]) in DEFAULT_HANDLERS:
            return
        if _fallback_for_add_signal_handler(node, model):
            return
        message = (
            f"`signal.signal()` in {model.context_label(node)} installs a handler that runs between any two "
            "bytecodes, outside the event loop, where touching tasks, events or the loop is unsafe; use "
            "`asyncio.get_running_loop().add_signal_handler()`"
        )
        yield self.diagnostic(node, model, message)


def _fallback_for_add_signal_handler(call: ast.Call, model: SemanticModel) -> bool:
    """``try: loop.add_signal_handler(...)`` / ``except NotImplementedError: signal.signal(...)``:
    the way to handle signals where the loop cannot (Windows)."""
    for ancestor in model.ancestors(call):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        if not isinstance(ancestor, ast.ExceptHandler) or ancestor.type is None:
            continue
        caught = ancestor.type.elts if isinstance(ancestor.type, ast.Tuple) else [ancestor.type]
        if "builtins.NotImplementedError" not in {model.qualified_name(c) for c in caught}:
            continue
        statement = model.parent(ancestor)
        if any(_in_try_body(node, statement, model) for node in model.attributes_named("add_signal_handler")):
            return True
    return False


def _in_try_body(node: ast.AST, statement: ast.AST, model: SemanticModel) -> bool:
    """``node`` is in the body of the ``try`` statement (not in one of its handlers)."""
    body = getattr(statement, "body", [])
    return any(ancestor in body for ancestor in model.ancestors(node))
