from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of

#: mocks whose calls return a plain value, which cannot be awaited
SYNC_MOCKS = frozenset({
    "unittest.mock.Mock", "unittest.mock.MagicMock", "unittest.mock.NonCallableMock",
    "mock.Mock", "mock.MagicMock",
})

#: patchers that replace an attribute of an object
PATCH_OBJECT = frozenset({"unittest.mock.patch.object", "mock.patch.object"})


class SyncMockForCoroutine(Rule):
    """
    ## What it does
    Finds a coroutine function of the module (an `async def` method of one of its classes)
    replaced by a synchronous `Mock()` or `MagicMock()`: `patch.object(Client, "fetch",
    MagicMock())`, `patch.object(Client, "fetch", new=Mock(...))`, or
    `Client.fetch = MagicMock()`.

    `patch.object(Client, "fetch")` without a replacement is fine: since Python 3.8 it makes an
    `AsyncMock` for an `async def`.

    ## Why is this bad?
    The code under test awaits the method. A `MagicMock`'s call returns a `MagicMock`, which is not
    awaitable, so the test fails with "object MagicMock can't be used in 'await' expression", or,
    where the result is not awaited directly (passed to `gather()`, `create_task()`), exercises a
    path the real coroutine never takes.

    ## Example
    ```python
    from unittest import mock

    async def test_fetch_user():
        with mock.patch.object(Client, "fetch", mock.MagicMock(return_value={"id": 1})):
            assert await load_user(1) == {"id": 1}
    ```

    ## Use instead
    ```python
    from unittest import mock

    async def test_fetch_user():
        with mock.patch.object(Client, "fetch", mock.AsyncMock(return_value={"id": 1})):
            assert await load_user(1) == {"id": 1}
    ```

    ## Fix safety
    No automatic fix: `AsyncMock` records awaits as well as calls, and assertions written for
    the `MagicMock` (`assert_called_with`) may need `assert_awaited_with`.
    """

    code = "ASY141"
    name = "sync-mock-for-coroutine"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Coroutine function replaced by a `Mock`/`MagicMock`: use `AsyncMock`"
    guidelines = (Quote("asyncio", "Testing Async Code", "Implement effective mock integration"),)
    node_types = (ast.Call, ast.Assign)
    callees = callees_of(PATCH_OBJECT)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Call):
            if model.qualified_name(node.func) not in PATCH_OBJECT:
                return
            owner, attribute, replacement = argument(node, 0, "target"), argument(node, 1, "attribute"), argument(node, 2, "new")
            if not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
                return
            targets = [(owner, attribute.value, replacement)] if owner is not None else []
        else:
            assert isinstance(node, ast.Assign)
            targets = [(target.value, target.attr, node.value) for target in node.targets if isinstance(target, ast.Attribute)]
        for owner_expr, name, replacement in targets:
            if not isinstance(replacement, ast.Call):
                continue
            mock = model.qualified_name(replacement.func)
            if mock not in SYNC_MOCKS or keyword(replacement, "side_effect") is not None:
                continue  # a side_effect may return an awaitable
            owner = model.class_def(owner_expr)
            method = model.find_method(owner, name) if owner is not None else None
            if method is None or not method.is_async or method.yields:
                continue
            message = (
                f"`{method.qualname}` is a coroutine function, replaced by `{mock.rsplit('.', 1)[-1]}()` in "
                f"{model.context_label(node)}: awaiting its result raises `TypeError`; use `AsyncMock()`"
            )
            yield self.diagnostic(replacement, model, message)
