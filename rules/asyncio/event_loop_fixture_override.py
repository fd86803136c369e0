from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: decorators that make a pytest fixture
FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})


class EventLoopFixtureOverride(Rule):
    """
    ## What it does
    Finds a pytest fixture named `event_loop`: the pattern, from old pytest-asyncio releases, of
    overriding its loop fixture to change the loop's scope or policy.

    ## Why is this bad?
    pytest-asyncio deprecated redefining `event_loop` in 0.22 and removed the fixture in 1.0.
    On current releases the override is no longer what runs the tests: the tests get a loop of
    their own scope, so a session-wide loop that fixtures rely on (a shared connection pool, an
    app started once) is silently a different loop, and fails with "attached to a different loop"
    or "Event loop is closed".

    ## Example
    ```python
    import asyncio
    import pytest

    @pytest.fixture(scope="session")
    def event_loop():
        loop = asyncio.new_event_loop()
        yield loop
        loop.close()
    ```

    ## Use instead
    ```python
    import pytest

    # every test and fixture of the session shares one loop
    pytestmark = pytest.mark.asyncio(loop_scope="session")
    ```
    or set `asyncio_default_fixture_loop_scope` / `asyncio_default_test_loop_scope` in the pytest
    configuration; to change the loop's kind, override the `event_loop_policy` fixture.

    ## Fix safety
    No automatic fix: the loop scope belongs in the pytest configuration or markers, outside the
    fixture.
    """

    code = "ASY140"
    name = "event-loop-fixture-override"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "pytest `event_loop` fixture overridden (deprecated in pytest-asyncio 0.22, removed in 1.0)"
    guidelines = (Quote("asyncio", "Testing Async Code", "Use appropriate event loop fixtures"),)
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if node.name != "event_loop":
            return
        decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
        if not any(model.qualified_name(d) in FIXTURE_DECORATORS for d in decorators):
            return
        message = (
            "the `event_loop` fixture is deprecated since pytest-asyncio 0.22 and removed in 1.0: tests no "
            "longer run in the loop it makes; set the loop scope with "
            '`pytest.mark.asyncio(loop_scope="session")` or `asyncio_default_fixture_loop_scope`'
        )
        yield Diagnostic(self.code, message, model.header_range(node), self.severity)
