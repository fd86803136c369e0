from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from .coroutine_function_as_callback import coroutine_function

#: assertion helpers that call a function and expect it to raise -> the callable's position
RAISES_HELPERS = {"assertRaises": 1, "assertRaisesRegex": 2, "assertWarns": 1, "assertWarnsRegex": 2}
#: pytest's helpers, whose call form takes the callable second
PYTEST_RAISES = frozenset({"pytest.raises", "pytest.warns"})


class RaisesWithCoroutineFunction(Rule):
    """
    ## What it does
    Finds the call form of an exception assertion given a coroutine function:
    `self.assertRaises(Error, fetch, url)`, `assertRaisesRegex(Error, pattern, fetch)`,
    `pytest.raises(Error, fetch, url)`.

    ## Why is this bad?
    The helper calls the function and checks that the call raises. Calling a coroutine function
    only creates a coroutine; its body, and the exception, never happen. The assertion fails with
    "Error not raised" (and a "never awaited" warning), which reads like a bug in the code under
    test rather than in the test.

    ## Example
    ```python
    class TestClient(unittest.IsolatedAsyncioTestCase):
        async def test_missing(self):
            self.assertRaises(NotFound, fetch, "/missing")
    ```

    ## Use instead
    ```python
    class TestClient(unittest.IsolatedAsyncioTestCase):
        async def test_missing(self):
            with self.assertRaises(NotFound):
                await fetch("/missing")
    ```

    ## Fix safety
    No automatic fix: the `with` form needs an `await`, so the test must be a coroutine (an async
    test case, or pytest-asyncio).
    """

    code = "ASY152"
    name = "raises-with-coroutine-function"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`assertRaises`/`pytest.raises` given a coroutine function: the coroutine never runs"
    guidelines = (Quote("asyncio", "Testing Async Code", "Implement proper exception testing"),)
    node_types = (ast.Call,)
    callees = callees_of(RAISES_HELPERS, PYTEST_RAISES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if isinstance(node.func, ast.Attribute) and node.func.attr in RAISES_HELPERS:
            position = RAISES_HELPERS[node.func.attr]
        elif model.qualified_name(node.func) in PYTEST_RAISES:
            position = 1
        else:
            return
        if len(node.args) <= position or any(isinstance(arg, ast.Starred) for arg in node.args[: position + 1]):
            return  # the context-manager form, or arguments the model cannot place
        callable_ = node.args[position]
        coroutine = coroutine_function(callable_, model)
        if coroutine is None:
            return
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} calls `{coroutine}`, a coroutine function: "
            "the call only creates a coroutine, so nothing is raised; use the `with` form and "
            f"`await {coroutine.rsplit('.', 1)[-1]}(...)` inside it"
        )
        yield self.diagnostic(callable_, model, message)
