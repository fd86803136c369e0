from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..blocking import BlockingCallRule
from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability

if TYPE_CHECKING:
    import libcst as cst


class BlockingSleep(BlockingCallRule):
    """
    ## What it does
    Finds `time.sleep()` called in async code: in a coroutine, or a request handler of any of the
    five frameworks.

    ## Why is this bad?
    `time.sleep()` suspends the whole thread, and the event loop runs on that thread: while one
    coroutine sleeps, no other request, timer or callback runs. One `time.sleep(1)` in a handler
    caps the whole server at one request per second.

    ## Example
    ```python
    import time

    async def poll(client):
        while not await client.ready():
            time.sleep(0.5)
    ```

    ## Use instead
    ```python
    import asyncio

    async def poll(client):
        while not await client.ready():
            await asyncio.sleep(0.5)
    ```

    ## Fix safety
    Safe: `await asyncio.sleep(x)` waits just as long and lets the loop run meanwhile. The fix adds
    `import asyncio` when the module lacks it (or uses an existing alias). It is not offered inside
    a generator expression, where an `await` would turn the generator into an async one.
    """

    code = "ASY100"
    name = "blocking-sleep-in-async"
    framework = "asyncio"
    summary = "`time.sleep()` in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "Timeouts and Delays", "Create proper sleep calls"),
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Replace with `await asyncio.sleep(...)`"
    calls = {"time.sleep": "`await asyncio.sleep()`"}
    offloadable = False

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        for diagnostic in super().check(node, model):
            if model.scope(node).kind == "function":
                diagnostic.fix = Applicability.SAFE
            yield diagnostic

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call):
            return None
        reference, import_edit = context.import_name("asyncio", "sleep")
        parenthesise = context.needs_parentheses_for_await(call)

        def to_async_sleep(expression: cst.BaseExpression) -> cst.BaseExpression:
            assert isinstance(expression, cst.Call)
            awaited = cst.Await(expression.with_changes(func=cst.parse_expression(reference)))
            if parenthesise:
                awaited = awaited.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return awaited

        edits = [context.rewrite_expression(call, to_async_sleep)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.SAFE, tuple(edits))
