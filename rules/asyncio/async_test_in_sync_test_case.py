from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: the synchronous test case, which calls test methods and ignores what they return
SYNC_TEST_CASES = frozenset({"unittest.TestCase", "unittest.case.TestCase"})

#: TestCase methods a class can override to run coroutine tests itself
TEST_RUNNING_HOOKS = ("run", "_callTestMethod")


class AsyncTestInSyncTestCase(Rule):
    """
    ## What it does
    Finds `async def test_…` methods in a class whose only test-case base is `unittest.TestCase`
    (directly, or through classes of the same module).

    A class that also derives from anything else (`IsolatedAsyncioTestCase`, aiohttp's
    `AioHTTPTestCase`, Django's `TestCase`, an imported mixin), classes that override `run()` or
    `_callTestMethod()`, and decorated methods (Tornado's `@gen_test`)
    are left alone: they may run the coroutine.

    ## Why is this bad?
    `unittest.TestCase` calls a test method and ignores its result. Calling an `async def` only
    creates a coroutine, so the test body never runs and the test always passes, assertions and
    all (Python 3.11+ adds a `DeprecationWarning`, which test runners often hide).

    ## Example
    ```python
    import unittest

    class TestClient(unittest.TestCase):
        async def test_fetch(self):
            self.assertEqual(await fetch("/"), 200)
    ```

    ## Use instead
    ```python
    import unittest

    class TestClient(unittest.IsolatedAsyncioTestCase):
        async def test_fetch(self):
            self.assertEqual(await fetch("/"), 200)
    ```

    ## Fix safety
    No automatic fix: switching the base to `IsolatedAsyncioTestCase` runs every test of the
    class in an event loop and changes which `setUp`/`asyncSetUp` hooks run, which may need work
    by hand.
    """

    code = "ASY130"
    name = "async-test-in-sync-test-case"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`async def test_…` in a `unittest.TestCase`: the test body never runs"
    guidelines = (Quote("asyncio", "Testing Async Code", "Create proper test coroutines"),)
    node_types = (ast.AsyncFunctionDef,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncFunctionDef)
        if not node.name.startswith("test") or node.decorator_list:
            return
        function = model.function_info(node)
        if function is None or function.class_info is None:
            return
        imported = [base for base in model.base_classes(function.class_info) if isinstance(base, str)]
        if not imported or any(base not in SYNC_TEST_CASES for base in imported):
            return
        if any(model.find_method(function.class_info, hook) for hook in TEST_RUNNING_HOOKS):
            return  # the class runs its tests itself
        message = (
            f"`async def {node.name}` in `{function.class_info.name}`, a `unittest.TestCase`, never runs: the "
            "test case calls it and drops the coroutine, so the test always passes; derive the class from "
            "`unittest.IsolatedAsyncioTestCase`"
        )
        yield Diagnostic(self.code, message, model.header_range(node), self.severity)
