from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..frameworks.aiohttp import registrations
from ..rule import Diagnostic, Rule, Severity
from .yield_inside_scope import async_generator_of, enclosing_withs, scope_label

#: calls that take a generator function and drive it as a context manager (FastAPI dependencies)
#: ``aclosing()``: what closes an async generator when the block ends
_ACLOSING = frozenset({"contextlib.aclosing", "async_generator.aclosing"})
_DEPENDENCY_MARKERS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "fastapi.params.Security"})


class YieldInsideContextManager(Rule):
    """
    ## What it does
    Finds `yield` in an async generator inside any `with` or `async with` block (a file, a
    connection, a client session, a transaction…). Timeouts, task groups and locks are ASY166's.
    A generator decorated with `@asynccontextmanager` or as a pytest fixture, given to FastAPI's
    `Depends()`/`Security()` or registered in an aiohttp application's `cleanup_ctx` in the same
    module, is not reported: those are driven as context managers, to the end. Nor is a `yield`
    inside `async with contextlib.aclosing(...)`: a generator passing on another one and closing
    it is written with closing in mind.

    Opt-in: streaming from inside a connection or session is common and works as long as every
    consumer iterates to the end or closes the generator.

    ## Why is this bad?
    When the consumer stops iterating early (a `break`, an exception, a client that disconnects),
    the generator stays suspended at the `yield` with the context still open. Nothing closes it
    until the generator is garbage-collected or the loop shuts down its async generators: the file,
    connection or transaction is held for an unknown time, and an `async with` exit that must await
    may not run at all (PEP 533).

    ## Example
    ```python
    async def lines(path):
        async with aiofiles.open(path) as f:
            async for line in f:
                yield line

    async def first_error(path):
        async for line in lines(path):
            if "ERROR" in line:
                return line  # the file stays open
    ```

    ## Use instead
    ```python
    from contextlib import aclosing

    async def first_error(path):
        async with aclosing(lines(path)) as stream:
            async for line in stream:
                if "ERROR" in line:
                    return line  # aclosing() closes the generator, and the file
    ```
    or make the producer an `@asynccontextmanager` that yields the whole stream.

    ## Fix safety
    No automatic fix: the consumers, possibly in other modules, decide how the generator is closed.
    """

    code = "ASY167"
    name = "yield-inside-context-manager-in-async-generator"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "`yield` inside a `with`/`async with` block in an async generator: closed late if the consumer stops early"
    guidelines = (
        Quote("asyncio", "Coroutine Design", "Implement proper async context managers"),
        Quote("asyncio", "Error Handling", "Implement proper cleanup actions"),
    )
    node_types = (ast.Yield,)
    #: not run unless selected: many streaming generators are always consumed to the end
    opt_in = True

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Yield)
        function = async_generator_of(node, model)
        if function is None or _is_dependency(function.name, model):
            return
        if registrations(model).callback_signal.get(id(function)) == "cleanup_ctx":
            return  # aiohttp runs it to the end: setup, then cleanup at shutdown
        withs = list(enclosing_withs(node, function, model))
        if not withs or any(scope_label(item.context_expr, model) for w in withs for item in w.items):
            return  # a timeout, task group or lock: ASY166
        if any(_closes_a_generator(item.context_expr, model) for w in withs for item in w.items):
            return  # it passes on another generator, closing it: it is written with closing in mind
        shown = " ".join(model.segment(withs[0].items[0].context_expr).split())
        if len(shown) > 40:
            shown = shown[:37] + "..."
        message = (
            f"`yield` inside `with {shown}` in async generator `{function.name}`: if the consumer stops "
            "iterating, the context stays open until the generator is garbage-collected; consume it with "
            "`async with contextlib.aclosing(...)`, or make it an `@asynccontextmanager`"
        )
        yield self.diagnostic(node, model, message)


def _closes_a_generator(expression: ast.expr, model: SemanticModel) -> bool:
    return isinstance(expression, ast.Call) and model.qualified_name(expression.func) in _ACLOSING


def _is_dependency(name: str, model: SemanticModel) -> bool:
    """True when the module passes the function named ``name`` to ``Depends()`` or ``Security()``."""
    for call in model.calls_named(frozenset({"Depends", "Security"})):
        if model.qualified_name(call.func) in _DEPENDENCY_MARKERS:
            for argument in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(argument, ast.Name) and argument.id == name:
                    return True
    return False
