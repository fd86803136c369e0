from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

TEST_CLIENTS = frozenset({"starlette.testclient.TestClient", "fastapi.testclient.TestClient"})


class WebsocketConnectWithoutWith(Rule):
    """
    ## What it does
    Finds `client.websocket_connect(...)` on a Starlette or FastAPI `TestClient` whose session is
    not used as a context manager: `ws = client.websocket_connect("/ws")` with no
    `with ws:` after it, or the call's result used directly.

    ## Why is this bad?
    The test session starts the application's WebSocket endpoint in `__enter__` and closes it in
    `__exit__`. Outside a `with` block the session was never started: `send_text()` and
    `receive_json()` fail with `AttributeError` instead of testing anything, and a session that
    was started by hand is never closed, leaving the endpoint's task running after the test.

    ## Example
    ```python
    def test_echo():
        client = TestClient(app)
        websocket = client.websocket_connect("/ws")
        websocket.send_text("hello")
        assert websocket.receive_text() == "hello"
    ```

    ## Use instead
    ```python
    def test_echo():
        client = TestClient(app)
        with client.websocket_connect("/ws") as websocket:
            websocket.send_text("hello")
            assert websocket.receive_text() == "hello"
    ```

    ## Fix safety
    There is no automatic fix: the statements that use the session have to move into the
    `with` block.
    """

    code = "STA027"
    name = "websocket-connect-without-with"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`TestClient.websocket_connect()` used without `with`: the session never starts"
    guidelines = (
        Quote(
            "starlette",
            "Testing Patterns and Best Practices",
            "Test WebSockets using `client.websocket_connect()` as context manager",
        ),
    )
    node_types = (ast.Call,)
    callees = frozenset({"websocket_connect"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "websocket_connect"):
            return
        if model.instance_type(node.func.value) not in TEST_CLIENTS:
            return
        use, where = model.value_use(node)
        if use in ("with", "returned", "yielded", "argument", "stored", "element"):
            return  # entered here, or handed to code that may enter it
        if use == "bound":
            binding = model.lookup(where.id, where)
            references = model.references(binding) if binding is not None else []
            if any(model.value_use(name)[0] in ("with", "returned", "yielded", "argument") for name in references):
                return
        message = (
            f"`{model.segment(node.func)}(...)` in {model.context_label(node)} is not used as a context manager: "
            "the WebSocket session never starts; write `with "
            f"{model.segment(node.func)}(...) as websocket:`"
        )
        yield self.diagnostic(node, model, message)
