from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: aiohttp's pytest fixtures under their old names -> the current names
RENAMED_FIXTURES = {
    "test_client": "aiohttp_client",
    "test_server": "aiohttp_server",
    "raw_test_server": "aiohttp_raw_server",
}


class DeprecatedTestFixture(Rule):
    """
    ## What it does
    Finds test functions taking aiohttp's pytest fixtures by their old names: `test_client`,
    `test_server` and `raw_test_server`.

    ## Why is this bad?
    aiohttp renamed them `aiohttp_client`, `aiohttp_server` and `aiohttp_raw_server` (the old
    names read like `test_*` tests to pytest); the old ones are kept only as deprecated aliases
    that warn with a `DeprecationWarning`, and a test still using one fails with "fixture
    'test_client' not found" once they are removed.

    ## Example
    ```python
    async def test_hello(test_client):
        client = await test_client(create_app())
        response = await client.get("/")
        assert response.status == 200
    ```

    ## Use instead
    ```python
    async def test_hello(aiohttp_client):
        client = await aiohttp_client(create_app())
        response = await client.get("/")
        assert response.status == 200
    ```

    ## Fix safety
    No fix is offered: the body uses the parameter too, and may shadow it.
    """

    code = "AIO036"
    name = "aiohttp-deprecated-test-fixture"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "aiohttp pytest fixture under its removed name (`test_client` -> `aiohttp_client`)"
    guidelines = (Quote("aiohttp", "Testing", "Create proper test client usage"),)
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not (node.name.startswith("test") or _is_fixture(model, node)):
            return
        for parameter in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            replacement = RENAMED_FIXTURES.get(parameter.arg)
            if replacement is not None:
                yield self.diagnostic(
                    parameter,
                    model,
                    f"the `{parameter.arg}` fixture was renamed `{replacement}` (the old name is a deprecated alias "
                    "due for removal); take `{replacement}`",
                )


def _is_fixture(model: SemanticModel, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if model.qualified_name(target) in ("pytest.fixture", "pytest_asyncio.fixture"):
            return True
    return False
