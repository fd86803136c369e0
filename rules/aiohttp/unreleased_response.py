from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

#: session methods whose awaited result is a response with a body (``head`` has none)
REQUEST_METHODS = frozenset(
    f"aiohttp.ClientSession.{method}" for method in ("get", "post", "put", "patch", "delete", "options", "request")
)
#: response members that read the body or give the connection back
RELEASING = frozenset({"read", "text", "json", "release", "close", "content", "wait_for_close"})
#: context managers inside which a request is expected to fail, and so to return no response
EXPECTED_FAILURE = frozenset({"pytest.raises"})
EXPECTED_FAILURE_METHODS = frozenset({"assertRaises", "assertRaisesRegex"})
#: how a read of the response's name hands it on to code that may read or release it
_HANDED_ON = frozenset({"with", "argument", "returned", "yielded", "stored", "element", "bound"})


class UnreleasedClientResponse(Rule):
    """
    ## What it does
    Finds a response from `await session.get(...)` (or `post`, `put`, `patch`, `delete`,
    `options`, `request`) taken outside `async with`, whose body is never read (`read()`,
    `text()`, `json()`, `content`) nor released (`release()`, `close()`), and which is not handed
    on to other code.

    ## Why is this bad?
    Until its body is read or it is released, a response keeps its connection out of the
    session's pool. Code that looks only at `status` or `headers` holds connections for as long
    as the response object lives; with enough of them the pool (100 connections by default) is
    exhausted and further requests wait. A response that is dropped unread gives its connection
    back only when it is garbage-collected, and then closes the connection instead of reusing
    it when the body was not fully received.

    A request awaited inside `with pytest.raises(...)` (or `self.assertRaises`) is expected to
    fail, and is left alone.

    ## Example
    ```python
    async def is_up(session: aiohttp.ClientSession, url: str) -> bool:
        response = await session.get(url)
        return response.status == 200
    ```

    ## Use instead
    ```python
    async def is_up(session: aiohttp.ClientSession, url: str) -> bool:
        async with session.get(url) as response:
            return response.status == 200
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO003"]`. A response left
    unread is released when its session closes right after (an enclosing `async with`); on the
    real-application corpus the finding was such a response. Enable it to release every response
    explicitly.

    ## Fix safety
    There is no automatic fix: moving the code that uses the response into an `async with`
    block changes when the connection goes back to the pool, which needs a reading of the code.
    """

    code = "AIO003"
    name = "unreleased-client-response"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "a client response is neither read nor released"
    guidelines = (
        Quote("aiohttp", "Client Request and Response", "Create effective response handling"),
        Quote("aiohttp", "Concurrency and Performance", "Implement proper resource management"),
        Quote("aiohttp", "Key Principles", "Create robust request and response handling"),
    )
    node_types = (ast.Call,)
    callees = callees_of(REQUEST_METHODS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(model.parent(node), ast.Await):
            return
        method = qualified(model, node.func)
        if method not in REQUEST_METHODS:
            return
        kind, user = model.value_use(node)
        if kind == "receiver":
            assert isinstance(user, ast.Attribute)
            if user.attr in RELEASING:
                return
        elif kind == "bound":
            assert isinstance(user, ast.Name)
            if _released_or_handed_on(model, user):
                return
        elif kind != "discarded" or _expected_to_raise(model, node):
            return
        shown = method.rsplit(".", 1)[1]
        if kind == "discarded":
            problem = "is dropped unread: its connection goes back only when the response is garbage-collected"
        else:
            problem = "is never read nor released, so it holds its connection"
        yield self.diagnostic(
            node,
            model,
            f"the response of `session.{shown}()` in {model.context_label(node)} {problem}; use "
            f"`async with session.{shown}(...) as response:` or read the body",
        )


def _expected_to_raise(model: SemanticModel, node: ast.AST) -> bool:
    """True inside ``with pytest.raises(...)`` / ``self.assertRaises(...)``: a request that must fail."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            for item in ancestor.items:
                manager = item.context_expr
                if isinstance(manager, ast.Call) and (
                    qualified(model, manager.func) in EXPECTED_FAILURE
                    or (isinstance(manager.func, ast.Attribute) and manager.func.attr in EXPECTED_FAILURE_METHODS)
                ):
                    return True
    return False


def _released_or_handed_on(model: SemanticModel, target: ast.Name) -> bool:
    binding = model.lookup(target.id, target)
    if binding is None or binding.scope.kind != "function":
        return True
    for reference in model.references(binding):
        if model.scope(reference) is not binding.scope and model.scope(reference).kind != "comprehension":
            return True
        kind, user = model.value_use(reference)
        if kind in _HANDED_ON:
            return True
        if kind == "receiver" and isinstance(user, ast.Attribute) and user.attr in RELEASING:
            return True
    return False
