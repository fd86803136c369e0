from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: the last part of decorators whose function's signature is set elsewhere (an interface it
#: implements, the overloads it types)
_FOREIGN_SIGNATURES = frozenset({"override", "overload"})


class TimeoutParameter(Rule):
    """
    ## What it does
    Finds `async def` functions with a parameter named `timeout` (positional, keyword-only or
    positional-only). Request handlers (where `timeout` is part of the web API), `@override`
    methods and `@overload` signatures are not reported.

    Opt-in: a `timeout` parameter is a common and deliberate API style.

    ## Why is this bad?
    With asyncio's structured timeouts the caller limits how long an operation may take, with
    `async with asyncio.timeout(...)` around the call: one mechanism, composable (an outer deadline
    covers everything under it), and cancellation-correct. A coroutine that takes its own `timeout`
    duplicates that, usually through `wait_for` internally, and its budget does not shrink when the
    caller is already short of time.

    ## Example
    ```python
    async def fetch_user(client, user_id, timeout=5):
        return await asyncio.wait_for(client.get(f"/users/{user_id}"), timeout)
    ```

    ## Use instead
    ```python
    async def fetch_user(client, user_id):
        return await client.get(f"/users/{user_id}")

    async with asyncio.timeout(5):
        user = await fetch_user(client, 42)
    ```

    ## Fix safety
    No automatic fix: every caller changes.
    """

    code = "ASY169"
    name = "async-function-with-timeout-parameter"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "`async def` with a `timeout` parameter: let the caller use `asyncio.timeout()`"
    guidelines = (
        Quote("asyncio", "Timeouts and Delays", "Implement effective timeout handling"),
        Quote("asyncio", "Coroutine Design", "Implement effective coroutine functions"),
    )
    node_types = (ast.AsyncFunctionDef,)
    #: not run unless selected: a timeout parameter is a deliberate API style in many libraries
    opt_in = True

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncFunctionDef)
        arguments = node.args
        parameter = next(
            (a for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs) if a.arg == "timeout"), None
        )
        if parameter is None:
            return
        function = model.function_info(node)
        if function is None or model.request_framework(function) is not None:
            return
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = model.qualified_name(target) or model.segment(target)
            if name.rpartition(".")[2] in _FOREIGN_SIGNATURES:
                return
        message = (
            f"coroutine function `{function.qualname}` takes a `timeout`: let callers limit it with "
            "`async with asyncio.timeout(...)` around the call"
        )
        yield self.diagnostic(parameter, model, message)
